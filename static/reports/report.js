/* Watch a yearly report: poll the API for its status, progress and stage ("computing 兰州市
   (3 of 15)", "writing the workbook"...) until it is done or failed, then show the result. */
(function () {
  "use strict";
  var box = document.getElementById("report-progress");
  if (!box || box.dataset.finished === "1") { return; }
  var bar = box.querySelector("progress");
  var label = box.querySelector("[data-role=label]");
  function show(r) {
    bar.value = r.progress;
    bar.textContent = r.progress + "%";
    label.textContent = [r.status_display, r.stage_display, r.progress + "%"]
      .filter(function (part) { return part !== "" && part !== null && part !== undefined; })
      .join(" · ");
  }
  function poll() {
    fetch(box.dataset.url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (r) {
        if (!r.ok) { throw new Error("status " + r.status); }
        return r.json();
      })
      .then(function (r) {
        show(r);
        if (r.status === "done" || r.status === "failed") { window.location.reload(); }
        else { window.setTimeout(poll, 1500); }
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 1000);
})();
