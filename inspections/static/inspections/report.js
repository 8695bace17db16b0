// Spot-check report chart. Data comes from the page (json_script "inspection-chart"); no requests.
(function () {
  const el = document.getElementById("inspection-chart");
  const canvas = document.getElementById("chart-findings");
  if (!el || !canvas || typeof Chart === "undefined") return;
  const data = JSON.parse(el.textContent);
  const palette = ["#b71c1c", "#fd7e14", "#0d6efd", "#6f42c1", "#6c757d"];
  new Chart(canvas, {
    type: "bar",
    data: {
      labels: data.labels,
      datasets: data.categories.map((c, i) => ({ label: c.label, data: c.data, backgroundColor: palette[i % palette.length] })),
    },
    options: {
      responsive: true, animation: false,
      scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } },
      plugins: { legend: { labels: { usePointStyle: true } } },
    },
  });
})();
