// Asks before a step that cannot be undone: a form with data-confirm="question" is sent only
// after the facilitator said yes. Without JavaScript the form is sent as before.
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form && form.getAttribute && form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) { event.preventDefault(); }
  });
})();
