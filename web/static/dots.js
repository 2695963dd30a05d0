// Dense opinion maps: the points arrive as data (web/views/map_points.py) and are drawn here
// on the canvas under the map's SVG, which keeps the title, description, outlines and labels.
// Each group has its own marker shape as well as its colour (the legend names both). Redrawn
// when the page is resized, when a folded map is opened and when live.js swaps in a new map.
(function () {
  "use strict";
  var WIDTH = 1000, HEIGHT = 620, SIZE = 3.5; // the map's units; a marker's half-width
  var SHAPES = ["circle", "square", "triangle", "diamond", "triangle-down", "plus"];
  var pending = false;

  function shape(context, name, x, y, r) {
    switch (name) {
      case "square": context.rect(x - r * 0.9, y - r * 0.9, r * 1.8, r * 1.8); break;
      case "triangle":
        context.moveTo(x, y - r); context.lineTo(x + r, y + r * 0.8); context.lineTo(x - r, y + r * 0.8);
        context.closePath(); break;
      case "diamond":
        context.moveTo(x, y - r); context.lineTo(x + r, y); context.lineTo(x, y + r); context.lineTo(x - r, y);
        context.closePath(); break;
      case "triangle-down":
        context.moveTo(x, y + r); context.lineTo(x + r, y - r * 0.8); context.lineTo(x - r, y - r * 0.8);
        context.closePath(); break;
      case "plus":
        context.rect(x - r * 0.35, y - r, r * 0.7, r * 2); context.rect(x - r, y - r * 0.35, r * 2, r * 0.7); break;
      default: context.moveTo(x + r, y); context.arc(x, y, r, 0, 2 * Math.PI);
    }
  }

  function stamp(name, colour, r, size) {
    var picture = document.createElement("canvas");
    picture.width = picture.height = size;
    var context = picture.getContext("2d");
    context.beginPath();
    shape(context, name, picture.width / 2, picture.height / 2, r);
    context.fillStyle = colour;
    context.fill();
    return picture;
  }

  function draw(box) {
    var canvas = box.querySelector("canvas.map-canvas");
    var svg = box.querySelector("svg.map-svg");
    var data = box.querySelector("script.map-points");
    if (!canvas || !svg || !data) { return; }
    var rect = svg.getBoundingClientRect();
    if (!rect.width || !rect.height) { return; } // folded away: drawn once opened
    var points = box.mapPoints || (box.mapPoints = JSON.parse(data.textContent));
    var ratio = window.devicePixelRatio || 1;
    canvas.width = Math.round(rect.width * ratio);
    canvas.height = Math.round(rect.height * ratio);
    // The SVG keeps its aspect ratio inside its box (preserveAspectRatio="xMidYMid meet").
    var scale = Math.min(canvas.width / WIDTH, canvas.height / HEIGHT);
    var left = (canvas.width - WIDTH * scale) / 2, top = (canvas.height - HEIGHT * scale) / 2;
    var r = Math.max(SIZE * scale, 1.5 * ratio);
    var context = canvas.getContext("2d");
    var style = window.getComputedStyle(document.documentElement);
    context.fillStyle = "#fff";
    context.fillRect(0, 0, canvas.width, canvas.height);
    // One small picture per group, stamped at every point: far faster than one path of
    // thousands of shapes (which the browser fills shape by shape).
    var stamps = [], size = 2 * Math.ceil(r + 1), half = size / 2;
    for (var group = -1; group < SHAPES.length; group += 1) {
      var colour = group < 0 ? "#8a8a8a" : (style.getPropertyValue("--g" + group).trim() || "#555");
      stamps.push(stamp(group < 0 ? "circle" : SHAPES[group], colour, group < 0 ? r * 0.8 : r, size));
    }
    context.globalAlpha = 0.7;
    for (var i = 0; i < points.length; i += 3) {
      context.drawImage(stamps[points[i + 2] + 1], Math.round(left + points[i] / 10 * scale - half),
        Math.round(top + points[i + 1] / 10 * scale - half));
    }
    canvas.setAttribute("data-points", String(points.length / 3));
  }

  function drawAll() {
    pending = false;
    Array.prototype.forEach.call(document.querySelectorAll(".map-dense"), draw);
  }

  function soon() {
    if (!pending) { pending = true; window.requestAnimationFrame(drawAll); }
  }

  drawAll();
  window.addEventListener("resize", soon);
  document.addEventListener("toggle", soon, true); // a folded map opened (toggle does not bubble)
  if (window.MutationObserver) {
    new MutationObserver(function (changes) {
      var fresh = changes.some(function (change) {
        return Array.prototype.some.call(change.addedNodes, function (node) {
          return node.nodeType === 1 && (node.matches(".map-dense") || node.querySelector(".map-dense"));
        });
      });
      if (fresh) { soon(); }
    }).observe(document.body, { childList: true, subtree: true });
  }
})();
