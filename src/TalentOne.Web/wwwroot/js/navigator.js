// 县（市、区）列表只显示所选市的县；不启用脚本时，列表按市分组显示全部县，表单照样可用。
(function () {
  "use strict";
  document.querySelectorAll("select[data-filter-by]").forEach(function (county) {
    var city = document.querySelector('select[name="' + county.getAttribute("data-filter-by") + '"]');
    if (!city) return;
    function apply() {
      var chosen = city.value;
      county.querySelectorAll("optgroup").forEach(function (group) {
        var show = !chosen || group.getAttribute("data-city") === chosen;
        group.hidden = !show;
        group.disabled = !show;
      });
      var selected = county.selectedOptions[0];
      if (selected && selected.parentElement.tagName === "OPTGROUP" && selected.parentElement.disabled) county.value = "";
    }
    city.addEventListener("change", apply);
    apply();
  });
})();
