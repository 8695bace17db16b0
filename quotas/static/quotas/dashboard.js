// Structure dashboard charts. Data comes from the page (json_script "quota-charts"); no requests.
(function () {
  const el = document.getElementById("quota-charts");
  if (!el || typeof Chart === "undefined") return;
  const data = JSON.parse(el.textContent);
  const RED = "#dc3545", GREEN = "#198754", BLUE = "#0d6efd", GREY = "#adb5bd";
  const palette = ["#b71c1c", "#0d6efd", "#198754", "#fd7e14", "#6f42c1", "#20c997", "#6c757d", "#d63384"];
  const pctTick = { callback: (v) => v + "%" };

  function shareChart(id, rows, withExpected) {
    const canvas = document.getElementById(id);
    if (!canvas) return;
    const labels = rows.map((r) => r.key);
    const datasets = [{
      type: "bar", label: "实际占比", order: 2,
      data: rows.map((r) => r.share),
      backgroundColor: rows.map((r) => (r.ok === false ? RED : r.ok === true ? GREEN : GREY)),
    }];
    if (withExpected) {
      datasets.push({ type: "bar", label: "含台账预计", order: 3, data: withExpected.map((r) => r.share),
        backgroundColor: "rgba(13,110,253,.25)", borderColor: BLUE, borderWidth: 1 });
    }
    datasets.push({ type: "line", label: "最低要求", order: 1, data: rows.map((r) => r.min), showLine: false,
      pointStyle: "triangle", pointRadius: 10, borderColor: "#fff", borderWidth: 2, backgroundColor: GREEN, clip: false });
    datasets.push({ type: "line", label: "最高限额", order: 1, data: rows.map((r) => r.max), showLine: false,
      pointStyle: "triangle", rotation: 180, pointRadius: 10, borderColor: "#fff", borderWidth: 2, backgroundColor: RED,
      clip: false });
    new Chart(canvas, {
      data: { labels, datasets },
      options: {
        responsive: true, animation: false,
        // head-room above the highest bar or marker so neither is cut at the top edge
        scales: { y: { beginAtZero: true, suggestedMax: 50, grace: "10%", ticks: pctTick } },
        plugins: {
          legend: { labels: { usePointStyle: true } },
          tooltip: { callbacks: { label: (ctx) => {
            const r = rows[ctx.dataIndex];
            const v = ctx.parsed.y == null ? "—" : ctx.parsed.y + "%";
            const tail = ctx.dataset.label === "实际占比" && r.ok === false ? "（未达标）" : "";
            return ctx.dataset.label + "：" + v + tail;
          } } },
        },
      },
    });
  }

  shareChart("chart-sectors", data.sectors, data.expected);
  shareChart("chart-structure", data.structure, null);

  const children = document.getElementById("chart-children");
  if (children && data.children.length) {
    new Chart(children, {
      type: "bar",
      data: {
        labels: data.children.map((c) => c.name),
        datasets: [
          { label: "计划指标", data: data.children.map((c) => c.quota), backgroundColor: GREY },
          { label: "已发展", data: data.children.map((c) => c.admitted), backgroundColor: "#b71c1c" },
          { label: "预判台账", data: data.children.map((c) => c.ledger), backgroundColor: "rgba(13,110,253,.5)" },
        ],
      },
      options: { responsive: true, animation: false, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } },
    });
  }

  const trend = document.getElementById("chart-trend");
  if (trend) {
    const datasets = data.trend.series.map((s, i) => ({
      type: "line", label: s.key + "占比", data: s.shares, yAxisID: "y", spanGaps: true,
      borderColor: palette[i % palette.length], backgroundColor: palette[i % palette.length], tension: 0.2,
    }));
    datasets.push({ type: "bar", label: "新发展党员数", data: data.trend.totals, yAxisID: "y1", backgroundColor: "rgba(173,181,189,.4)" });
    new Chart(trend, {
      data: { labels: data.trend.years.map((y) => y + "年"), datasets },
      options: {
        responsive: true, animation: false,
        scales: {
          y: { beginAtZero: true, position: "left", ticks: pctTick },
          y1: { beginAtZero: true, position: "right", grid: { drawOnChartArea: false }, ticks: { precision: 0 } },
        },
      },
    });
  }
})();
