// Work kept on this device, on every signed-in page. Every offline store is keyed by the
// signed-in user (<body data-user>): the production outbox "atelier.outbox.production.<user>"
// and each roll "atelier.roll.<user>.<session>". A user never sees or sends another's.
// - a production entry waiting to be sent is sent from any page of its user, not only from
//   the Production page (production.js handles its own page);
// - an entry refused for a reason that will not change (a 4xx: CSRF after a sign-out, 403)
//   is held: shown to its owner and kept for her until she discards it, never retried;
// - signing out with work still waiting says so, and offers to send it now or discard it.
// Storage written before stores were keyed by user has no known owner: it is dropped.
(function () {
  "use strict";
  var user = document.body.dataset.user;
  var box = document.getElementById("offline");
  if (!user || !box || !window.fetch) { return; }
  var PRODUCTION = "atelier.outbox.production." + user;
  var ROLL = "atelier.roll." + user + ".";
  var RETRY_MS = 20000;
  var TIMEOUT_MS = 15000;
  var panel = document.querySelector("[data-role=offline-panel]");
  var text = panel.querySelector("[data-role=offline-text]");
  var actions = panel.querySelector("[data-role=offline-actions]");
  var sending = false;

  function read(key, fallback) {
    try {
      var value = JSON.parse(localStorage.getItem(key) || "null");
      return value === null ? fallback : value;
    } catch (e) { return fallback; }
  }
  function write(key, value, empty) {
    try {
      if (empty) { localStorage.removeItem(key); }
      else { localStorage.setItem(key, JSON.stringify(value)); }
    } catch (e) { /* private mode: nothing was kept */ }
  }
  function keys() {
    var out = [];
    try {
      for (var i = 0; i < localStorage.length; i += 1) { out.push(localStorage.key(i)); }
    } catch (e) { /* no storage */ }
    return out;
  }

  // a roll store of before (keyed by session only, "atelier.roll.<n>") belongs to nobody known
  keys().forEach(function (key) {
    if (/^atelier\.roll\.\d+$/.test(key)) { write(key, null, true); }
  });

  function production() {
    var list = read(PRODUCTION, []);
    return Array.isArray(list) ? list : [];
  }
  function rolls() {
    return keys().filter(function (key) { return key.indexOf(ROLL) === 0; }).map(function (key) {
      return { key: key, value: read(key, null) };
    }).filter(function (roll) {
      return roll.value && roll.value.owner === user && roll.value.marks &&
        Object.keys(roll.value.marks).length;
    });
  }
  function waiting() { return production().length + rolls().length; }

  function plural(n) {
    var rules = window.Intl && Intl.PluralRules ? new Intl.PluralRules(box.dataset.lang) : null;
    var wanted = rules ? rules.select(n) : (n === 1 ? "one" : "other");
    var samples = [1, 2, 5, 20];
    for (var i = 0; i < samples.length; i += 1) {
      var s = samples[i];
      if ((rules ? rules.select(s) : (s === 1 ? "one" : "other")) === wanted) {
        return box.getAttribute("data-msg-waiting-" + s);
      }
    }
    return box.getAttribute("data-msg-waiting-2");
  }

  function button(label, onClick, primary) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = primary ? "btn btn-primary" : "btn";
    b.textContent = label;
    b.addEventListener("click", onClick);
    actions.appendChild(b);
    return b;
  }
  function say(message, buttons) {
    text.textContent = message || "";
    actions.textContent = "";
    (buttons || []).forEach(function (b) { button(b[0], b[1], b[2]); });
    panel.hidden = !message;
  }

  // what the server said of an entry sent from this page ("3 pieces saved."), where she is
  function saved(message) {
    var main = document.getElementById("main");
    if (!main) { return; }
    var p = document.createElement("p");
    p.className = "flash flash-success";
    p.setAttribute("role", "status");
    p.textContent = message;
    main.insertBefore(p, main.firstChild);
  }

  function csrf() {
    var token = document.querySelector("input[name=csrf_token]");
    return token ? token.value : "";
  }

  // One attempt: "saved", "held" (refused for a reason that will not change) or "retry"
  // (no connection, a timeout, a server error, or not our answer, e.g. the sign-in page).
  function post(url, body, headers) {
    var abort = window.AbortController ? new AbortController() : null;
    var timer = abort ? setTimeout(function () { abort.abort(); }, TIMEOUT_MS) : null;
    return fetch(url, {
      method: "POST", credentials: "same-origin", redirect: "manual", headers: headers,
      body: body, signal: abort ? abort.signal : undefined
    }).then(function (response) {
      if (response.type === "opaqueredirect" || response.status >= 500 ||
          response.status === 408 || response.status === 429) { return { kind: "retry" }; }
      return response.json().catch(function () { return null; }).then(function (answer) {
        if (response.ok && answer) { return { kind: "saved", answer: answer }; }
        if (response.ok) { return { kind: "retry" }; }
        var why = answer && answer.error ? answer.error.message : "HTTP " + response.status;
        return { kind: "held", why: why };
      });
    }).catch(function () { return { kind: "retry" }; }).then(function (outcome) {
      if (timer) { clearTimeout(timer); }
      return outcome;
    });
  }

  function sendEntry(entry) {
    var body = new URLSearchParams();
    entry.fields.forEach(function (pair) { body.append(pair[0], pair[1]); });
    body.append("csrf_token", csrf());
    return post(entry.url, body, { "Accept": "application/json" });
  }
  function sendRoll(roll) {
    var marks = roll.value.marks;
    var records = Object.keys(marks).map(function (code) {
      return { beneficiary: code, status: marks[code] };
    });
    return post(roll.value.url, JSON.stringify({ records: records }), {
      "Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": csrf()
    });
  }

  function setHeld(clientId, why) {
    write(PRODUCTION, production().map(function (e) {
      if (e.client_id === clientId) { e.held = why; }
      return e;
    }));
  }
  function drop(clientId) {
    var left = production().filter(function (e) { return e.client_id !== clientId; });
    write(PRODUCTION, left, !left.length);
  }

  // Send what waits, one at a time; ``all`` also sends the rolls and retries held entries
  // (she asked to send it now). Resolves to true when nothing is left.
  function flush(all) {
    if (sending) { return Promise.resolve(false); }
    var entry = production().filter(function (e) { return all || !e.held; })[0];
    var roll = all ? rolls()[0] : null;
    if (!entry && !roll) { return Promise.resolve(waiting() === 0); }
    sending = true;
    var attempt = entry ? sendEntry(entry) : sendRoll(roll);
    return attempt.then(function (outcome) {
      sending = false;
      if (outcome.kind === "retry") { return false; }
      if (entry && outcome.kind === "saved") {
        drop(entry.client_id);
        if (outcome.answer.message) { saved(outcome.answer.message); }
      }
      if (entry && outcome.kind === "held") { setHeld(entry.client_id, outcome.why); }
      if (roll && outcome.kind === "saved") { write(roll.key, null, true); }
      if (roll && outcome.kind === "held") {
        roll.value.held = outcome.why;
        write(roll.key, roll.value);
        return false;
      }
      if (outcome.kind === "held") { showHeld(); return all ? false : flush(all); }
      return flush(all);
    });
  }

  function showHeld() {
    if (!panel.hidden && panel.dataset.mode === "sign-out") { return; }
    var held = production().filter(function (e) { return e.held; })[0];
    if (!held) {
      if (panel.dataset.mode === "held") { say(""); }
      return;
    }
    panel.dataset.mode = "held";
    say(box.dataset.msgHeld.replace("{why}", held.held), [
      [box.dataset.msgDrop, function () { drop(held.client_id); say(""); showHeld(); }]
    ]);
  }

  // Signing out with work still waiting: say so, and offer to send it now or discard it.
  var signOut = document.querySelector("form[data-sign-out]");
  var leaving = false;
  function askBeforeSignOut() {
    var n = waiting();
    if (!n) { return false; }
    panel.dataset.mode = "sign-out";
    var message = plural(n).replace("{n}", n);
    say(message, [
      [box.dataset.msgSend, function () {
        say(box.dataset.msgSending);
        flush(true).then(function (done) {
          if (done) { say(box.dataset.msgSent); return; }
          var left = waiting();
          var held = production().filter(function (e) { return e.held; })[0];
          var roll = rolls().filter(function (r) { return r.value.held; })[0];
          var why = held ? held.held : (roll ? roll.value.held : "");
          say((why ? box.dataset.msgHeld.replace("{why}", why) : box.dataset.msgOffline) +
              " " + plural(left).replace("{n}", left));
          askButtons();
        });
      }, true],
      [box.dataset.msgDiscard, discardAndLeave],
      [box.dataset.msgStay, function () { panel.dataset.mode = ""; say(""); showHeld(); }]
    ]);
    return true;
  }
  function askButtons() {
    button(box.dataset.msgDiscard, discardAndLeave);
    button(box.dataset.msgStay, function () { panel.dataset.mode = ""; say(""); showHeld(); });
  }
  function discardAndLeave() {
    write(PRODUCTION, null, true);
    rolls().forEach(function (roll) { write(roll.key, null, true); });
    leaving = true;
    window.dispatchEvent(new Event("atelier:discarded"));
    HTMLFormElement.prototype.submit.call(signOut);
  }
  if (signOut) {
    signOut.addEventListener("submit", function (event) {
      if (leaving) { return; }
      if (askBeforeSignOut()) { event.preventDefault(); }
    });
  }

  window.AtelierOffline = { user: user, productionKey: PRODUCTION, rollPrefix: ROLL,
                            showHeld: showHeld };

  showHeld();
  if (document.getElementById("production-form")) { return; }  // production.js sends there
  window.addEventListener("online", function () { flush(false); });
  setInterval(function () { flush(false); }, RETRY_MS);
  flush(false);
})();
