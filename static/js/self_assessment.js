/* Self-assessment form: live totals while typing, autosave per item, nothing lost offline,
 * conflicts told (never silently overwritten), evidence without leaving the page.
 *
 * The server is the authority: every save answers with the stored points and totals, which
 * replace the preview computed here. The preview follows the server's rules exactly, so that
 * what the unit sees while typing is what will be stored (a browser test feeds both the same
 * inputs): a value the server refuses (scoring.entries.value_clean) counts as not entered; a
 * ratio becomes points by the rule (scoring.engine.policy); totals as the engine adds them.
 * Arithmetic is exact, in BigInt units of 10^-8 point (a proportional rule gives up to 8
 * decimals); display rounds 2 decimals half-up, as scoring/display.py does. */
(function () {
  "use strict";
  var root = document.getElementById("self-assessment");
  if (!root) return;
  var editable = root.dataset.editable === "1";
  var assessmentId = root.dataset.assessment;
  var STORE = "parindex:sa:" + assessmentId + ":";
  var PLACES = 8;
  var SCALE = 100000000n;
  var HUNDRED = 100n * SCALE;
  var MAX_TYPED_PLACES = 4; // what a unit may type (scoring.entries)
  var MAX_RATIO = 1000n * SCALE; // a ratio above 1000% is a typing slip (scoring.entries)
  var NUMBER = /^\+?([0-9]+(?:\.[0-9]*)?|\.[0-9]+)$/;
  var MAX_TEXT = 5000; // characters of a note or a reason (scoring.entries)
  var msg = root.dataset;
  var pointsStep = root.dataset.pointsStep ? toUnits(root.dataset.pointsStep) : null;
  var statusEl = root.querySelector("[data-save-status]");
  var items = Array.prototype.slice.call(root.querySelectorAll(".sa-item[data-item]"));
  var byId = {};
  items.forEach(function (el) { byId[el.dataset.item] = el; });

  // ------------------------------------------------------------ numbers

  // The number a person typed ("1,5", "95 %"), as parindex.parsing reads it; null when empty
  // or not a number (negative numbers are refused here: no value may be below 0).
  function toUnits(text, maxPlaces) {
    if (text === null || text === undefined) return null;
    var cleaned = String(text).replace(/[\s\u00a0\u202f\u2009\ufeff]+/g, "").replace(/%$/, "").replace(",", ".");
    var negative = cleaned.charAt(0) === "-";
    if (negative) cleaned = cleaned.slice(1); // only "-0" survives below: 0, as the server reads it
    if (cleaned === "" || !NUMBER.test(cleaned)) return null;
    var parts = cleaned.replace("+", "").split(".");
    // Typed digits count as typed ("0,10000" has 5 places, as the server reads it).
    var frac = parts[1] || "";
    if (maxPlaces === undefined) frac = frac.replace(/0+$/, "");
    if (frac.length > (maxPlaces === undefined ? PLACES : maxPlaces)) return null;
    while (frac.length < PLACES) frac += "0";
    var units = BigInt(parts[0] || "0") * SCALE + BigInt(frac);
    return negative && units !== 0n ? null : units;
  }

  function isEmpty(text) { return text === null || text === undefined || String(text).trim() === ""; }

  function roundedTo(units, places) {
    // Half-up to `places` (units are never negative here).
    var step = 10n ** BigInt(PLACES - places);
    return ((units + step / 2n) / step) * step;
  }

  function formatUnits(units, places) {
    var rounded = roundedTo(units, places);
    var whole = rounded / SCALE;
    var frac = String(rounded % SCALE).padStart(PLACES, "0").slice(0, places);
    return places ? whole + "," + frac : String(whole);
  }

  function formatExact(units) {
    return formatUnits(units, PLACES).replace(/0+$/, "").replace(/,$/, "");
  }

  function minUnits(a, b) { return a < b ? a : b; }

  function inBand(band, ratio) {
    var lower = toUnits(band.lower);
    if (ratio < lower || (ratio === lower && !band.lower_inclusive)) return false;
    if (band.upper === null) return true;
    var upper = toUnits(band.upper);
    return ratio < upper || (ratio === upper && band.upper_inclusive);
  }

  // Points for a ratio under the item's rule (scoring.engine.policy.ratio_points); null when
  // no band covers it, which the server refuses.
  function ratioPoints(el, ratio) {
    var params = JSON.parse(el.dataset.params || "{}");
    var max = toUnits(el.dataset.max);
    if (el.dataset.method === "per_case") {
      // A count of cases × the rate, within the cap (the item's maximum when none is named).
      if (ratio % SCALE !== 0n) return null; // part of a case: refused (NotACount)
      var cap = params.cap !== null && params.cap !== undefined ? toUnits(params.cap) : max;
      return minUnits(minUnits((ratio / SCALE) * toUnits(params.rate), cap), max);
    }
    if (el.dataset.method === "ratio_bands") {
      var bands = params.bands || [];
      var capped = bands.length && bands.every(function (b) { return b.upper !== null; });
      if (capped) ratio = minUnits(ratio, HUNDRED);
      for (var i = 0; i < bands.length; i++) {
        if (inBand(bands[i], ratio)) return toUnits(bands[i].points);
      }
      return null;
    }
    if (params.full_at !== null && params.full_at !== undefined && ratio >= toUnits(params.full_at)) {
      return max;
    }
    var target = toUnits(params.target || "100");
    return minUnits(max, (max * ratio) / target);
  }

  // ------------------------------------------------------------ reading an item

  function field(el, name) { return el.querySelector("[name='" + name + "']"); }

  // Methods that score a reported figure (scoring.engine.model.FIGURE_METHODS).
  function figureMethod(el) {
    return ["ratio_bands", "proportional", "per_case"].indexOf(el.dataset.method) >= 0;
  }

  function values(el) {
    var form = el.querySelector(".sa-item__form");
    var data = {};
    ["points", "ratio", "reason", "note"].forEach(function (name) {
      var inputs = form.querySelectorAll("[name='" + name + "']");
      if (!inputs.length) return;
      if (inputs[0].type === "radio") {
        var checked = form.querySelector("[name='" + name + "']:checked");
        data[name] = checked ? checked.value : "";
      } else {
        data[name] = inputs[0].value;
      }
    });
    var na = field(el, "not_applicable");
    data.not_applicable = na && na.checked ? "1" : "";
    return data;
  }

  var REFUSED = { entered: false, na: false, points: null };
  var EMPTY = REFUSED;

  // The values each item holds on the server: as the page showed them, then as each save
  // stored them. A value the server would refuse leaves the stored one standing, so the
  // preview shows that one — as the server will.
  var storedValues = {};

  function sameValues(a, b) {
    return ["points", "ratio", "reason", "note", "not_applicable"].every(function (k) {
      return (a[k] || "") === (b[k] || "");
    });
  }

  // A stored value counts as the engine counts it (scoring.engine.policy), whether or not it
  // would pass today's entry check (imported data, a rule changed since).
  function storedPoints(el, v) {
    var ratioMethod = figureMethod(el);
    if (v.not_applicable) return { entered: true, na: true, points: null };
    if (ratioMethod && !isEmpty(v.ratio)) {
      var ratio = toUnits(v.ratio);
      return { entered: true, na: false, points: ratio === null ? null : ratioPoints(el, ratio) };
    }
    if (isEmpty(v.points)) return EMPTY;
    return { entered: true, na: false, points: toUnits(v.points) };
  }

  // What the server would store for a typed value (scoring.entries.self_entry_clean): REFUSED
  // for anything it refuses.
  function typedPoints(el, v) {
    var ratioMethod = figureMethod(el);
    var radios = el.querySelectorAll("input[type=radio][name=points]");
    if ((v.note || "").trim().length > MAX_TEXT || (v.reason || "").trim().length > MAX_TEXT) {
      return REFUSED;
    }
    if (v.not_applicable) {
      return isEmpty(v.reason) ? REFUSED : { entered: true, na: true, points: null };
    }
    var max = toUnits(el.dataset.max);
    if (ratioMethod && !isEmpty(v.ratio)) {
      var ratio = toUnits(v.ratio, MAX_TYPED_PLACES);
      if (ratio === null || ratio > MAX_RATIO || !isEmpty(v.points)) return REFUSED;
      var earned = ratioPoints(el, ratio);
      return earned === null ? REFUSED : { entered: true, na: false, points: earned };
    }
    if (isEmpty(v.points)) return EMPTY;
    var points = toUnits(v.points, MAX_TYPED_PLACES);
    if (points === null) return REFUSED;
    if (radios.length) return { entered: true, na: false, points: points }; // one of the rule's answers
    if (ratioMethod) return REFUSED; // "report the ratio: the rule turns it into points"
    if (points > max) return REFUSED;
    // The set's step applies to typed points, except the maximum itself.
    if (pointsStep && points !== max && points % pointsStep !== 0n) return REFUSED;
    return { entered: true, na: false, points: points };
  }

  // What the item will hold on the server: `entered` as its progress counts it, `na` out of
  // the unit's maximum, `points` earned (null: none).
  function itemPoints(el) {
    var v = values(el);
    var stored = storedValues[el.dataset.item];
    if (stored && sameValues(v, stored)) return storedPoints(el, stored);
    var typed = typedPoints(el, v);
    if (typed !== REFUSED) return typed;
    return stored ? storedPoints(el, stored) : EMPTY;
  }

  // ------------------------------------------------------------ live totals

  function setText(scope, selector, text) {
    scope.querySelectorAll(selector).forEach(function (node) { node.textContent = text; });
  }

  // The engine's totals (scoring.engine.results.unit_result) over the self-assessed part.
  function recompute() {
    var areas = {};
    var ownMax = 0n, direct = 0n, bonus = 0n, penalty = 0n, scored = 0, required = 0;
    items.forEach(function (el) {
      if (!el.querySelector(".sa-item__form")) return; // survey items are not the unit's
      var r = itemPoints(el);
      var max = toUnits(el.dataset.max);
      var points = r.points === null ? 0n : r.points;
      var computed = el.querySelector("[data-computed]");
      if (computed) computed.textContent = r.points === null ? "—" : formatExact(r.points);
      var level = el.dataset.level;
      if (level === "bonus") { bonus += minUnits(points, max); return; }
      if (level === "penalty") { penalty += minUnits(points, max); return; }
      var area = areas[el.dataset.area] || (areas[el.dataset.area] = { points: 0n, max: 0n, scored: 0, required: 0 });
      area.required += 1; required += 1;
      if (r.entered) { area.scored += 1; scored += 1; }
      if (r.na) return;
      area.max += max; ownMax += max;
      area.points += points; direct += points;
    });
    var bonusCap = toUnits(root.dataset.bonusCap), penaltyCap = toUnits(root.dataset.penaltyCap);
    if (bonusCap !== null) bonus = minUnits(bonus, bonusCap);
    if (penaltyCap !== null) penalty = minUnits(penalty, penaltyCap);
    var total = direct + bonus - penalty;
    if (total > ownMax) total = ownMax;
    if (total < 0n) total = 0n;
    showTotals({
      total: { points: formatUnits(total, 2), max: formatUnits(ownMax, 2), index: percent(total, ownMax) },
      progress: { scored: scored, required: required },
      areas: Object.keys(areas).reduce(function (out, id) {
        var a = areas[id];
        out[id] = { points: formatUnits(a.points, 2), max: formatUnits(a.max, 2), index: percent(a.points, a.max), scored: a.scored, required: a.required };
        return out;
      }, {})
    });
  }

  function percent(points, max) {
    if (max <= 0n) return "—";
    // Truncated to 8 places, then half-up to 2: the same as rounding the exact index.
    return formatUnits((points * HUNDRED) / max, 2) + "%";
  }

  function showTotals(summary) {
    if (summary.total) {
      Object.keys(summary.total).forEach(function (k) { setText(root, "[data-total='" + k + "']", summary.total[k]); });
    }
    if (summary.progress) {
      Object.keys(summary.progress).forEach(function (k) { setText(root, "[data-progress='" + k + "']", summary.progress[k]); });
    }
    Object.keys(summary.areas || {}).forEach(function (id) {
      root.querySelectorAll("[data-area-totals='" + id + "']").forEach(function (box) {
        Object.keys(summary.areas[id]).forEach(function (k) { setText(box, "[data-field='" + k + "']", summary.areas[id][k]); });
      });
    });
  }

  // ------------------------------------------------------------ saving

  // seq counts the user's changes per item: a save may only clear the kept copy of what it
  // actually sent, never a change typed while it was on its way.
  var timers = {}, inFlight = {}, dirty = {}, failed = {}, seq = {};

  function status(text, kind) {
    if (!statusEl) return;
    statusEl.textContent = text;
    statusEl.className = "sa-summary__status" + (kind ? " sa-summary__status--" + kind : "");
  }

  function remember(el) {
    var id = el.dataset.item;
    var version = field(el, "version").value;
    try {
      localStorage.setItem(STORE + id, JSON.stringify({ values: values(el), version: version, seq: seq[id] || 0 }));
    } catch (e) { /* storage full or disabled: the save itself still runs */ }
  }

  function forget(id, sent) {
    if (sent !== undefined && (seq[id] || 0) !== sent) return; // typed more since: keep it
    try { localStorage.removeItem(STORE + id); } catch (e) { /* ignore */ }
  }

  function schedule(el, delay) {
    var id = el.dataset.item;
    seq[id] = (seq[id] || 0) + 1;
    remember(el);
    clearTimeout(timers[id]);
    timers[id] = setTimeout(function () { save(el); }, delay);
    status(msg.msgSaving, "busy");
  }

  function csrf(form) { return form.querySelector("[name=csrfmiddlewaretoken]").value; }

  function save(el, overrideVersion) {
    var id = el.dataset.item;
    if (inFlight[id]) { dirty[id] = true; return; }
    var form = el.querySelector(".sa-item__form");
    var body = new FormData(form);
    if (overrideVersion !== undefined) body.set("version", overrideVersion);
    if (!values(el).not_applicable) body.delete("not_applicable");
    inFlight[id] = true;
    var sent = seq[id] || 0;
    var sentValues = values(el);
    fetch(form.action, {
      method: "POST", body: body, credentials: "same-origin", redirect: "manual",
      headers: { "Accept": "application/json", "X-CSRFToken": csrf(form) }
    }).then(function (response) {
      return response.json().then(function (data) { return { status: response.status, data: data }; },
        function () { return { status: response.status, data: null }; });
    }).then(function (answer) {
      inFlight[id] = false;
      handle(el, answer.status, answer.data, sent, sentValues);
      if (dirty[id]) { dirty[id] = false; save(el); }
    }).catch(function () {
      inFlight[id] = false;
      failed[id] = true;
      remember(el);
      status(msg.msgOffline, "offline");
    });
  }

  function handle(el, code, data, sent, sentValues) {
    var id = el.dataset.item;
    if (data === null) {
      // Not an answer of ours: the session ended (login page) or a proxy failed. The change
      // stays on this computer; logging in again in another tab lets it be saved.
      failed[id] = true;
      remember(el);
      status(msg.msgLogin, "error");
      return;
    }
    var problems = el.querySelector("[data-problems]");
    var conflict = el.querySelector("[data-conflict]");
    if (code === 200 && data.ok) {
      delete failed[id];
      forget(id, sent);
      if (sentValues) storedValues[id] = sentValues;
      field(el, "version").value = data.item.version;
      var computed = el.querySelector("[data-computed]");
      if (computed && (seq[id] || 0) === sent) computed.textContent = data.item.points || "—";
      conflict.hidden = true;
      problems.textContent = data.item.problems.join(" ");
      el.classList.toggle("sa-item--todo", data.item.problems.length > 0);
      el.classList.remove("sa-item--error");
      showTotals(data.summary);
      if (!Object.keys(failed).length) status(msg.msgSaved.replace("%(time)s", data.saved_at), "ok");
      return;
    }
    if (code === 409 && data.conflict) {
      showConflict(el, data);
      status(msg.msgError + ": " + data.message, "error");
      return;
    }
    if (code === 409 && data.closed) {
      forget(id);
      root.querySelectorAll(".sa-item__entry").forEach(function (f) { f.disabled = true; });
      status(data.message, "error");
      return;
    }
    if (code === 400) {
      forget(id, sent);
      problems.textContent = data.message || msg.msgError;
      el.classList.add("sa-item--error");
      status(msg.msgError + " — " + el.querySelector(".sa-item__code").textContent + ": " + (data.message || ""), "error");
      return;
    }
    failed[id] = true;
    remember(el);
    status(code === 403 ? msg.msgLogin : msg.msgOffline, code === 403 ? "error" : "offline");
  }

  function showConflict(el, data) {
    var box = el.querySelector("[data-conflict]");
    var current = data.current || {};
    var shown = current.not_applicable ? msg.msgNa : (current.points || current.ratio ? (current.ratio ? current.ratio + "%" : current.points + " " + msg.msgPoints) : "—");
    box.innerHTML = "";
    var p = document.createElement("p");
    p.textContent = data.message + " " + msg.msgConflictCurrent + ": " + shown +
      (current.updated_by ? " (" + msg.msgBy + " " + current.updated_by + ", " + current.updated_at + ")" : "");
    var reload = document.createElement("button");
    reload.type = "button"; reload.className = "button button--small"; reload.textContent = msg.msgReload;
    reload.addEventListener("click", function () { applyStored(el, current); box.hidden = true; forget(el.dataset.item); recompute(); });
    var keep = document.createElement("button");
    keep.type = "button"; keep.className = "button button--small"; keep.textContent = msg.msgKeep;
    keep.addEventListener("click", function () { box.hidden = true; save(el, current.version); });
    box.appendChild(p); box.appendChild(reload); box.appendChild(document.createTextNode(" ")); box.appendChild(keep);
    box.hidden = false;
  }

  function applyStored(el, current) {
    field(el, "version").value = current.version;
    var form = el.querySelector(".sa-item__form");
    form.querySelectorAll("[name=points][type=radio]").forEach(function (r) {
      r.checked = !current.ratio && toUnits(r.value) === toUnits(current.points);
    });
    var points = form.querySelector("[name=points]:not([type=radio])");
    if (points) points.value = current.points || "";
    var ratio = field(el, "ratio"); if (ratio) ratio.value = current.ratio || "";
    var na = field(el, "not_applicable"); if (na) na.checked = !!current.not_applicable;
    var reason = field(el, "reason"); if (reason) reason.value = current.reason || "";
    field(el, "note").value = current.note || "";
    toggleNa(el);
    storedValues[el.dataset.item] = values(el); // what the server holds now
  }

  function applyValues(el, v) {
    var form = el.querySelector(".sa-item__form");
    form.querySelectorAll("[name=points][type=radio]").forEach(function (r) { r.checked = r.value === v.points; });
    var points = form.querySelector("[name=points]:not([type=radio])");
    if (points) points.value = v.points || "";
    ["ratio", "reason", "note"].forEach(function (name) { var f = field(el, name); if (f && v[name] !== undefined) f.value = v[name]; });
    var na = field(el, "not_applicable"); if (na) na.checked = !!v.not_applicable;
    toggleNa(el);
  }

  function toggleNa(el) {
    var na = field(el, "not_applicable");
    var reasonBox = el.querySelector(".sa-na-reason");
    if (!na || !reasonBox) return;
    reasonBox.hidden = !na.checked;
    el.querySelectorAll("[name=points], [name=ratio]").forEach(function (input) { input.disabled = na.checked; });
  }

  // ------------------------------------------------------------ wiring the items

  items.forEach(function (el) {
    var form = el.querySelector(".sa-item__form");
    if (!form) return;
    storedValues[el.dataset.item] = values(el);
    toggleNa(el);
    if (!editable) return;
    form.addEventListener("submit", function (event) { event.preventDefault(); save(el); });
    // "Không có": empty the line's value and save that (without this script the button posts
    // clear=1, which the server empties the same way).
    var clear = form.querySelector("[data-clear]");
    if (clear) clear.addEventListener("click", function (event) {
      event.preventDefault();
      form.querySelectorAll("[name=ratio], [name=points]:not([type=radio])").forEach(function (input) { input.value = ""; });
      recompute();
      schedule(el, 0);
    });
    form.addEventListener("input", function (event) {
      var target = event.target;
      if (target.name === "ratio" && target.value.trim() !== "") {
        form.querySelectorAll("[name=points][type=radio]").forEach(function (r) { r.checked = false; });
      }
      recompute();
      if (target.type !== "radio" && target.type !== "checkbox") schedule(el, 700);
    });
    form.addEventListener("change", function (event) {
      var target = event.target;
      if (target.type === "radio" && target.name === "points") {
        var ratio = field(el, "ratio"); if (ratio) ratio.value = "";
      }
      if (target.name === "not_applicable") toggleNa(el);
      recompute();
      if (target.type === "radio" || target.type === "checkbox") schedule(el, 0);
    });
  });

  // Changes kept from a visit that could not save (connection lost, tab closed): put them
  // back and save them, against the version they were made on — a conflict is then shown.
  if (editable) {
    var restored = 0;
    items.forEach(function (el) {
      var raw = null;
      try { raw = localStorage.getItem(STORE + el.dataset.item); } catch (e) { raw = null; }
      if (!raw || !el.querySelector(".sa-item__form")) return;
      try {
        var kept = JSON.parse(raw);
        applyValues(el, kept.values);
        field(el, "version").value = kept.version;
        restored += 1;
        save(el);
      } catch (e) { forget(el.dataset.item); }
    });
    if (restored) status(msg.msgRestored, "busy");
    recompute();
  }

  function retryFailed() {
    Object.keys(failed).forEach(function (id) { if (byId[id]) save(byId[id]); });
  }
  window.addEventListener("online", retryFailed);
  setInterval(function () { if (Object.keys(failed).length) retryFailed(); }, 15000);
  if (editable) window.addEventListener("beforeunload", function (event) {
    var pending = false;
    try {
      for (var i = 0; i < localStorage.length; i++) {
        if (localStorage.key(i).indexOf(STORE) === 0) { pending = true; break; }
      }
    } catch (e) { pending = Object.keys(failed).length > 0; }
    if (pending) { event.preventDefault(); event.returnValue = ""; }
  });

  // On a phone the contents list would push the first item off screen: start it closed.
  var toc = root.querySelector("[data-toc]");
  if (toc && window.matchMedia("(max-width: 900px)").matches) toc.open = false;

  // ------------------------------------------------------------ filter

  var filter = root.querySelector("[data-filter-open]");
  if (filter) {
    filter.addEventListener("change", function () {
      items.forEach(function (el) {
        el.hidden = filter.checked && !el.classList.contains("sa-item--todo") && !el.classList.contains("sa-item--error");
      });
    });
  }

  // ------------------------------------------------------------ evidence

  var dialog = document.getElementById("evidence-dialog");
  var maxBytes = parseInt(root.dataset.maxUpload, 10) * 1024 * 1024;

  root.addEventListener("click", function (event) {
    var button = event.target.closest("[data-add-evidence]");
    if (!button || !dialog || typeof dialog.showModal !== "function") return;
    event.preventDefault();
    var id = button.dataset.addEvidence;
    dialog.querySelectorAll("input[name=items]").forEach(function (input) { input.value = id; });
    var item = byId[id];
    dialog.querySelector("[data-dialog-item]").textContent =
      item.querySelector(".sa-item__code").textContent + " " + item.querySelector(".sa-item__name").textContent;
    dialog.querySelector("[data-dialog-error]").hidden = true;
    dialog.showModal();
  });

  root.addEventListener("submit", function (event) {
    var form = event.target.closest("[data-evidence-form]");
    if (!form) return;
    event.preventDefault();
    var error = dialog ? dialog.querySelector("[data-dialog-error]") : null;
    var file = form.querySelector("input[type=file]");
    if (file && file.files.length && file.files[0].size > maxBytes) {
      if (error) { error.textContent = msg.msgTooBig; error.hidden = false; }
      return;
    }
    var button = form.querySelector("button[type=submit]");
    if (button) button.disabled = true;
    status(msg.msgUploading, "busy");
    fetch(form.action, {
      method: "POST", body: new FormData(form), credentials: "same-origin",
      headers: { "Accept": "application/json", "X-CSRFToken": csrf(form) }
    }).then(function (response) { return response.json(); }).then(function (data) {
      if (button) button.disabled = false;
      if (!data.ok) {
        if (error && dialog.open) { error.textContent = data.message; error.hidden = false; }
        status(data.message, "error");
        return;
      }
      Object.keys(data.items).forEach(function (id) {
        var el = byId[id];
        if (!el) return;
        el.querySelector("[data-evidence]").innerHTML = data.items[id].html;
        el.querySelector("[data-problems]").textContent = data.items[id].problems.join(" ");
        el.classList.toggle("sa-item--todo", data.items[id].problems.length > 0);
      });
      root.querySelectorAll("[data-library]").forEach(function (select) { select.innerHTML = data.library_html; });
      showTotals(data.summary);
      form.reset();
      if (dialog && dialog.open) dialog.close();
      status(data.message, "ok");
    }).catch(function () {
      if (button) button.disabled = false;
      status(msg.msgOffline, "offline");
    });
  });
})();
