"""Journey 4: the department's structure dashboard draws every chart (Chart.js, served locally),
for the county, a committee drilled into, and another year; no console error, no outside request
(asserted by ``watched_page``)."""

import re

from playwright.sync_api import expect

from .conftest import login, nav, screenshot

CHARTS = ["chart-sectors", "chart-structure", "chart-children", "chart-trend"]

# For each canvas: the Chart.js instance and how many pixels are painted (alpha > 0).
DRAWN = """(ids) => ids.map((id) => {
  const canvas = document.getElementById(id);
  if (!canvas) return {id, present: false};
  const chart = window.Chart && Chart.getChart(canvas);
  const {width, height} = canvas;
  let painted = 0;
  if (width && height) {
    const pixels = canvas.getContext("2d").getImageData(0, 0, width, height).data;
    for (let i = 3; i < pixels.length; i += 4) if (pixels[i] !== 0) painted++;
  }
  return {id, present: true, chart: !!chart, datasets: chart ? chart.data.datasets.length : 0,
          points: chart ? chart.data.datasets.reduce((n, d) => n + d.data.length, 0) : 0,
          width, height, painted};
})"""


def assert_charts_drawn(page) -> list[dict]:
    page.wait_for_function(f"(ids) => ({DRAWN})(ids).every((c) => c.chart && c.painted > 0)", arg=CHARTS)
    charts = page.evaluate(DRAWN, CHARTS)
    for c in charts:
        assert c["present"] and c["chart"], c
        assert c["datasets"] >= 1 and c["points"] >= 1, c
        # A drawn chart paints axes, labels and bars: far more than a stray pixel.
        assert c["painted"] > 0.01 * c["width"] * c["height"], c
    return charts


def test_department_dashboard_draws_its_charts(watched_page, server):
    page = watched_page
    login(page, server, "zuzhibu")
    nav(page, "计划与预警", "结构比例看板")
    expect(page.locator("h1")).to_have_text("结构比例看板")
    expect(page.locator(".breadcrumb-item.active")).to_have_text("韩城县委组织部")
    assert_charts_drawn(page)
    # The charts are fed from the page itself, not from a request.
    assert page.evaluate("JSON.parse(document.getElementById('quota-charts').textContent).children.length") > 0

    # Drill into the first committee: its branches become the children chart.
    children = page.locator(".card", has=page.locator(".card-header", has_text="计划执行"))
    first = children.locator("tbody tr").first.get_by_role("link").first
    committee = first.inner_text()
    first.click()
    page.wait_for_url(re.compile(r"[?&]org=HC\d\d&"))
    expect(page.locator(".breadcrumb-item.active")).to_have_text(committee)
    assert_charts_drawn(page)

    # Another year, chosen from the year picker (submits on change).
    years = page.get_by_label("年度", exact=True)
    last_year = str(int(years.input_value()) - 1)
    years.select_option(last_year)
    page.wait_for_url(re.compile(rf"year={last_year}"))
    expect(page.get_by_label("年度", exact=True)).to_have_value(last_year)
    assert_charts_drawn(page)
    screenshot(page, "journey4-dashboard-charts")
