// Site-wide behaviour, no inline script anywhere (the CSP forbids it).
// - forms or buttons with data-confirm ask before doing something destructive;
// - a submit button shows it is busy, so nobody taps twice on a slow connection;
// - a button with data-select-all="NAME" ticks every checkbox NAME in its form (again: none);
// - a table too wide for the screen scrolls in its box, which then takes the keyboard focus
//   (so it can be scrolled without a mouse);
// - a menu too long for the screen shows the page's own link, scrolled to the middle of it.
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
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-select-all]");
    if (!button || !button.form) { return; }
    var boxes = button.form.querySelectorAll(
      "input[type=checkbox][name='" + button.dataset.selectAll + "']");
    var all = Array.prototype.every.call(boxes, function (box) { return box.checked; });
    boxes.forEach(function (box) { box.checked = !all; });
  });
  function focusableWhenScrolling() {
    document.querySelectorAll(".table-wrap").forEach(function (box) {
      if (box.scrollWidth > box.clientWidth + 1) {
        box.setAttribute("tabindex", "0");
      } else {
        box.removeAttribute("tabindex");
      }
    });
  }
  focusableWhenScrolling();
  window.addEventListener("resize", focusableWhenScrolling);
  var nav = document.querySelector(".mainnav");
  var current = nav && nav.querySelector("[aria-current=page]");
  if (current && nav.scrollWidth > nav.clientWidth) {
    nav.scrollLeft = current.offsetLeft - (nav.clientWidth - current.offsetWidth) / 2;
  }
})();
