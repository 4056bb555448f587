/* Appraisal review page: each item's form saves without leaving the page.
 *
 * The server is the authority and answers every save with the item rendered again — saved,
 * refused with the errors beside the fields, or refused because someone saved it meanwhile,
 * with the stored value shown and the user's input kept — which replaces the item in place.
 * Without this script the same forms post normally and the page comes back the same way. */
(function () {
  "use strict";
  var root = document.getElementById("appraisal");
  if (!root || !window.fetch || !window.FormData) return;
  var msg = root.dataset;
  var statusEl = root.querySelector("[data-ap-status]");
  var toReviewEl = root.querySelector("[data-summary='to_review']");

  function setStatus(text, ok) {
    if (!statusEl) return;
    statusEl.textContent = text || "";
    statusEl.className = "ap-summary__status " + (ok ? "ap-summary__status--ok" : "ap-summary__status--error");
  }

  function replaceItem(article, html) {
    var holder = document.createElement("div");
    holder.innerHTML = html.trim();
    var fresh = holder.firstElementChild;
    if (!fresh) return article;
    article.parentNode.replaceChild(fresh, article);
    return fresh;
  }

  root.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches("[data-ap-form]")) return;
    event.preventDefault();
    var data = new FormData(form);
    // FormData(form) leaves out the button pressed: "save" or "accept" travels with it.
    var submitter = event.submitter || form.querySelector("button[name='action'][value='save']");
    if (submitter && submitter.name) data.set(submitter.name, submitter.value);
    var buttons = form.querySelectorAll("button");
    var itemStatus = form.querySelector("[data-item-status]");
    buttons.forEach(function (button) { button.disabled = true; });
    if (itemStatus) itemStatus.textContent = msg.msgSaving;

    // form.action would be the buttons named "action", not the URL.
    fetch(form.getAttribute("action"), {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { "Accept": "application/json" }
    })
      .then(function (response) {
        var type = response.headers.get("Content-Type") || "";
        if (type.indexOf("application/json") === -1) {
          // The login page (session ended) or an error page, not an answer of ours.
          throw { login: response.redirected || response.status === 403 };
        }
        return response.json();
      })
      .then(function (answer) {
        var article = form.closest(".ap-item");
        if (answer.html && article) {
          var fresh = replaceItem(article, answer.html);
          var freshStatus = fresh.querySelector("[data-item-status]");
          // A refusal explains itself beside the fields; the item only says it is not saved.
          if (freshStatus) freshStatus.textContent = answer.ok ? answer.message : msg.msgNotSaved;
          if (!answer.ok) {
            var first = fresh.querySelector("[data-conflict], .field__error");
            if (first) first.scrollIntoView({ block: "nearest" });
          }
        }
        if (toReviewEl && typeof answer.to_review === "number") {
          toReviewEl.textContent = String(answer.to_review);
        }
        setStatus(answer.message, answer.ok);
      })
      .catch(function (problem) {
        buttons.forEach(function (button) { button.disabled = false; });
        var text = problem && problem.login ? msg.msgLogin : msg.msgError;
        if (itemStatus) itemStatus.textContent = text;
        setStatus(text, false);
      });
  });
})();
