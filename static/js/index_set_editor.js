/* The index-set editor's item form: as the officer types the rule, the max points or picks the
 * method, ask the server how the rule is read (scoring.rules.parse_rule, the one reader) and
 * show the levels and points units will see, or why it cannot be read. Without JavaScript the
 * preview is drawn by the server when the page loads and after a failed save. */
(function () {
  "use strict";
  var box = document.querySelector("[data-rule-preview]");
  var form = document.querySelector("[data-item-form]");
  if (!box || !form || !window.fetch || !window.URLSearchParams) return;
  var timer = null, latest = 0;

  // On a narrow screen the preview would sit below the whole form: show it under the rule.
  var ruleField = form.querySelector("[data-field='rule']");
  if (ruleField && window.matchMedia && window.matchMedia("(max-width: 900px)").matches) {
    ruleField.after(box);
    box.classList.add("rule-preview--inline");
  }

  function field(name) {
    return form.elements.namedItem(name);
  }

  function render(answer) {
    var method = box.querySelector("[data-preview-method]");
    method.textContent = "";
    if (answer.method_label) {
      var strong = document.createElement("strong");
      strong.textContent = answer.method_label;
      method.append((box.dataset.methodWord || "") , strong);
    }
    var errors = box.querySelector("[data-preview-errors]");
    errors.textContent = "";
    (answer.errors || []).forEach(function (text) {
      var li = document.createElement("li");
      li.className = "field__error";
      li.textContent = text;
      errors.append(li);
    });
    var table = box.querySelector("[data-preview-levels]");
    var body = table.querySelector("tbody");
    body.textContent = "";
    (answer.levels || []).forEach(function (level) {
      var row = document.createElement("tr");
      var label = document.createElement("td");
      var points = document.createElement("td");
      label.textContent = level.label;
      points.textContent = level.points;
      row.append(label, points);
      body.append(row);
    });
    table.hidden = !(answer.levels || []).length;
    var na = box.querySelector("[data-preview-na]");
    na.querySelector("span").textContent = answer.not_applicable_condition || "";
    na.hidden = !answer.not_applicable_condition;
  }

  // A data source only fits a rule that scores a figure: say so before the server refuses.
  var lastAnswer = null;
  function warnDataSource() {
    var input = field("data_source");
    var holder = form.querySelector("[data-field='data_source']");
    if (!input || !holder) return;
    var warning = holder.querySelector("[data-figure-warning]");
    var wrong = lastAnswer && !lastAnswer.errors.length && !lastAnswer.scores_figure &&
      input.value.trim() !== "";
    if (wrong && !warning) {
      warning = document.createElement("p");
      warning.className = "field__error";
      warning.setAttribute("data-figure-warning", "");
      warning.textContent = box.dataset.figureOnly || "";
      holder.append(warning);
    } else if (!wrong && warning) {
      warning.remove();
    }
  }

  function refresh() {
    var params = new URLSearchParams();
    ["rule", "max_points", "method"].forEach(function (name) {
      var input = field(name);
      params.set(name, input ? input.value : "");
    });
    var ticket = ++latest;
    fetch(box.dataset.url + "?" + params.toString(), {
      headers: { Accept: "application/json" },
      credentials: "same-origin"
    })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (answer) {
        if (answer && ticket === latest) {  // an older answer never wins
          render(answer);
          lastAnswer = answer;
          warnDataSource();
        }
      })
      .catch(function () { /* offline: the server shows the reading after saving */ });
  }

  function later() {
    window.clearTimeout(timer);
    timer = window.setTimeout(refresh, 300);
  }

  ["rule", "max_points", "method"].forEach(function (name) {
    var input = field(name);
    if (input) {
      input.addEventListener("input", later);
      input.addEventListener("change", later);
    }
  });
  var source = field("data_source");
  if (source) {
    source.addEventListener("input", warnDataSource);
    if (source.value.trim() !== "") refresh();  // an item already fed from data: check it now
  }
})();
