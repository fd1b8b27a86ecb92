// Behaviour shared by every page. Loaded as a file: the Content-Security-Policy allows no
// inline script or event-handler attribute.
document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
  select.addEventListener("change", function () { select.form.submit(); });
});

// On a phone the main menu folds behind a button (CSS shows the button below 720px).
document.querySelectorAll(".navtoggle").forEach(function (button) {
  button.addEventListener("click", function () {
    var open = button.closest(".topbar").classList.toggle("nav-open");
    button.setAttribute("aria-expanded", open ? "true" : "false");
  });
});

// On a phone the filters of a list fold away unless one is in use, so the list comes first.
if (window.matchMedia("(max-width: 720px)").matches) {
  document.querySelectorAll("details[data-fold-on-phone]").forEach(function (box) {
    var used = Array.prototype.some.call(box.querySelectorAll("input:not([type=hidden]), select"), function (f) {
      return f.value !== "";
    });
    if (!used) { box.removeAttribute("open"); }
  });
}

// A form shown again with its errors: the cursor goes to the first field to correct (before
// the browser's autofocus, which then stands aside), so keyboard entry carries on from there.
(function () {
  var invalid = document.querySelector("form [aria-invalid=true]");
  if (invalid) { invalid.focus(); }
})();
