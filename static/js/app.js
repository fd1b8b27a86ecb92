// Long work (file checks, imports): disable the button and show a progress bar while the
// server works, so nobody submits twice.
document.querySelectorAll("form[data-busy]").forEach(function (form) {
  form.addEventListener("submit", function () {
    var busy = form.querySelector(".busy");
    if (busy) { busy.hidden = false; busy.querySelector("span").textContent = form.dataset.busy; }
    form.querySelectorAll("button[type=submit]").forEach(function (b) { b.disabled = true; });
  });
});
