// The paper-form entry grid: one key per answer, then on to the next statement.
// Progressive enhancement only: without this script the grid is an ordinary form (Tab, Enter).
(function () {
  "use strict";
  var grid = document.querySelector("[data-entry-grid]");
  if (!grid) { return; }
  var answers = Array.prototype.slice.call(grid.querySelectorAll("[data-grid-answer]"));
  var number = grid.querySelector("input[name=form_number]");
  var words = { e: "eens", o: "oneens", w: "weet niet" };

  function echo(input) {
    var shown = input.parentNode.querySelector(".echo");
    if (shown) { shown.textContent = words[input.value.trim().toLowerCase()] || ""; }
  }

  function move(index) {
    var next = answers[index];
    if (next) { next.focus(); next.select(); }
    else { grid.querySelector("button[type=submit]").focus(); }
  }

  if (number) {
    number.addEventListener("keydown", function (event) {
      // Enter after the form number goes to the first answer instead of saving an empty form.
      if (event.key === "Enter" && answers.length) { event.preventDefault(); move(0); }
    });
  }
  answers.forEach(function (input, index) {
    echo(input);
    input.addEventListener("input", function () {
      echo(input);
      if (words[input.value.trim().toLowerCase()]) { move(index + 1); }
    });
    input.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown") { event.preventDefault(); move(index + 1); }
      if (event.key === "ArrowUp" && index > 0) { event.preventDefault(); move(index - 1); }
      // A space or a dash leaves the answer empty (nothing ticked) and moves on.
      if ((event.key === " " || event.key === "-") && !input.value) { event.preventDefault(); move(index + 1); }
    });
  });
})();
