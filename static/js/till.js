// The till: a scan field that keeps the focus (a USB scanner types the code + Enter),
// one line per piece, lower a price with a reason, pay cash or card, then the receipt.
// The camera is static/js/camera-scan.js, shared with the other scan fields.
(function () {
  "use strict";

  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-print]")) { window.print(); }
  });

  var root = document.getElementById("till");
  if (!root) { return; }
  var d = root.dataset;
  var input = document.getElementById("scan-input");
  var form = document.getElementById("scan-form");
  var message = document.getElementById("till-message");
  var list = document.getElementById("lines");
  var totalEl = document.getElementById("till-total");
  var template = document.getElementById("line-template");
  var lines = [];          // {item, product, price_cents, list_price_cents, reason, el}
  var pending = {};        // scans being looked up, so a double Enter adds one line
  var busy = false;
  var clientId = newClientId();
  var money = new Intl.NumberFormat(d.locale || undefined, { style: "currency", currency: d.currency });

  function newClientId() {
    if (window.crypto && window.crypto.randomUUID) { return window.crypto.randomUUID(); }
    var b = new Uint8Array(16);
    window.crypto.getRandomValues(b);
    b[6] = (b[6] & 0x0f) | 0x40; b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  function fmt(cents) { return money.format(cents / 100); }

  // "12,50" or "12.5" or "12" → 1250 cents, without floating point; null if not a price.
  function parseCents(text) {
    var m = /^\s*(\d{1,6})(?:[.,](\d{1,2}))?\s*$/.exec(text || "");
    if (!m) { return null; }
    var frac = (m[2] || "0").length === 1 ? (m[2] || "0") + "0" : m[2];
    return parseInt(m[1], 10) * 100 + parseInt(frac, 10);
  }

  function say(kind, text) {
    message.className = "till-msg till-msg-" + kind;
    message.textContent = text;
  }

  // On a phone the keyboard pops up whenever the scan field takes the focus: there it takes
  // the focus back after a scan only, not after every tap on a line or a button.
  var coarse = window.matchMedia && window.matchMedia("(pointer: coarse)").matches;

  function refocus() {
    if (!coarse) { input.focus(); }
  }

  function focusScan() {
    if (coarse) { return; }
    var active = document.activeElement;
    if (active && active !== input && active.closest(".till-line, .camera-box") &&
        /INPUT|BUTTON|SELECT|TEXTAREA/.test(active.tagName)) { return; }
    input.focus();
  }

  function render() {
    var total = 0;
    lines.forEach(function (line) { total += line.price_cents; });
    totalEl.textContent = fmt(total);
  }

  function addLine(data) {
    var el = template.content.firstElementChild.cloneNode(true);
    // a marked-down piece comes with its list price and the reason (the shop's markdown)
    var line = { item: data.item, product: data.product, price_cents: data.price_cents,
                 list_price_cents: data.list_price_cents || data.price_cents, reason: "", el: el };
    el.dataset.item = data.item;
    el.querySelector(".line-name").textContent = data.product;
    el.querySelector(".line-code").textContent = data.item;
    el.querySelector(".line-price").textContent = fmt(data.price_cents);
    if (data.price_reason === "markdown") {
      el.querySelector(".line-discount").textContent = " · " + fmt(line.list_price_cents) +
        " → " + fmt(data.price_cents) + " (" + d.labelMarkdown + ")";
    }
    var img = el.querySelector(".line-photo");
    if (data.photo_url) {
      img.src = data.photo_url;
    } else {
      img.remove();
    }
    el.querySelector(".line-remove").textContent = d.labelRemove;
    el.querySelector(".line-lower").textContent = d.labelLower;
    el.querySelector(".line-remove").addEventListener("click", function () {
      lines = lines.filter(function (l) { return l !== line; });
      el.remove();
      render();
      say("info", d.msgRemoved + " " + line.item);
      refocus();
    });
    el.querySelector(".line-lower").addEventListener("click", function () {
      var box = el.querySelector(".line-lower-form");
      box.hidden = !box.hidden;
      if (!box.hidden) { el.querySelector(".lower-price").focus(); }
    });
    el.querySelector(".lower-apply").addEventListener("click", function () {
      var cents = parseCents(el.querySelector(".lower-price").value);
      var reason = el.querySelector(".lower-reason").value.trim();
      if (cents === null || cents > line.list_price_cents || !reason) {
        say("bad", d.msgPrice);
        return;
      }
      line.price_cents = cents;
      line.reason = cents < line.list_price_cents ? reason : "";
      el.querySelector(".line-price").textContent = fmt(cents);
      el.querySelector(".line-discount").textContent = line.reason ?
        " · " + fmt(line.list_price_cents) + " → " + fmt(cents) + " (" + line.reason + ")" : "";
      el.querySelector(".line-lower-form").hidden = true;
      render();
      refocus();
    });
    list.appendChild(el);
    lines.push(line);
    render();
    el.scrollIntoView({ block: "nearest" });  // the newest line shows above the pay bar
    say("ok", d.msgAdded + ": " + data.product + " · " + fmt(data.price_cents));
  }

  function has(code) {
    return lines.some(function (l) { return l.item === code; });
  }

  function scan(text) {
    text = (text || "").trim();
    if (!text || pending[text]) { return; }
    pending[text] = true;
    fetch(d.scanUrl + "?q=" + encodeURIComponent(text), {
      headers: { "Accept": "application/json" }, credentials: "same-origin"
    }).then(function (response) {
      return response.json().then(function (body) { return { ok: response.ok, body: body }; });
    }).then(function (result) {
      if (!result.ok) {
        say("bad", result.body.error ? result.body.error.message : d.msgOffline);
      } else if (has(result.body.item)) {
        say("warn", result.body.item + ": " + d.msgDuplicate);
      } else {
        addLine(result.body);
      }
    }).catch(function () {
      say("bad", d.msgOffline);
    }).then(function () {
      delete pending[text];
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value;
    input.value = "";
    scan(text);
    input.focus();
  });

  function pay(method, button) {
    if (busy) { return; }
    if (!lines.length) { say("warn", d.msgEmpty); refocus(); return; }
    busy = true;
    button.setAttribute("aria-busy", "true");
    say("info", d.msgBusy);
    var body = {
      payment_method: method, client_id: clientId,
      lines: lines.map(function (l) {
        return { scan: l.item, price_cents: l.price_cents, discount_reason: l.reason };
      })
    };
    fetch(d.saleUrl, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json",
                 "X-CSRFToken": d.csrf },
      body: JSON.stringify(body)
    }).then(function (response) {
      return response.json().then(function (b) { return { ok: response.ok, body: b }; });
    }).then(function (result) {
      if (result.ok) {
        window.location.assign(result.body.receipt_url);
        return;
      }
      var err = result.body.error || {};
      say("bad", err.message || d.msgOffline);
      Object.keys(err.fields || {}).forEach(function (code) {
        lines.forEach(function (l) { if (l.item === code) { l.el.classList.add("line-refused"); } });
      });
      clientId = newClientId();   // the refused sale recorded nothing; the next try is new
      busy = false;
      button.removeAttribute("aria-busy");
    }).catch(function () {
      // Unknown outcome: keep the client_id, so trying again cannot sell twice.
      say("bad", d.msgOffline);
      busy = false;
      button.removeAttribute("aria-busy");
    });
  }

  root.querySelectorAll("[data-pay]").forEach(function (button) {
    button.addEventListener("click", function () { pay(button.dataset.pay, button); });
  });

  // Keep the scan field focused: a scanner types wherever the focus is.
  document.addEventListener("click", function () { window.setTimeout(focusScan, 0); });
  document.addEventListener("keydown", function (event) {
    if (document.activeElement === document.body && event.key.length === 1) { input.focus(); }
  });
  input.focus();

  // The camera (camera-scan.js): a QR it reads is scanned as if typed.
  var cameraButton = root.querySelector("[data-camera-for]");
  if (cameraButton && window.AtelierCamera) {
    window.AtelierCamera.attach(cameraButton, {
      onCode: scan,
      onStop: function () { input.focus(); },
      onError: function (text) { say("bad", text); }
    });
  }
})();
