// Editor niceties only: every page works without this file (plain forms, no fetch needed).
(function () {
  "use strict";

  // Ask before destructive forms (delete).
  document.addEventListener("submit", function (event) {
    var question = event.target.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
    }
  });

  // Live search over a table; the box stays hidden when scripts do not run.
  document.querySelectorAll("input[data-filter]").forEach(function (input) {
    var table = document.querySelector(input.getAttribute("data-filter"));
    if (!table) {
      return;
    }
    input.hidden = false;
    input.addEventListener("input", function () {
      var query = input.value.trim().toLowerCase();
      table.querySelectorAll("tbody tr").forEach(function (row) {
        row.hidden = query !== "" && row.textContent.toLowerCase().indexOf(query) === -1;
      });
    });
  });

  // Mark the slot just saved or moved (the redirect lands on #slot-<id>).
  var target = window.location.hash && document.getElementById(window.location.hash.slice(1));
  if (target && target.classList.contains("slot")) {
    target.classList.add("just-changed");
  }
})();
