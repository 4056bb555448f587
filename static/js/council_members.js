// The appraisal council's member form, enhanced: without JavaScript every field stays visible and works.
(function () {
  "use strict";
  var form = document.querySelector("#member-form form");
  if (!form) { return; }

  function fold(text) {  // "Tân Hòa" is found by "tan hoa"
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/[đĐ]/g, "d").toLowerCase();
  }
  function checked(name) {
    var input = form.querySelector('input[name="' + name + '"]:checked');
    return input ? input.value : "";
  }

  // Areas and units concern appraisers only; each list matters only for "only the ... ticked".
  var appraiserOnly = form.querySelector("[data-appraiser-only]");
  function sync() {
    if (appraiserOnly) { appraiserOnly.hidden = checked("role") === "council_chair"; }
    ["area_scope", "unit_scope"].forEach(function (name) {
      var list = form.querySelector('[data-scope-list="' + name + '"]');
      if (list) { list.hidden = checked(name) !== "some"; }
    });
  }
  form.addEventListener("change", sync);
  sync();

  // The unit list: find by name, count what is ticked, tick a whole group.
  var tools = form.querySelector("[data-unit-tools]");
  if (!tools) { return; }
  tools.hidden = false;
  var groups = Array.prototype.slice.call(form.querySelectorAll("[data-group]"));
  var rows = Array.prototype.slice.call(form.querySelectorAll("[data-unit-name]"));
  rows.forEach(function (row) { row.dataset.folded = fold(row.dataset.unitName); });

  function count() {
    var total = 0;
    groups.forEach(function (group) {
      var n = group.querySelectorAll('input[name="units"]:checked').length;
      var label = group.querySelector("[data-group-count]");
      label.textContent = label.dataset.template.replace("__N__", n);
      total += n;
    });
    var all = tools.querySelector("[data-unit-count]");
    all.textContent = all.dataset.template.replace("__N__", total);
  }
  form.addEventListener("change", function (event) {
    if (event.target.name === "units") { count(); }
  });

  var filter = document.getElementById("unit-filter");
  filter.addEventListener("input", function () {
    var wanted = fold(filter.value.trim());
    groups.forEach(function (group) {
      var shown = 0;
      group.querySelectorAll("[data-unit-name]").forEach(function (row) {
        var match = !wanted || row.dataset.folded.indexOf(wanted) !== -1;
        row.hidden = !match;
        shown += match ? 1 : 0;
      });
      group.hidden = shown === 0;
      if (wanted) { group.open = shown > 0; }
    });
  });
  filter.addEventListener("keydown", function (event) {
    if (event.key === "Enter") { event.preventDefault(); }  // filtering must not submit the form
  });

  groups.forEach(function (group) {
    var button = group.querySelector("[data-group-all]");
    button.hidden = false;
    button.addEventListener("click", function () {
      group.querySelectorAll("[data-unit-name]:not([hidden]) input").forEach(function (box) {
        box.checked = true;
      });
      var some = form.querySelector('input[name="unit_scope"][value="some"]');
      if (some) { some.checked = true; }
      sync();
      count();
    });
  });
}());
