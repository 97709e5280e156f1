// Draws the quarterly return's flow chart (Chart.js, from our own static files) from the
// figures the page carries in <script type="application/json" id="performance-data">: no
// inline script, so the Content Security Policy can forbid it. The table beside the chart has
// the same figures.
(function () {
  "use strict";

  var source = document.getElementById("performance-data");
  var canvas = document.getElementById("chart-flow");
  if (!source || !canvas || typeof window.Chart === "undefined") {
    return;
  }
  var data = JSON.parse(source.textContent);
  var Chart = window.Chart;

  Chart.defaults.font.family = "arial, sans-serif";
  Chart.defaults.font.size = 14;
  Chart.defaults.color = "#0b0c0c";
  Chart.defaults.animation = false;
  Chart.defaults.maintainAspectRatio = false;

  // Room for each bar, and the axis.
  canvas.parentNode.style.height = 60 + data.labels.length * 30 + "px";
  new Chart(canvas, {
    type: "bar",
    data: {
      labels: data.labels,
      datasets: [
        {
          label: "Referrals",
          data: data.data,
          backgroundColor: "#1d70b8", // GOV.UK blue
          barPercentage: 0.9,
          categoryPercentage: 0.8,
        },
      ],
    },
    options: {
      indexAxis: "y",
      plugins: { legend: { display: false } },
      scales: {
        x: { beginAtZero: true, ticks: { precision: 0 } },
        y: { grid: { display: false } },
      },
    },
  });
})();
