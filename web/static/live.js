// Live updates: listen to the page's event stream and re-fetch the fragments that changed.
// The server renders every fragment (escaped by Jinja); this script only swaps them in.
(function () {
  "use strict";
  var meta = document.querySelector('meta[name="live-events"]');
  if (!meta || !window.EventSource) { return; }
  var targets = Array.prototype.slice.call(document.querySelectorAll("[data-live-src]"));
  if (!targets.length) { return; }

  function refresh(target) {
    fetch(target.getAttribute("data-live-src"), { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) { if (html !== null) { target.innerHTML = html; } })
      .catch(function () { /* the next event retries */ });
  }

  var source = new EventSource(meta.getAttribute("content"));
  ["analysis", "moderation", "round"].forEach(function (name) {
    source.addEventListener(name, function () {
      targets.forEach(function (target) {
        if (target.getAttribute("data-live-on") === name) { refresh(target); }
      });
    });
  });
  source.addEventListener("hello", function () { document.documentElement.setAttribute("data-live", "connected"); });
})();
