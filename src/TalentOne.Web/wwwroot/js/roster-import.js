// 名册导入：选择文件后先在浏览器里检查大小和扩展名，过大的文件不必上传再被拒绝（服务器仍会再次检查）。
(function () {
  "use strict";
  var input = document.getElementById("roster-file");
  var error = document.getElementById("roster-file-error");
  if (!input || !error) return;
  var max = parseInt(input.getAttribute("data-max-bytes") || "0", 10);
  input.addEventListener("change", function () {
    var file = input.files && input.files[0];
    var message = "";
    if (file && max > 0 && file.size > max) {
      message = "文件过大（" + (file.size / 1024 / 1024).toFixed(1) + " MB）：名册文件不能超过 " + Math.round(max / 1024 / 1024) + " MB，请分批导入";
    } else if (file && !/\.xlsx$/i.test(file.name)) {
      message = "请选择 Excel（.xlsx）文件；.xls 请先在 Excel 中另存为 .xlsx";
    }
    error.textContent = message;
    error.hidden = message === "";
    input.setCustomValidity(message);
  });
})();
