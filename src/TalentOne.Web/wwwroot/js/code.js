// 人才码页面：有效期倒计时（每 30 秒更新一次）；过期后提示刷新。不启用脚本时显示的是打开页面时的剩余时间。
(function () {
  "use strict";
  var box = document.querySelector(".code-expiry[data-expires]");
  if (!box) return;
  var expires = Date.parse(box.getAttribute("data-expires"));
  var text = box.querySelector(".countdown");
  function tick() {
    var left = Math.floor((expires - Date.now()) / 60000);
    if (left < 0) {
      text.textContent = "已过期，请刷新";
      box.classList.add("expired");
      document.querySelectorAll(".code-figure img").forEach(function (img) { img.classList.add("expired"); });
      return;
    }
    var hours = Math.floor(left / 60), minutes = left % 60;
    text.textContent = hours > 0 ? "还剩 " + hours + " 小时 " + minutes + " 分" : "还剩 " + Math.max(1, minutes) + " 分钟";
    setTimeout(tick, 30000);
  }
  tick();
})();
