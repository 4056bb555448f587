/* The explanation page: save each answer without leaving the page, warn before leaving with
 * unsaved text, keep the send button in step with what is still missing, confirm sending.
 * Loaded only while the unit may answer; without JavaScript every form posts as usual. */
(function () {
  "use strict";
  var root = document.getElementById("explanation");
  if (!root || !window.fetch || !window.FormData) return;
  var msg = root.dataset, dirty = new Set();

  function setStatus(form, text, kind) {
    var status = form.querySelector("[data-status]");
    status.textContent = text;
    status.className = "ex-answer__status" + (kind ? " ex-answer__status--" + kind : "");
  }

  function showConflict(form, current) {
    var box = form.querySelector("[data-conflict]");
    box.textContent = "";
    var head = document.createElement("p");
    head.textContent = msg.msgConflict + (current.updated_by ? " (" + current.updated_by + ", " + current.updated_at + ")" : "") + ":";
    var stored = document.createElement("blockquote");
    stored.className = "ex-stored";
    stored.textContent = current.text || "—";
    var help = document.createElement("p");
    help.textContent = msg.msgConflictHelp;
    box.append(head, stored, help);
    box.hidden = false;
  }

  function updateProblems(problems) {
    var box = document.querySelector("[data-send-problems]");
    var button = document.querySelector("[data-send-form] button");
    if (!box || !button) return;
    box.hidden = !problems.length;
    box.querySelector("ul").textContent = "";
    problems.forEach(function (text) {
      var li = document.createElement("li");
      li.textContent = text;
      box.querySelector("ul").append(li);
    });
    button.disabled = problems.length > 0;
  }

  root.querySelectorAll("[data-answer-form]").forEach(function (form) {
    var item = form.closest("[data-item]");
    form.querySelector("[data-answer]").addEventListener("input", function () {
      dirty.add(form);
      setStatus(form, "", "");
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      setStatus(form, msg.msgSaving, "");
      fetch(form.action, {
        method: "POST",
        body: new FormData(form),
        headers: { "Accept": "application/json" },
        credentials: "same-origin"
      }).then(function (response) {
        return response.json().then(function (data) { return { status: response.status, data: data }; });
      }).then(function (answer) {
        var data = answer.data;
        if (data.ok) {
          form.querySelector("[data-version]").value = data.version;
          form.querySelector("[data-conflict]").hidden = true;
          item.classList.remove("sa-item--error", "sa-item--todo");
          if (!data.text) item.classList.add("sa-item--todo");
          dirty.delete(form);
          setStatus(form, msg.msgSaved.replace("%(time)s", data.saved_at), "ok");
          updateProblems(data.problems);
        } else if (data.conflict) {
          form.querySelector("[data-version]").value = data.current.version;
          showConflict(form, data.current);
          item.classList.add("sa-item--error");
          setStatus(form, data.message, "error");
        } else {
          item.classList.add("sa-item--error");
          setStatus(form, data.message || msg.msgError, "error");
        }
      }).catch(function () {
        setStatus(form, msg.msgOffline, "error");
      });
    });
  });

  window.addEventListener("beforeunload", function (event) {
    if (dirty.size) { event.preventDefault(); event.returnValue = msg.msgUnsaved; }
  });
  var send = document.querySelector("[data-send-form]");
  if (send) {
    send.addEventListener("submit", function (event) {
      if (dirty.size) { event.preventDefault(); window.alert(msg.msgUnsaved); return; }
      if (!window.confirm(msg.msgConfirmSend)) event.preventDefault();
    });
  }
})();
