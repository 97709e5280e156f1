// Draws the dashboard's charts (Chart.js, from our own static files) from the figures the
// page carries in <script type="application/json" id="dashboard-data">: no inline script, so
// the Content Security Policy can forbid it. Every chart has a table with the same figures
// and links beside it; selecting a bar opens the cases behind it, like the table's links.
(function () {
  "use strict";

  var source = document.getElementById("dashboard-data");
  if (!source || typeof window.Chart === "undefined") {
    return;
  }
  var data = JSON.parse(source.textContent);
  var Chart = window.Chart;

  // GOV.UK Frontend colours (the route tags use the same: letter black, high risk red, hub
  // contact blue; accepted support green).
  var COLOURS = {
    referred: "#1d70b8",
    letter_only: "#484949",
    high_risk: "#ca3535",
    vulnerable: "#1d70b8",
    accepted: "#0f7a52",
  };

  Chart.defaults.font.family = "arial, sans-serif";
  Chart.defaults.font.size = 14;
  Chart.defaults.color = "#0b0c0c";
  Chart.defaults.animation = false;
  Chart.defaults.maintainAspectRatio = false;
  Chart.defaults.plugins.legend.labels.boxWidth = 16;

  function openCases(series) {
    return function (event, elements) {
      if (!elements.length) {
        return;
      }
      var element = elements[0];
      var link = series[element.datasetIndex].links[element.index];
      if (link) {
        window.location.assign(link);
      }
    };
  }

  function pointer(event, elements) {
    event.native.target.style.cursor = elements.length ? "pointer" : "default";
  }

  function integerTicks() {
    return { beginAtZero: true, ticks: { precision: 0 } };
  }

  function drawTrend(trend) {
    var canvas = document.getElementById("chart-trend");
    if (!canvas) {
      return;
    }
    var datasets = trend.series.map(function (series) {
      var accepted = series.key === "accepted";
      return {
        type: accepted ? "line" : "bar",
        label: series.label,
        data: series.data,
        backgroundColor: COLOURS[series.key],
        borderColor: COLOURS[series.key],
        borderWidth: accepted ? 3 : 0,
        pointRadius: accepted ? 4 : 0,
        stack: accepted ? "accepted" : "routes",
        order: accepted ? 0 : 1,
      };
    });
    new Chart(canvas, {
      type: "bar",
      data: { labels: trend.labels, datasets: datasets },
      options: {
        interaction: { mode: "nearest", intersect: true },
        onClick: openCases(trend.series),
        onHover: pointer,
        plugins: {
          legend: {
            position: "bottom",
            labels: {
              sort: function (a, b) {
                return a.datasetIndex - b.datasetIndex;
              },
            },
          },
        },
        scales: {
          x: { stacked: true, grid: { display: false } },
          y: Object.assign(integerTicks(), {
            stacked: true,
            title: { display: true, text: "Referrals" },
          }),
        },
      },
    });
  }

  function drawBreakdown(breakdown) {
    var canvas = document.getElementById("chart-" + breakdown.name);
    if (!canvas || !breakdown.labels.length) {
      return;
    }
    // Room for each row's pair of bars, and the legend and axis.
    canvas.parentNode.style.height = 90 + breakdown.labels.length * 36 + "px";
    new Chart(canvas, {
      type: "bar",
      data: {
        labels: breakdown.labels,
        datasets: breakdown.series.map(function (series) {
          return {
            label: series.label,
            data: series.data,
            backgroundColor: COLOURS[series.key],
            barPercentage: 0.9,
            categoryPercentage: 0.8,
          };
        }),
      },
      options: {
        indexAxis: "y",
        onClick: openCases(breakdown.series),
        onHover: pointer,
        plugins: { legend: { position: "bottom" } },
        scales: {
          x: integerTicks(),
          y: { grid: { display: false } },
        },
      },
    });
  }

  drawTrend(data.trend);
  data.breakdowns.forEach(drawBreakdown);
})();
