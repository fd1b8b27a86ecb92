// Behaviour shared by every page. Loaded as a file: the Content-Security-Policy allows no
// inline script or event-handler attribute.
document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
  select.addEventListener("change", function () { select.form.submit(); });
});
