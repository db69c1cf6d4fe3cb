// Production screen: the quantity stepper (+ / −), a busy print button, and the outbox.
// The outbox keeps each save on the tablet (localStorage, per signed-in user) until the
// server has it, and sends it again by itself when the connection is back. Every send of an
// entry carries its client_id, so a retry the server already saved creates nothing new.
// Without JavaScript the form posts as a plain form, as before.
(function () {
  "use strict";
  document.querySelectorAll("[data-stepper]").forEach(function (box) {
    var input = box.querySelector("input");
    box.addEventListener("click", function (event) {
      var button = event.target.closest("[data-step]");
      if (!button) { return; }
      var min = parseInt(input.min || "1", 10);
      var max = parseInt(input.max || "200", 10);
      var value = parseInt(input.value || "0", 10) || 0;
      value = Math.min(max, Math.max(min, value + parseInt(button.dataset.step, 10)));
      input.value = String(value);
      input.dispatchEvent(new Event("input", { bubbles: true }));
    });
  });
  var print = document.querySelector("[data-print-labels]");
  if (print) { print.focus(); }

  var form = document.getElementById("production-form");
  if (!form || !form.dataset.outboxKey || !window.fetch || !window.URLSearchParams) { return; }
  var RETRY_MS = 20000;
  var TIMEOUT_MS = 15000;
  var key = form.dataset.outboxKey;
  var statusEl = form.querySelector("[data-role=outbox-status]");
  var errorEl = form.querySelector("[data-role=outbox-error]");
  var saveBtn = form.querySelector("button[type=submit]");
  var clientIdEl = form.querySelector("input[name=client_id]");
  var memory = [];        // the outbox when the browser refuses storage (private mode)
  var sending = false;
  var current = null;     // client_id of the entry on the form, once submitted
  var touched = false;    // the form was changed since that submit: do not navigate away

  function load() {
    try {
      var stored = JSON.parse(localStorage.getItem(key) || "[]");
      return Array.isArray(stored) ? stored : [];
    } catch (e) { return memory.slice(); }
  }

  function store(list) {
    memory = list.slice();
    try {
      if (list.length) { localStorage.setItem(key, JSON.stringify(list)); }
      else { localStorage.removeItem(key); }
    } catch (e) { /* private mode: the outbox lives as long as the page */ }
  }

  function remove(clientId) {
    store(load().filter(function (entry) { return entry.client_id !== clientId; }));
  }

  function hold(clientId, why) {
    store(load().map(function (entry) {
      if (entry.client_id === clientId) { entry.held = why || "?"; }
      return entry;
    }));
  }

  function uuid() {
    var b = new Uint8Array(16);
    crypto.getRandomValues(b);  // also where crypto.randomUUID is not (plain http)
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); });
    return [h.slice(0, 4).join(""), h.slice(4, 6).join(""), h.slice(6, 8).join(""),
            h.slice(8, 10).join(""), h.slice(10).join("")].join("-");
  }

  function show(el, text) { el.textContent = text || ""; el.hidden = !text; }

  function paint() {
    var waiting = load().filter(function (e) { return !e.held; }).length;
    if (sending) {
      show(statusEl, form.dataset.msgSaving);
    } else if (waiting) {
      show(statusEl, form.dataset.msgWaiting + " " + form.dataset.msgCount.replace("{n}", waiting));
    } else {
      show(statusEl, "");
    }
    if (saveBtn) {
      if (sending) { saveBtn.setAttribute("aria-busy", "true"); }
      else { saveBtn.removeAttribute("aria-busy"); }
    }
  }

  // One attempt: "saved", "refused" (the server said no: fix the form) or "retry" (no
  // connection, a timeout, a server error, or an answer that is not ours, e.g. sign-in).
  function send(entry) {
    var body = new URLSearchParams();
    entry.fields.forEach(function (pair) { body.append(pair[0], pair[1]); });
    var token = form.querySelector("input[name=csrf_token]");
    if (token) { body.append("csrf_token", token.value); }  // this page's, not a stale one
    var abort = window.AbortController ? new AbortController() : null;
    var timer = abort ? setTimeout(function () { abort.abort(); }, TIMEOUT_MS) : null;
    return fetch(entry.url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Accept": "application/json" },
      body: body,
      signal: abort ? abort.signal : undefined
    }).then(function (response) {
      var type = response.headers.get("Content-Type") || "";
      if (type.indexOf("application/json") !== 0) {
        // a refusal that is not ours to read (CSRF after a sign-out: 400, 403) will not
        // change by itself: hold it for her; a sign-in page or a server error: try again
        if (response.status >= 400 && response.status < 500 && response.status !== 408 &&
            response.status !== 429) {
          return { kind: "refused", answer: { error: { message: "HTTP " + response.status } } };
        }
        return { kind: "retry" };
      }
      return response.json().then(function (answer) {
        if (response.ok) { return { kind: "saved", answer: answer }; }
        if (response.status >= 500 || response.status === 408 || response.status === 429) {
          return { kind: "retry" };
        }
        return { kind: "refused", answer: answer };
      });
    }).catch(function () {
      return { kind: "retry" };
    }).then(function (outcome) {
      if (timer) { clearTimeout(timer); }
      return outcome;
    });
  }

  var lastSaved = null;

  function flush() {
    if (sending) { return; }
    var entry = load().filter(function (e) { return !e.held; })[0];
    if (!entry) { paint(); return; }
    sending = true;
    paint();
    send(entry).then(function (outcome) {
      sending = false;
      if (outcome.kind === "retry") { paint(); return; }
      if (outcome.kind === "refused") {
        if (entry.client_id === current && !touched) {
          // the form on screen was refused: let the page show its errors, as without script
          remove(entry.client_id);
          form.dataset.plain = "true";
          HTMLFormElement.prototype.submit.call(form);
          return;
        }
        // refused for a reason that will not change by itself: kept for her, shown, and
        // never sent again by itself (she may discard it)
        var why = outcome.answer && outcome.answer.error ? outcome.answer.error.message : "";
        hold(entry.client_id, why);
        show(errorEl, form.dataset.msgRefused.replace("{why}", why));
        if (window.AtelierOffline) { window.AtelierOffline.showHeld(); }
      } else {
        remove(entry.client_id);
        lastSaved = outcome.answer;
      }
      if (load().some(function (e) { return !e.held; })) { flush(); return; }
      paint();
      var saved = lastSaved;
      lastSaved = null;
      if (saved && saved.redirect) {
        // the page the server sends to after a save shows "N pieces saved." and the labels
        if (!touched) { window.location.assign(saved.redirect); return; }
        show(statusEl, saved.message);  // she is on the next entry already: do not leave
      }
    });
  }

  form.addEventListener("submit", function (event) {
    if (form.dataset.plain) { return; }
    event.preventDefault();
    if (!clientIdEl.value) { clientIdEl.value = uuid(); }
    var fields = [];
    new FormData(form).forEach(function (value, name) {
      if (name !== "csrf_token") { fields.push([name, String(value)]); }
    });
    var list = load();
    var id = clientIdEl.value;
    // saving the same form twice keeps one entry: the server would count it once anyway
    if (!list.some(function (entry) { return entry.client_id === id; })) {
      list.push({ client_id: id, url: form.getAttribute("action") || window.location.href.split("#")[0],
                  fields: fields });
      store(list);
    }
    current = id;
    touched = false;
    show(errorEl, "");
    flush();
  });

  // A change after a kept save starts a new entry: it needs its own client_id.
  function changed() {
    if (current && clientIdEl.value === current) { clientIdEl.value = uuid(); }
    touched = true;
  }
  form.addEventListener("input", changed);
  form.addEventListener("change", changed);

  window.addEventListener("online", flush);
  setInterval(flush, RETRY_MS);
  flush();
})();
