// The labels page's print button (CSP forbids inline handlers).
"use strict";
(function () {
  const button = document.getElementById("print");
  if (button) button.addEventListener("click", () => window.print());
})();
