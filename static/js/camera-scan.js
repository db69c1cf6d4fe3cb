// The camera as a scanner, for any scan field (markup: camera_button and camera_box in
// templates/macros.html). QR codes are read with the native BarcodeDetector, else the
// barcode-detector polyfill and its zxing WebAssembly, served from our own origin.
//
//   <button data-camera-for="FIELD" data-camera-mode="submit|fill|append|custom" hidden>
//   <div id="FIELD-camera" class="camera-box" hidden><video></video><button class="camera-stop">
//
// Modes: "submit" puts the code in the field and sends its form; "fill" puts it in the field
// and moves on to the next one; "append" adds a line to a textarea and keeps reading;
// "custom" is for a page script: AtelierCamera.attach(button, {onCode, onStop, onError}).
// The button is shown only where a camera and a reader exist. Privacy: the camera runs only
// while its viewfinder shows; closing it, hiding or leaving the page stops every track.
(function () {
  "use strict";

  // which scan to resume after the form posts: this tab's, and the signed-in user's only
  var RESUME_KEY = "atelier-camera-resume." + (document.body.dataset.user || "");
  var running = [];        // scanners whose camera is on (at most one in practice)
  var readers = {};        // one QR reader per page and polyfill address, built once

  function loadScript(src) {
    return new Promise(function (resolve, reject) {
      var s = document.createElement("script");
      s.src = src;
      s.onload = resolve;
      s.onerror = reject;
      document.head.appendChild(s);
    });
  }

  function polyfill(d, wanted) {
    if (!d.polyfillUrl) { return Promise.reject(new Error("no polyfill")); }
    var ready = window.BarcodeDetectionAPI ? Promise.resolve() : loadScript(d.polyfillUrl);
    return ready.then(function () {
      var api = window.BarcodeDetectionAPI;
      api.prepareZXingModule({
        overrides: {
          locateFile: function (path, prefix) {
            return path.endsWith(".wasm") ? d.wasmUrl : prefix + path;
          }
        }
      });
      return new api.BarcodeDetector(wanted);
    });
  }

  function reader(d) {
    var key = d.polyfillUrl || "";
    if (!readers[key]) {
      var wanted = { formats: ["qr_code"] };
      var native = "BarcodeDetector" in window ?
        window.BarcodeDetector.getSupportedFormats().then(function (formats) {
          return formats.indexOf("qr_code") >= 0 ? new window.BarcodeDetector(wanted) : null;
        }) : Promise.resolve(null);
      readers[key] = native.then(function (found) { return found || polyfill(d, wanted); });
      readers[key].catch(function () { delete readers[key]; });
    }
    return readers[key];
  }

  function available(d) {
    return !!(navigator.mediaDevices && navigator.mediaDevices.getUserMedia) &&
      ("BarcodeDetector" in window || !!d.polyfillUrl);
  }

  function remember(state) {
    try { window.sessionStorage.setItem(RESUME_KEY, JSON.stringify(state)); } catch (e) { /* private mode */ }
  }

  function recall() {
    try {
      var state = JSON.parse(window.sessionStorage.getItem(RESUME_KEY) || "null");
      window.sessionStorage.removeItem(RESUME_KEY);
      return state;
    } catch (e) { return null; }
  }

  function nextField(field) {
    var all = Array.prototype.slice.call(field.form ? field.form.elements : []);
    for (var i = all.indexOf(field) + 1; i < all.length; i += 1) {
      var el = all[i];
      if (!el.disabled && el.type !== "hidden" && !el.closest("[hidden]") &&
          !el.classList.contains("camera-button")) { return el; }
    }
    return null;
  }

  // Wire one Camera button; returns {start, stop} or null where no camera can read codes.
  function attach(button, options) {
    options = options || {};
    var d = button.dataset;
    var field = document.getElementById(d.cameraFor);
    var box = document.getElementById(d.cameraFor + "-camera");
    var status = document.getElementById(d.cameraFor + "-camera-status");
    if (!field || !box || !available(d)) { button.hidden = true; return null; }
    var video = box.querySelector("video");
    var stream = null;
    var timer = null;
    var generation = 0;      // a start that a stop overtook drops its camera at once
    var lastSeen = { value: "", at: 0 };
    var ignore = "";         // the code sent just before this page loaded
    var scanner;

    function tell(text) {
      if (options.onError && text === d.msgCamera) { options.onError(text); return; }
      if (status) { status.textContent = text; }
    }

    function stop() {
      generation += 1;
      if (timer) { window.clearTimeout(timer); timer = null; }
      if (stream) { stream.getTracks().forEach(function (t) { t.stop(); }); stream = null; }
      video.srcObject = null;
      box.hidden = true;
      button.setAttribute("aria-expanded", "false");
      running = running.filter(function (s) { return s !== scanner; });
      if (options.onStop) { options.onStop(); }
    }

    function found(value) {
      var mode = d.cameraMode;
      if (mode === "custom") { if (options.onCode) { options.onCode(value); } return; }
      if (mode === "append") {
        var lines = field.value.split(/\r?\n/).map(function (l) { return l.trim(); });
        if (lines.indexOf(value) >= 0) { tell(value + ": " + d.msgDuplicate); return; }
        field.value = lines.filter(Boolean).concat([value]).join("\n") + "\n";
        tell(d.msgAdded + ": " + value);
        return;
      }
      stop();
      field.value = value;
      field.dispatchEvent(new Event("input", { bubbles: true }));
      if (mode === "submit" && field.form) {
        // After the page comes back (same address), the camera goes on again for the next
        // piece; the code just sent is not read twice.
        remember({ path: window.location.pathname, field: field.id, last: value,
                   at: Date.now() });
        if (field.form.requestSubmit) { field.form.requestSubmit(); } else { field.form.submit(); }
        return;
      }
      (nextField(field) || field).focus();
    }

    function start(skip) {
      ignore = skip || "";
      lastSeen = { value: "", at: 0 };
      tell("");
      var mine = ++generation;
      button.setAttribute("aria-busy", "true");
      Promise.all([
        reader(d),
        navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false })
      ]).then(function (parts) {
        if (mine !== generation) {          // stopped (or the page hidden) meanwhile
          parts[1].getTracks().forEach(function (t) { t.stop(); });
          return;
        }
        var qr = parts[0];
        stream = parts[1];
        running.push(scanner);
        video.srcObject = stream;
        box.hidden = false;
        button.setAttribute("aria-expanded", "true");
        return video.play().then(function () {
          function tick() {
            if (!stream || mine !== generation) { return; }
            qr.detect(video).then(function (codes) {
              var now = Date.now();
              codes.forEach(function (code) {
                var value = (code.rawValue || "").trim();
                if (!value || mine !== generation) { return; }
                if (value === ignore) { return; }
                ignore = "";
                if (value !== lastSeen.value || now - lastSeen.at > 3000) {
                  lastSeen = { value: value, at: now };
                  found(value);
                }
              });
            }).catch(function () { /* a frame that could not be read */ }).then(function () {
              if (stream && mine === generation) { timer = window.setTimeout(tick, 250); }
            });
          }
          tick();
        });
      }).catch(function () {
        stop();
        tell(d.msgCamera);
      }).then(function () {
        button.removeAttribute("aria-busy");
      });
    }

    scanner = { start: start, stop: stop };
    button.hidden = false;
    button.addEventListener("click", function () {
      if (stream) { stop(); } else { start(""); }
    });
    box.querySelector(".camera-stop").addEventListener("click", stop);
    return scanner;
  }

  // Nobody films a hidden page: stop the camera when the tab is hidden or left.
  function stopAll() { running.slice().forEach(function (s) { s.stop(); }); }
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") { stopAll(); }
  });
  window.addEventListener("pagehide", stopAll);

  window.AtelierCamera = { attach: attach };

  var resume = recall();
  document.querySelectorAll("[data-camera-for]").forEach(function (button) {
    if (button.dataset.cameraMode === "custom") { return; }   // the page's script attaches it
    var scanner = attach(button);
    // Only the page the form comes straight back to, not a visit to it later on.
    if (scanner && resume && resume.path === window.location.pathname &&
        Date.now() - resume.at < 15000 &&
        resume.field === button.dataset.cameraFor && document.visibilityState === "visible") {
      scanner.start(resume.last);
    }
  });
})();
