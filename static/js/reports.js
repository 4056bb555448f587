/* A period's reports: follow each report being built (progress bar), then show the link or
 * the error with "try again". Without JavaScript the page shows the state when loaded. */
(function () {
  "use strict";
  var rows = Array.prototype.slice.call(document.querySelectorAll("[data-report]"));
  function finished(status) { return status === "done" || status === "failed"; }

  function follow(row) {
    fetch(row.dataset.statusUrl, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data) return;
        row.dataset.status = data.status;
        row.querySelector("[data-status-label]").textContent = data.status_label;
        var bar = row.querySelector("[data-progress]");
        bar.value = data.progress;
        bar.textContent = data.progress + "%";
        if (data.status === "done") {
          bar.hidden = true;
          var link = row.querySelector("[data-download]");
          link.href = data.download_url;
          link.hidden = false;
        } else if (data.status === "failed") {
          bar.hidden = true;
          var error = row.querySelector("[data-error]");
          error.textContent = data.error;
          error.hidden = false;
          row.querySelector("[data-retry]").hidden = false;
        }
        if (!finished(data.status)) window.setTimeout(function () { follow(row); }, 1500);
      })
      .catch(function () { window.setTimeout(function () { follow(row); }, 5000); });
  }

  rows.forEach(function (row) { if (!finished(row.dataset.status)) follow(row); });

  // The unit list matters only for the scorecard.
  var kind = document.getElementById("report-kind");
  var unitField = document.querySelector("[data-unit-field]");
  if (kind && unitField) {
    var toggle = function () { unitField.hidden = kind.value !== "scorecard"; };
    kind.addEventListener("change", toggle);
    toggle();
  }
})();
