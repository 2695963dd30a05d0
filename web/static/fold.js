// Sections marked data-open-wide are sent folded (a <details> without "open") and opened here
// on a screen wider than a phone: on a 390 px phone the live opinion map would otherwise fill
// the whole screen before the groups and figures. The summary stays a native, keyboard- and
// screen-reader-operable toggle; live.js keeps the state chosen when the section is refreshed.
(function () {
  "use strict";
  if (!window.matchMedia || window.matchMedia("(max-width: 40rem)").matches) { return; }
  Array.prototype.forEach.call(document.querySelectorAll("details[data-open-wide]"), function (section) {
    section.open = true;
  });
})();
