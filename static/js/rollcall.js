// Roll-call on the tablet: a tap cycles a tile present → absent → excused; one Save sends
// the roll as JSON. Taps are kept in localStorage until a save succeeds, so a dropped
// connection or a closed tab loses nothing; a Save that found no connection is sent again
// by itself when the connection is back (the roll is a set of marks: sending it twice is
// harmless). The taps are kept for the signed-in user only ("atelier.roll.<user>.<session>",
// with their owner inside): the next user of the tablet never sees them, nor sends them.
(function () {
  "use strict";
  var root = document.getElementById("rollcall");
  if (!root) { return; }
  var NEXT = { unmarked: "present", present: "absent", absent: "excused", excused: "present" };
  var ICON = { unmarked: "?", present: "✓", absent: "✗", excused: "◑" };
  var user = document.body.dataset.user;
  if (!user) { return; }
  var key = "atelier.roll." + user + "." + root.dataset.session;
  var leaving = false;  // she discarded what was kept, and signs out
  var grid = root.querySelector("[data-role=grid]");
  var countEl = root.querySelector("[data-role=count]");
  var errorEl = root.querySelector("[data-role=error]");
  var noticeEl = root.querySelector("[data-role=notice]");
  var saveBtn = root.querySelector("[data-action=save]");
  var hoursEl = root.querySelector("[data-role=hours]");
  var canTake = root.dataset.canTake === "true";
  var RETRY_MS = 20000;
  var retrying = false;  // the last Save found no connection: send again when it is back

  function tiles() { return Array.prototype.slice.call(grid.querySelectorAll(".roll-tile")); }
  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (_, name) { return values[name]; });
  }

  function paint(tile) {
    var status = tile.dataset.status;
    tile.querySelector(".roll-icon").textContent = ICON[status];
    tile.querySelector(".roll-state").textContent = root.dataset["label" + status.charAt(0).toUpperCase() + status.slice(1)];
    tile.setAttribute("aria-label", tile.querySelector(".roll-name").textContent + ": " +
      tile.querySelector(".roll-state").textContent);
    tile.classList.toggle("is-changed", tile.dataset.status !== tile.dataset.saved);
  }

  function count() {
    var c = { present: 0, absent: 0, excused: 0, unmarked: 0 };
    tiles().forEach(function (t) { c[t.dataset.status] += 1; });
    var parts = [fill(root.dataset.msgCount, c)];
    if (c.excused) { parts.push(fill(root.dataset.msgExcused, { n: c.excused })); }
    if (c.unmarked) { parts.push(fill(root.dataset.msgUnmarked, { n: c.unmarked })); }
    countEl.textContent = parts.join(", ");
  }

  function changes() {
    var out = {};
    tiles().forEach(function (t) {
      if (t.dataset.status !== t.dataset.saved && t.dataset.status !== "unmarked") {
        out[t.dataset.code] = t.dataset.status;
      }
    });
    return out;
  }

  function remember() {
    var pending = changes();
    try {
      if (Object.keys(pending).length) {
        localStorage.setItem(key, JSON.stringify({ owner: user, url: root.dataset.saveUrl,
                                                   marks: pending }));
      }
      else { localStorage.removeItem(key); }
    } catch (e) { /* private mode: the taps still live on the page */ }
  }

  function show(el, text) { el.textContent = text || ""; el.hidden = !text; }

  // The hours the save records: shown big, changed with − / + (half hours) or typed.
  function hoursChanged() {
    return !!hoursEl && !hoursEl.readOnly && hoursEl.value.trim() !== hoursEl.dataset.saved;
  }
  function stepHours(delta) {
    var value = parseFloat(hoursEl.value.replace(",", ".")) || 0;
    value = Math.min(12, Math.max(0.5, Math.round((value + delta) * 4) / 4));
    hoursEl.value = String(value).replace(".", hoursEl.dataset.decimal || ".");
    hoursEl.classList.toggle("is-changed", hoursChanged());
  }
  if (hoursEl) {
    hoursEl.addEventListener("input", function () {
      hoursEl.classList.toggle("is-changed", hoursChanged());
    });
  }

  function addTile(code, name) {
    var existing = grid.querySelector('.roll-tile[data-code="' + code + '"]');
    if (existing) { return existing; }
    var empty = grid.querySelector("[data-role=empty]");
    if (empty) { empty.remove(); }
    var li = document.createElement("li");
    var btn = document.createElement("button");
    btn.type = "button";
    btn.className = "roll-tile";
    btn.dataset.code = code;
    btn.dataset.status = "present";
    btn.dataset.saved = "unmarked";
    ["roll-icon", "roll-name", "roll-state"].forEach(function (cls) {
      var span = document.createElement("span");
      span.className = cls;
      if (cls === "roll-icon") { span.setAttribute("aria-hidden", "true"); }
      if (cls === "roll-name") { span.textContent = name; }
      btn.appendChild(span);
    });
    li.appendChild(btn);
    grid.appendChild(li);
    var adder = root.querySelector('[data-add="' + code + '"]');
    if (adder) { adder.closest("li").remove(); }
    paint(btn);
    return btn;
  }

  function restore() {
    var stored = null;
    try { stored = JSON.parse(localStorage.getItem(key) || "null"); } catch (e) { stored = null; }
    if (!stored || stored.owner !== user || !stored.marks || !canTake) { return; }
    stored = stored.marks;
    var restored = 0;
    Object.keys(stored).forEach(function (code) {
      var tile = grid.querySelector('.roll-tile[data-code="' + code + '"]');
      if (!tile) {
        var adder = root.querySelector('[data-add="' + code + '"]');
        if (!adder) { return; }
        tile = addTile(code, adder.dataset.name);
      }
      if (tile.dataset.status !== stored[code]) {
        tile.dataset.status = stored[code];
        restored += 1;
      }
      paint(tile);
    });
    if (restored) { show(noticeEl, root.dataset.msgRestored); }
  }

  grid.addEventListener("click", function (event) {
    var tile = event.target.closest(".roll-tile");
    if (!tile || tile.disabled) { return; }
    tile.dataset.status = NEXT[tile.dataset.status];
    paint(tile);
    count();
    remember();
  });

  root.addEventListener("click", function (event) {
    var adder = event.target.closest("[data-add]");
    if (adder) {
      addTile(adder.dataset.add, adder.dataset.name);
      count();
      remember();
      return;
    }
    if (event.target.closest("[data-action=hours-down]")) { stepHours(-0.5); return; }
    if (event.target.closest("[data-action=hours-up]")) { stepHours(0.5); return; }
    if (event.target.closest("[data-action=all-present]")) {
      tiles().forEach(function (t) {
        if (t.dataset.status === "unmarked") { t.dataset.status = "present"; paint(t); }
      });
      count();
      remember();
    }
  });

  function fail(message) {
    show(noticeEl, "");
    show(errorEl, message);
    saveBtn.removeAttribute("aria-busy");
    saveBtn.disabled = false;
  }

  function save() {
    retrying = false;
    var pending = changes();
    var codes = Object.keys(pending);
    show(errorEl, "");
    var hours = hoursChanged() ? hoursEl.value.trim() : undefined;
    if (hours !== undefined && !/^\d{1,2}([.,]\d{1,2})?$/.test(hours)) {
      show(errorEl, root.dataset.msgBadHours);
      hoursEl.focus();
      return;
    }
    if (!codes.length && hours === undefined) { show(noticeEl, root.dataset.msgNothing); return; }
    saveBtn.setAttribute("aria-busy", "true");
    saveBtn.disabled = true;
    show(noticeEl, root.dataset.msgSaving);
    var records = codes.map(function (code) { return { beneficiary: code, status: pending[code] }; });
    fetch(root.dataset.saveUrl, {
      method: "POST",
      credentials: "same-origin",
      redirect: "manual",
      headers: { "Content-Type": "application/json", "Accept": "application/json",
                 "X-CSRFToken": root.dataset.csrf },
      body: JSON.stringify({ records: records, hours: hours })
    }).then(function (response) {
      if (response.type === "opaqueredirect" || response.status === 401) {
        return fail(root.dataset.msgSignedout);
      }
      return response.json().catch(function () { return null; }).then(function (body) {
        if (!response.ok || !body) {
          if (response.status >= 500 || response.status === 429) {
            retrying = true;
            return fail(root.dataset.msgOffline);
          }
          var why = body && body.error ? body.error.message : "";
          return fail(root.dataset.msgFailed + (why ? " " + why : " (" + response.status + ")"));
        }
        tiles().forEach(function (t) {
          if (pending[t.dataset.code]) { t.dataset.saved = pending[t.dataset.code]; paint(t); }
        });
        remember();
        if (hoursEl && body.hours) {
          hoursEl.value = body.hours;
          hoursEl.dataset.saved = body.hours;
          hoursEl.classList.remove("is-changed");
        }
        saveBtn.removeAttribute("aria-busy");
        saveBtn.disabled = false;
        show(noticeEl, body.message || root.dataset.msgSaved);
      });
    }).catch(function () { retrying = true; fail(root.dataset.msgOffline); });
  }

  function retry() {
    if (retrying && saveBtn && !saveBtn.disabled && (Object.keys(changes()).length || hoursChanged())) { save(); }
  }

  if (saveBtn) { saveBtn.addEventListener("click", save); }
  window.addEventListener("online", retry);
  setInterval(retry, RETRY_MS);
  window.addEventListener("atelier:discarded", function () { leaving = true; });
  window.addEventListener("beforeunload", function (event) {
    if (!leaving && (Object.keys(changes()).length || hoursChanged())) {
      event.preventDefault();
      event.returnValue = root.dataset.msgLeave;
    }
  });

  tiles().forEach(paint);
  restore();
  count();
})();
