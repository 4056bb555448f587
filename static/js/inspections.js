/* The units visited: a filter over a long list of checkboxes (hundreds of communes), and how
 * many are ticked. Without this script every checkbox is simply there. */
(function () {
  "use strict";
  var picker = document.querySelector("[data-unit-picker]");
  if (!picker) return;
  var search = picker.querySelector("[data-unit-search]");
  var count = picker.querySelector("[data-unit-count]");
  var choices = Array.prototype.slice.call(picker.querySelectorAll("[data-unit-choice]"));

  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/đ/g, "d").replace(/Đ/g, "D").toLowerCase();
  }
  var labels = choices.map(function (choice) { return fold(choice.textContent); });

  function showCount() {
    var ticked = picker.querySelectorAll("input[type=checkbox]:checked").length;
    count.textContent = "(" + ticked + "/" + choices.length + ")";
  }
  function filter() {
    var wanted = fold(search.value.trim());
    choices.forEach(function (choice, index) {
      var box = choice.querySelector("input");
      choice.hidden = wanted !== "" && labels[index].indexOf(wanted) === -1 && !box.checked;
    });
  }
  search.addEventListener("input", filter);
  search.addEventListener("keydown", function (event) {
    if (event.key === "Enter") event.preventDefault();  // filtering is not submitting
  });
  picker.addEventListener("change", showCount);
  // Someone quick may have typed before this deferred script ran: honour what is already there.
  filter();
  showCount();
})();
