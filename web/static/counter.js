// Shows how many characters are left while a participant writes a statement.
(function () {
  "use strict";
  var fields = document.querySelectorAll("textarea[data-counter]");
  Array.prototype.forEach.call(fields, function (field) {
    var output = document.getElementById(field.getAttribute("data-counter"));
    var limit = parseInt(field.getAttribute("maxlength"), 10);
    var template = document.documentElement.lang === "nl" ? "Nog {n} tekens over." : "{n} characters left.";
    function update() { output.textContent = template.replace("{n}", String(limit - field.value.length)); }
    field.addEventListener("input", update);
    update();
  });
})();
