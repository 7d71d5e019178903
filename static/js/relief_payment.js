// The relief payment form (issue 21, 7): "Paid to" offers only the heirs and academic years of the entitlement
// chosen above it. Each option carries its entitlement (data-entitlement); the others are hidden and disabled, and a
// choice that no longer fits goes back to "the whole entitlement". Without JavaScript every option is listed, each
// naming its entitlement, and the server refuses a person who does not belong to the one chosen. A file, not an
// inline script: the Content-Security-Policy forbids those.
(function () {
  "use strict";
  function narrow(entitlement) {
    var target = document.getElementById(entitlement.dataset.filters);
    if (!target) return;
    for (var i = 0; i < target.options.length; i++) {
      var option = target.options[i];
      if (!option.dataset.entitlement) continue;   // "the whole entitlement"
      var fits = option.dataset.entitlement === entitlement.value;
      option.hidden = !fits;
      option.disabled = !fits;
    }
    if (target.selectedOptions.length && target.selectedOptions[0].disabled) target.value = "";
  }
  document.addEventListener("change", function (event) {
    if (event.target.matches && event.target.matches("select[data-filters]")) narrow(event.target);
  });
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("select[data-filters]").forEach(narrow);
  });
})();
