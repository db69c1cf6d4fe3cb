// Returns with a scanner: the scanner types the code and Enter. Enter in the scan field looks
// the piece up (it does not send the form), shows what was paid and how to refund it, and
// moves on to the reason. Enter in the reason sends the form, after the confirmation, which
// says how to refund. Without script the form still works as a plain form.
(function () {
  "use strict";
  var form = document.querySelector("form[data-return-lookup]");
  if (!form) { return; }
  var scan = form.querySelector("input[name=scan]");
  var reason = form.querySelector("input[name=reason]");
  var box = document.getElementById("return-piece");
  var submit = form.querySelector("button[type=submit]");
  var looked = "";

  function show(text, isError) {
    box.hidden = !text;
    box.textContent = "";
    box.className = "return-piece flash " + (isError ? "flash-error" : "flash-info");
    (Array.isArray(text) ? text : [text]).forEach(function (line, index) {
      var p = document.createElement(index === 0 ? "strong" : "p");
      p.textContent = line;
      box.appendChild(p);
    });
  }

  function lookUp() {
    var value = scan.value.trim();
    if (!value || value === looked) { return; }
    looked = value;
    fetch(form.dataset.returnLookup + "?q=" + encodeURIComponent(value), {
      headers: { "Accept": "application/json" }, credentials: "same-origin"
    }).then(function (response) {
      return response.json().then(function (body) { return { ok: response.ok, body: body }; });
    }).then(function (result) {
      if (!result.ok) {
        looked = "";
        show(result.body.error ? result.body.error.message : form.dataset.msgFailed, true);
        scan.select();
        scan.focus();
        return;
      }
      var piece = result.body;
      show([piece.code + " · " + piece.product + " · " + piece.price, piece.refund]);
      submit.dataset.confirm = form.dataset.msgConfirm.replace("%(code)s", piece.code) + "\n" + piece.refund;
      reason.focus();
    }).catch(function () {
      looked = "";
      show(form.dataset.msgFailed, true);
    });
  }

  scan.addEventListener("keydown", function (event) {
    if (event.key !== "Enter") { return; }
    event.preventDefault();  // a scanner's Enter looks the piece up; it never sends the form
    looked = "";
    lookUp();
  });
  scan.addEventListener("focusout", lookUp);  // the camera fills the field and moves on
  scan.addEventListener("input", function () { if (!scan.value.trim()) { show(""); } });
})();
