// Results report page: as a remark is typed, show how the PDF will wrap it (the same font,
// size and column width, greedy breaks at spaces as ReportLab's); the server's lines after Save.
(function () {
  "use strict";
  var canvas = document.createElement("canvas");
  var ctx = canvas.getContext("2d");
  var SCALE = 10; // measure at 10x the size for precision: widths scale with the font

  function lines(text, width, size) {
    ctx.font = size * SCALE + "px 'DejaVu Sans'";
    var max = width * SCALE, out = [];
    text.split(/\r?\n/).forEach(function (paragraph) {
      var line = "";
      paragraph.split(/\s+/).filter(Boolean).forEach(function (word) {
        var next = line ? line + " " + word : word;
        if (line && ctx.measureText(next).width > max) {
          out.push(line);
          line = word;
        } else {
          line = next;
        }
      });
      out.push(line);
    });
    return out.some(Boolean) ? out : [];
  }

  function show(box, area) {
    var found = lines(area.value, parseFloat(box.dataset.wrapWidth), parseFloat(box.dataset.wrapSize));
    box.hidden = found.length === 0;
    box.textContent = "";
    var title = document.createElement("span");
    title.className = "rep-wrap-title";
    title.textContent = box.dataset.typedTitle;
    box.appendChild(title);
    found.forEach(function (text) {
      var span = document.createElement("span");
      span.className = "rep-wrap-line";
      span.textContent = text;
      box.appendChild(span);
    });
  }

  function start() {
    document.querySelectorAll("[data-wrap-for]").forEach(function (box) {
      var area = document.getElementById(box.dataset.wrapFor);
      if (area) {
        area.addEventListener("input", function () { show(box, area); });
      }
    });
  }

  if (document.fonts && document.fonts.load) {
    document.fonts.load("80px 'DejaVu Sans'").then(start, start);
  } else {
    start();
  }
})();
