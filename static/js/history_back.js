/* "Back to the form" on a refusal page: the browser's own Back, which keeps what was typed
 * (a link would load the form again, empty). Shown only when there is a page to go back to. */
(function () {
  "use strict";
  var button = document.querySelector("[data-history-back]");
  if (!button || window.history.length < 2) return;
  button.hidden = false;
  button.addEventListener("click", function () { window.history.back(); });
})();
