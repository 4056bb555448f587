// Bars drawn from data attributes: the Content-Security-Policy forbids style="" in the page,
// but not a width set from a script of the portal's own.
(function () {
  "use strict";
  document.querySelectorAll("[data-bar-width]").forEach(function (bar) {
    bar.style.width = bar.dataset.barWidth + "%";
  });
  document.querySelectorAll("[data-bar-left]").forEach(function (mark) {
    mark.style.left = mark.dataset.barLeft + "%";
  });
}());
