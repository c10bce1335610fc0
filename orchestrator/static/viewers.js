// The agenda follows the show: swap in the fresh list the server sends after each change.
(function () {
  "use strict";
  var box = document.getElementById("agenda");
  if (!box || !window.EventSource) return;
  var feed = new EventSource(box.getAttribute("data-live"));
  feed.addEventListener("jadwal", function (e) {
    var data = JSON.parse(e.data);
    box.innerHTML = data.html;  // rendered and escaped by the server's templates
  });
})();
