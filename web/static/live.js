// Live updates: listen to the page's event stream and re-fetch the fragments that changed.
// The server renders every fragment (escaped by Jinja); this script only swaps them in.
// Rows marked data-live-key are updated in place: a row that is still there keeps its node, so
// a reason a facilitator is typing (or the focus) survives a new statement arriving.
(function () {
  "use strict";
  var meta = document.querySelector('meta[name="live-events"]');
  if (!meta || !window.EventSource) { return; }
  var targets = Array.prototype.slice.call(document.querySelectorAll("[data-live-src]"));
  if (!targets.length) { return; }

  function keyed(root) {
    return Array.prototype.slice.call(root.querySelectorAll("[data-live-key]"));
  }

  function busy(root) {
    if (root.contains(document.activeElement) && document.activeElement !== root) { return true; }
    return Array.prototype.some.call(root.querySelectorAll("input, textarea"), function (field) {
      return field.type !== "hidden" && field.value !== "";
    });
  }

  // A folded or unfolded section (a <details> with an id) keeps the state chosen on the page,
  // and the focus stays on its summary when it was there (a keyboard user toggling it).
  function replace(target, html) {
    var opened = {};
    var focused = null;
    Array.prototype.forEach.call(target.querySelectorAll("details[id]"), function (section) {
      opened[section.id] = section.open;
      if (document.activeElement && document.activeElement.parentNode === section &&
          document.activeElement.tagName === "SUMMARY") { focused = section.id; }
    });
    target.innerHTML = html;
    Object.keys(opened).forEach(function (id) {
      var section = document.getElementById(id);
      if (!section || !target.contains(section)) { return; }
      section.open = opened[id];
      var summary = section.querySelector("summary");
      if (focused === id && summary) { summary.focus(); }
    });
  }

  function merge(target, html) {
    var fresh = document.createElement("div");
    fresh.innerHTML = html;
    var before = keyed(target);
    var after = keyed(fresh);
    if (!before.length || !after.length || before[0].parentNode !== before[before.length - 1].parentNode) {
      replace(target, html);
      return;
    }
    var parent = before[0].parentNode;
    var kept = {};
    before.forEach(function (row) { kept[row.getAttribute("data-live-key")] = row; });
    var wanted = after.map(function (row) {
      var old = kept[row.getAttribute("data-live-key")];
      return old || document.importNode(row, true);
    });
    before.forEach(function (row) {
      // A row that left (moderated elsewhere) goes, unless someone is typing in it.
      if (wanted.indexOf(row) < 0 && !busy(row)) { parent.removeChild(row); }
    });
    wanted.forEach(function (row, index) {
      var at = parent.children[index];
      if (at !== row) { parent.insertBefore(row, at || null); }
    });
  }

  function refresh(target) {
    fetch(target.getAttribute("data-live-src"), { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) { if (html !== null) { merge(target, html); } })
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
