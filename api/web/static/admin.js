// Admin pages: a "复制链接" button copies the text of the readonly input
// its data-copy names. The button is hidden in the markup and shown here,
// so without JavaScript the page offers the input alone (select and copy
// by hand). navigator.clipboard needs a secure context; elsewhere (plain
// http on an intranet) the text is selected and execCommand("copy") tried,
// and if that fails too the selection is left for Ctrl+C.
(function () {
  "use strict";
  var buttons = document.querySelectorAll("button[data-copy]");
  Array.prototype.forEach.call(buttons, function (btn) {
    var input = document.getElementById(btn.getAttribute("data-copy"));
    var status = document.getElementById("copy-status");
    if (!input) { return; }
    var timer = 0;
    function say(msg) {
      if (!status) { return; }
      status.textContent = msg;
      clearTimeout(timer);
      timer = setTimeout(function () { status.textContent = ""; }, 4000);
    }
    function fallback() {
      input.focus();
      input.select();
      var ok = false;
      try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
      say(ok ? "已复制" : "已选中链接，请按 Ctrl+C 复制");
    }
    btn.hidden = false;
    btn.addEventListener("click", function () {
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(input.value).then(function () { say("已复制"); }, fallback);
      } else {
        fallback();
      }
    });
  });
})();
