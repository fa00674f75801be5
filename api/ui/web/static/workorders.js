// Work-order pages: keyboard-first entry. Ctrl+Enter (⌘+Enter on a Mac)
// submits the entry form from any field, so an operator never needs the
// mouse while a caller is on the line.
(function () {
  "use strict";
  var form = document.getElementById("wo-form");
  if (!form) { return; }
  form.addEventListener("keydown", function (ev) {
    if (ev.key === "Enter" && (ev.ctrlKey || ev.metaKey)) {
      ev.preventDefault();
      if (form.requestSubmit) { form.requestSubmit(); } else { form.submit(); }
    }
  });
  // After an error, put the cursor on the first field that needs fixing.
  var bad = form.querySelector("[aria-invalid=true]");
  if (bad) { bad.focus(); }
})();
