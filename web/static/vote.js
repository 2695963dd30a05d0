// Voting by keyboard: the statement has the focus when the page opens (so one Tab reaches
// "Eens"), and a letter votes (e/o/s in Dutch, a/d/s in English; shown on the page).
(function () {
  "use strict";
  var form = document.querySelector("form[data-shortcuts]");
  if (!form) { return; }
  var statement = form.querySelector("#statement-text");
  if (statement && (!document.activeElement || document.activeElement === document.body)) {
    statement.focus({ preventScroll: true });
  }
  var buttons = {};
  Array.prototype.forEach.call(form.querySelectorAll("button[data-key]"), function (button) {
    buttons[button.getAttribute("data-key")] = button;
  });
  var sent = false;
  document.addEventListener("keydown", function (event) {
    if (sent || event.altKey || event.ctrlKey || event.metaKey || event.repeat) { return; }
    var target = event.target;
    if (target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))) { return; }
    var button = buttons[(event.key || "").toLowerCase()];
    if (!button) { return; }
    event.preventDefault();
    sent = true;
    button.focus();
    button.click();
  });
})();
