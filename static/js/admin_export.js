// The admin's export page: "Select all" ticks every field. django-import-export binds it with an
// onchange attribute, which the Content-Security-Policy blocks; its own function is bound here.
document.querySelectorAll("input.select-toggle").forEach(function (toggle) {
  toggle.addEventListener("change", onSelectToggleChange);  // import_export's, from form.media
});
