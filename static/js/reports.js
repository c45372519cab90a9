/* Charts of the report page, drawn with the vendored Chart.js from data that the page
   carries in <script type="application/json"> elements (json_script): no inline script.
   Each chart has the same figures in an accessible table next to it, so the page works
   without JavaScript. Bars of approximate or incomplete figures are drawn lighter with a
   dashed outline, and their tooltip says so. Unknown values are gaps, never 0. */
(function () {
  "use strict";

  // The series colours of css/charts.css (--chart-1 … --chart-5), shared with the public
  // portal's SVG charts; these values if the stylesheet is missing.
  var COLOURS = ["#1f5f8b", "#c0392b", "#2e7d32", "#8e44ad", "#b9770e"].map(function (fallback, i) {
    var value = getComputedStyle(document.documentElement).getPropertyValue("--chart-" + (i + 1)).trim();
    return /^#[0-9a-f]{6}$/i.test(value) ? value : fallback;
  });

  function lighter(hex) {
    var n = parseInt(hex.slice(1), 16);
    var r = (n >> 16) & 255, g = (n >> 8) & 255, b = n & 255;
    return "rgba(" + r + "," + g + "," + b + ",0.35)";
  }

  function draw(canvas) {
    var source = document.getElementById(canvas.getAttribute("data-chart"));
    if (!source) { return; }
    var spec = JSON.parse(source.textContent);
    if (!spec || !spec.labels || !spec.labels.length) {
      canvas.closest("figure").hidden = true;
      return;
    }
    var datasets = spec.datasets.map(function (set, i) {
      var colour = COLOURS[i % COLOURS.length];
      return {
        label: set.label,
        data: set.data,
        inexact: set.inexact,
        backgroundColor: set.inexact.map(function (x) { return x ? lighter(colour) : colour; }),
        borderColor: colour,
        borderWidth: set.inexact.map(function (x) { return x ? 2 : 0; }),
        borderDash: [4, 3]
      };
    });
    var reduce = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    new window.Chart(canvas, {
      type: spec.type || "bar",
      data: { labels: spec.labels, datasets: datasets },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: reduce ? false : { duration: 300 },
        scales: { y: { beginAtZero: true, ticks: { precision: 0 } } },
        plugins: {
          legend: { position: "bottom" },
          subtitle: { display: !!spec.note, text: spec.note || "", position: "bottom" },
          tooltip: {
            callbacks: {
              afterLabel: function (ctx) {
                var flags = ctx.dataset.inexact || [];
                return flags[ctx.dataIndex] ? spec.note : "";
              }
            }
          }
        }
      }
    });
  }

  function init() {
    if (!window.Chart) { return; }
    Array.prototype.forEach.call(document.querySelectorAll("canvas[data-chart]"), draw);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
  // Charts resize to the printed page.
  window.addEventListener("beforeprint", function () {
    if (!window.Chart) { return; }
    Object.values(window.Chart.instances || {}).forEach(function (chart) { chart.resize(); });
  });
})();
