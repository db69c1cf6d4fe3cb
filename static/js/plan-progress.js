// The production screen: highlight this week's plan line of the product being entered.
(function () {
  "use strict";
  var list = document.querySelector("[data-plan-progress]");
  var form = document.getElementById("production-form");
  if (!list || !form) { return; }
  function show() {
    var checked = form.querySelector('input[name="product_type"]:checked');
    var sku = checked ? checked.value : "";
    list.querySelectorAll("li[data-product]").forEach(function (li) {
      var current = li.getAttribute("data-product") === sku;
      li.classList.toggle("is-current", current);
      if (current) { li.setAttribute("aria-current", "true"); } else { li.removeAttribute("aria-current"); }
    });
  }
  form.addEventListener("change", show);
  show();
})();
