"""Issue 21 point 11: a chart of counts has whole ticks (no "0.5 cases"); a chart of money may have fractions."""
import pytest

from tests.factories import new_case
from tests.helpers import sign_in

pytestmark = pytest.mark.e2e

TICKS = """() => [...document.querySelectorAll('canvas[data-chart]')].map(c => {
    const chart = Chart.getChart(c), spec = JSON.parse(c.dataset.chart);
    return {label: c.getAttribute('aria-label'), type: spec.type,
            whole: spec.datasets.every(s => s.data.every(Number.isInteger)),
            ticks: chart.scales.y ? chart.scales.y.ticks.map(t => t.value) : []};
  })"""


def test_count_charts_have_whole_ticks(app, browser, live_server):
    with app.app_context():
        new_case()  # one draft: the status chart's largest bar is 1, where Chart.js would tick 0, 0.1, … 1
        from app.extensions import db
        db.session.commit()
    page = browser.new_context(base_url=live_server, locale="th-TH").new_page()
    sign_in(page, "coop_officer")
    page.goto("/dashboard")
    page.wait_for_function("() => window.Chart && document.querySelector('canvas[data-chart]') && "
                           "Chart.getChart(document.querySelector('canvas[data-chart]'))")
    charts = page.evaluate(TICKS)
    counted = [c for c in charts if c["type"] == "bar" and c["whole"]]
    assert counted, charts
    for chart in counted:
        assert chart["ticks"] and all(float(v).is_integer() for v in chart["ticks"]), chart
    assert any(max(c["ticks"]) <= 2 for c in counted)  # a small count, where fractions would appear
