// Imports in the browser. A file of its own: the Content-Security-Policy allows no inline script.
// - The upload form (templates/includes/import_start.html): a file over the size limit is
//   refused before it is sent (the server refuses it too).
// - The progress of an import job (templates/includes/import_progress.html): polls the job's
//   status (JSON) every second, shows rows done / rows in all, and reloads the page when the
//   step is finished, which then shows the preview or the result.
(function () {
  document.querySelectorAll("form[data-max-bytes]").forEach(function (form) {
    // registered before app.js's busy indicator, which a refused file must not start
    form.addEventListener("submit", function (event) {
      var input = form.querySelector("input[type=file]");
      var file = input && input.files && input.files[0];
      if (file && file.size > Number(form.dataset.maxBytes)) {
        event.preventDefault();
        event.stopImmediatePropagation();
        form.querySelector("[data-too-large]").hidden = false;
      }
    });
  });

  var box = document.querySelector("[data-import-job]");
  if (!box) { return; }
  var bar = box.querySelector("progress");
  var done = box.querySelector("[data-done]");
  var total = box.querySelector("[data-total]");

  function show(state) {
    done.textContent = state.done;
    if (state.total) {
      total.textContent = state.total;
      bar.max = state.total;
      bar.value = state.done;
    }
  }

  function poll() {
    fetch(box.dataset.statusUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) { throw new Error(response.status); }
        return response.json();
      })
      .then(function (state) {
        if (state.finished) { window.location.reload(); return; }
        show(state);
        window.setTimeout(poll, 1000);
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }

  window.setTimeout(poll, 500);
})();
