// Production screen: the quantity stepper (+ / −) and a busy print button.
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
    });
  });
  var print = document.querySelector("[data-print-labels]");
  if (print) { print.focus(); }
})();
