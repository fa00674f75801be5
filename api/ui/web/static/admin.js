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

// Watching ballots arrive: on a published survey's page the tables marked
// data-live are fetched again every 15 s (the page itself, rendered from
// the tallies) and swapped in, while the tab is visible.
(function () {
  "use strict";
  var live = document.querySelectorAll("[data-live][id]");
  if (!live.length || !window.DOMParser) { return; }
  function refresh() {
    if (document.hidden) { return; }
    fetch(location.pathname, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (r) { return r.ok ? r.text() : ""; })
      .then(function (html) {
        if (!html) { return; }
        var doc = new DOMParser().parseFromString(html, "text/html");
        Array.prototype.forEach.call(live, function (el) {
          var fresh = doc.getElementById(el.id);
          if (fresh) { el.innerHTML = fresh.innerHTML; }
        });
      })
      .catch(function () {});
  }
  setInterval(refresh, 15000);
})();
