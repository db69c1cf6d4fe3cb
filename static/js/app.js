// Site-wide behaviour, no inline script anywhere (the CSP forbids it).
// - forms or buttons with data-confirm ask before doing something destructive;
// - a submit button shows it is busy, so nobody taps twice on a slow connection.
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var submitter = event.submitter;
    var question = (submitter && submitter.dataset.confirm) || form.dataset.confirm;
    if (question && !window.confirm(question)) {
      event.preventDefault();
      return;
    }
    if (submitter && !form.dataset.noBusy) {
      window.setTimeout(function () { submitter.setAttribute("aria-busy", "true"); }, 0);
    }
  });
})();
