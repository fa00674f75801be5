// Results page: "后台导出" starts an export job (POST /api/v1/exports, with
// the page's rater-group and org filter) and
// polls its progress until the file can be downloaded. The job runs on the
// server: leaving the page does not stop it.
(function () {
  "use strict";
  var box = document.getElementById("export-status");
  if (!box) { return; }
  var bar = document.getElementById("export-progress");
  var text = document.getElementById("export-text");
  var link = document.getElementById("export-file");
  var meta = document.querySelector("meta[name=csrf-token]");
  var csrf = meta ? meta.getAttribute("content") : "";
  var buttons = [document.getElementById("export-start"), document.getElementById("export-ballots")];

  function busy(on) {
    buttons.forEach(function (b) { if (b) { b.disabled = on; } });
  }
  function fail(msg) {
    text.textContent = msg;
    text.className = "export-failed";
    busy(false);
  }
  function poll(id) {
    fetch("/api/v1/exports/" + encodeURIComponent(id), { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { return r.json().then(function (j) { return { ok: r.ok, j: j }; }); })
      .then(function (res) {
        if (!res.ok) { fail((res.j.error && res.j.error.message) || "查询导出进度失败"); return; }
        var j = res.j;
        bar.value = j.percent || 0;
        if (j.status === "done") {
          text.textContent = "已完成：" + j.rows + " 份答卷";
          link.href = "/api/v1/exports/" + encodeURIComponent(j.id) + "/file";
          link.hidden = false;
          busy(false);
          return;
        }
        if (j.status === "failed") { fail(j.error || "导出失败"); return; }
        text.textContent = (j.status === "queued" ? "正在排队…" : "正在导出 " + (j.percent || 0) + "%（" + j.rows + " 份）");
        setTimeout(function () { poll(id); }, 1000);
      })
      .catch(function () { setTimeout(function () { poll(id); }, 3000); });
  }
  // request is the export job for button b: the scorecard carries the
  // page's filter (data-group, data-org-id), as the download link does.
  function request(b) {
    var body = { kind: b.getAttribute("data-kind"), survey_id: b.getAttribute("data-survey") };
    var group = b.getAttribute("data-group"), org = b.getAttribute("data-org-id");
    if (group) { body.group = group; }
    if (org) { body.org_id = org; }
    return body;
  }
  function start(ev) {
    var b = ev.currentTarget;
    busy(true);
    box.hidden = false;
    link.hidden = true;
    bar.value = 0;
    text.className = "";
    text.textContent = "正在排队…";
    fetch("/api/v1/exports", {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRF-Token": csrf },
      body: JSON.stringify(request(b))
    })
      .then(function (r) { return r.json().then(function (j) { return { ok: r.ok, j: j }; }); })
      .then(function (res) {
        if (!res.ok) { fail((res.j.error && res.j.error.message) || "无法开始导出"); return; }
        poll(res.j.id);
      })
      .catch(function () { fail("网络异常，请稍后重试"); });
  }
  buttons.forEach(function (b) { if (b) { b.addEventListener("click", start); } });
})();
