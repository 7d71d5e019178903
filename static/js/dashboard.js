// Draws the dashboard's charts from the numbers in each canvas's data-chart attribute (no inline script, so the
// Content-Security-Policy can forbid it). The same numbers are in the tables beside each chart.
if (window.Chart) {
  Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;  // Sarabun: Thai labels, not boxes
}
function wholeNumbers(spec) {
  return spec.datasets.every(function (set) { return set.data.every(function (v) { return Number.isInteger(v); }); });
}
document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
  var spec = JSON.parse(canvas.dataset.chart);
  new Chart(canvas, {
    type: spec.type,
    data: {labels: spec.labels, datasets: spec.datasets.map(function (set) {
      return {label: set.label, data: set.data, backgroundColor: set.colors || "#0d6efd"};
    })},
    options: {responsive: true, maintainAspectRatio: false, animation: false,
              // counts (every value whole) get whole ticks: no "0.5 cases"
              scales: spec.type === "doughnut" || !wholeNumbers(spec) ? {} : {y: {ticks: {precision: 0}}},
              plugins: {legend: {display: spec.datasets.length > 1 || spec.type === "doughnut"}}}
  });
});
