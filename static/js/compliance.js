// Draws the compliance return's chart (Chart.js, from our own static files) from the figures
// the page carries in <script type="application/json" id="compliance-data">: each right's
// referrals by what was recorded, stacked; a hidden count (*) is left out (null). No inline
// script, so the Content Security Policy can forbid it. The table below has the same figures.
(function () {
  "use strict";

  var source = document.getElementById("compliance-data");
  var canvas = document.getElementById("chart-compliance");
  if (!source || !canvas || typeof window.Chart === "undefined") {
    return;
  }
  var data = JSON.parse(source.textContent);
  var Chart = window.Chart;
  // GOV.UK colours: green, orange, purple, red, grey.
  var colours = ["#00703c", "#f47738", "#4c2c92", "#d4351c", "#b1b4b6"];

  Chart.defaults.font.family = "arial, sans-serif";
  Chart.defaults.font.size = 14;
  Chart.defaults.color = "#0b0c0c";
  Chart.defaults.animation = false;
  Chart.defaults.maintainAspectRatio = false;

  canvas.parentNode.style.height = 80 + data.labels.length * 28 + "px";
  new Chart(canvas, {
    type: "bar",
    data: {
      labels: data.labels,
      datasets: data.series.map(function (series, i) {
        return { label: series.label, data: series.data, backgroundColor: colours[i] };
      }),
    },
    options: {
      indexAxis: "y",
      scales: { x: { stacked: true, beginAtZero: true }, y: { stacked: true } },
      plugins: { legend: { position: "bottom" } },
    },
  });
})();
