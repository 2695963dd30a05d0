// Asks before a step that cannot be undone: a form (or the submit button pressed) with
// data-confirm="question" is sent only after the facilitator said yes. Without JavaScript the
// form is sent as before.
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var button = event.submitter;
    var question = (button && button.getAttribute("data-confirm")) ||
      (form && form.getAttribute && form.getAttribute("data-confirm"));
    if (question && !window.confirm(question)) { event.preventDefault(); }
  });
})();
