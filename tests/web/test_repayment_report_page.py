"""The repayment report page, /reports/repayment (issue 20): month typed mm/Buddhist year (this month unless told),
headline figures, the charts' data, a row per unit below the scope, twelve months of trend, CSV and XLSX downloads of
the same numbers, field errors, scope. Figures are put in as monthly rows and summed here."""
from __future__ import annotations

import csv
import io
import json
import re
from datetime import date, datetime
from decimal import Decimal
from html import unescape

from openpyxl import load_workbook

from app.domain import clock
from app.extensions import db
from app.models.repayments import RepaymentMonth
from tests.factories import OrgUnitFactory, unit_by_code

PAGE = "/reports/repayment"
MARCH, FEBRUARY = date(2027, 3, 1), date(2027, 2, 1)


def put(code: str, month: date, active: int, due: int, on_time: int, amount_due: str, collected: str,
        buckets: tuple[int, int, int, int, int]) -> None:
    unit = unit_by_code(code)
    db.session.execute(RepaymentMonth.__table__.insert(), [{
        "month": month, "cooperative_id": unit.id, "province_code": unit.province_code, "active_cases": active,
        "due_cases": due, "on_time_cases": on_time, "amount_due": Decimal(amount_due),
        "amount_collected": Decimal(collected),
        **dict(zip(("bucket_current", "bucket_1_30", "bucket_31_60", "bucket_61_90", "bucket_90_plus"), buckets)),
        "computed_at": datetime(2027, 3, 15, 19, 0)}])


def chiang_mai_rows() -> None:
    """Two cooperatives in Chiang Mai in March (60 active, 48 due, 36 on time), one of them in February too, and
    Khon Kaen's (outside the province)."""
    OrgUnitFactory(code="COOP-CMI-T", name="สหกรณ์ออมทรัพย์ครูทดสอบเชียงใหม่ จำกัด")
    put("COOP-CMI-01", MARCH, 40, 30, 27, "224696.40", "210011.17", (33, 4, 2, 1, 0))
    put("COOP-CMI-T", MARCH, 20, 18, 9, "100000.00", "80000.50", (10, 5, 2, 2, 1))
    put("COOP-CMI-01", FEBRUARY, 38, 30, 30, "220000.00", "221500.00", (38, 0, 0, 0, 0))
    put("COOP-KKN-01", MARCH, 12, 10, 4, "74898.80", "31000.00", (5, 3, 2, 1, 1))
    db.session.commit()


def figure(html: str, name: str) -> str:
    return re.search(rf'data-testid="figure-{name}">([^<]*)<', html).group(1)


def rows_of(html: str, testid: str) -> list[list[str]]:
    table = re.search(rf'data-testid="{testid}">(.*?)</table>', html, re.S).group(1)
    body = table.split("<tbody>", 1)[1]
    return [[unescape(re.sub(r"<[^>]+>", "", cell)).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", tr, re.S)]
            for tr in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)]


def test_the_province_page(as_user):
    chiang_mai_rows()
    html = as_user("province_approver").get(f"{PAGE}?month=03/2570").get_data(as_text=True)
    assert "มีนาคม 2570" in html and 'value="03/2570"' in html
    assert figure(html, "active") == "60" and figure(html, "due-cases") == "48"
    assert figure(html, "on-time") == "75.00%"                          # 36 of 48
    assert figure(html, "amount-due") == "324,696.40" and figure(html, "amount-collected") == "290,011.67"
    assert figure(html, "npl") == "1"
    units = rows_of(html, "table-units")
    assert [r[0] for r in units] == ["สหกรณ์ออมทรัพย์ครูเชียงใหม่ จำกัด", "สหกรณ์ออมทรัพย์ครูทดสอบเชียงใหม่ จำกัด", "รวม"]
    assert units[0][1:] == ["40", "30", "27", "90.00", "224,696.40", "210,011.17", "93.46", "33", "4", "2", "1", "0"]
    assert units[1][4] == "50.00" and units[2][1:4] == ["60", "48", "36"]
    assert 'href="/reports/repayment?unit=COOP-CMI-T&amp;month=03/2570"' in html          # drill down
    trend = rows_of(html, "table-trend")
    assert len(trend) == 12 and trend[0][0] == "เม.ย. 2569" and trend[-1][0] == "มี.ค. 2570"
    assert trend[-2][1:8] == ["38", "30", "30", "100.00", "220,000.00", "221,500.00", "100.68"]
    assert trend[0][4] == "—" and trend[0][1] == "0"                    # nothing due: no rate
    assert "month=02/2570" in html and "month=04/2570" in html          # previous and next month
    assert "16 มี.ค. 2570 02:00 น." in html                             # as of (19:00 UTC), Bangkok time


def test_the_charts_carry_the_same_numbers(as_user):
    chiang_mai_rows()
    html = as_user("province_approver").get(f"{PAGE}?month=03/2570").get_data(as_text=True)
    trend = json.loads(unescape(re.search(r'data-testid="chart-trend" data-chart=\'([^\']*)\'', html).group(1)))
    assert trend["type"] == "bar" and len(trend["labels"]) == 12 and trend["labels"][-1] == "มี.ค. 2570"
    assert [d["data"][-1] for d in trend["datasets"]] == [324696.40, 290011.67]
    buckets = json.loads(unescape(re.search(r'data-testid="chart-buckets" data-chart=\'([^\']*)\'', html).group(1)))
    assert buckets["datasets"][0]["data"] == [43, 9, 4, 3, 1] and len(buckets["labels"]) == 5
    assert "<script>" not in html and "static/js/dashboard.js" in html  # no inline script (CSP)


def test_the_downloads(as_user):
    chiang_mai_rows()
    browser = as_user("province_approver")
    units = browser.get(f"{PAGE}?month=03/2570&export=units&format=csv")
    assert units.status_code == 200 and units.mimetype == "text/csv"
    assert "repayment-units-50-2027-03.csv" in units.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(units.data.decode("utf-8-sig"))))
    assert len(rows[0]) == 13 and [r[0] for r in rows[1:]] == ["สหกรณ์ออมทรัพย์ครูเชียงใหม่ จำกัด",
                                                               "สหกรณ์ออมทรัพย์ครูทดสอบเชียงใหม่ จำกัด"]
    assert rows[1][1:] == ["40", "30", "27", "90.00", "224696.40", "210011.17", "93.46", "33", "4", "2", "1", "0"]
    trend = browser.get(f"{PAGE}?month=03/2570&export=trend&format=xlsx")
    cells = [[c.value for c in r] for r in load_workbook(io.BytesIO(trend.data)).active.iter_rows()]
    assert len(cells) == 13 and cells[12][0] == "มี.ค. 2570"
    assert cells[12][1:8] == [60, 48, 36, 75, 324696.40, 290011.67, 89.32]
    assert cells[1][4] is None                                            # no rate in a month with nothing due
    buckets = browser.get(f"{PAGE}?month=03/2570&export=buckets&format=csv")
    assert [r[1] for r in csv.reader(io.StringIO(buckets.data.decode("utf-8-sig")))][1:] == ["43", "9", "4", "3", "1"]
    assert browser.get(f"{PAGE}?month=03/2570&export=nothing&format=csv").status_code == 404
    assert browser.get(f"{PAGE}?month=03/2570&export=units&format=pdf").status_code == 404


def test_a_bad_month_marks_the_field(as_user):
    browser = as_user("province_approver")
    for bad in ("13/2570", "march", "12/9999"):
        response = browser.get(f"{PAGE}?month={bad}")
        html = response.get_data(as_text=True)
        assert response.status_code == 422, bad
        assert 'is-invalid' in html and 'data-testid="month-error"' in html and 'data-testid="key-figures"' not in html


def test_scope_and_a_cooperative_page(as_user):
    chiang_mai_rows()
    officer = as_user("coop_officer")
    assert officer.get(f"{PAGE}?unit=50&month=03/2570").status_code == 404
    assert officer.get(f"{PAGE}?unit=COOP-KKN-01&month=03/2570").status_code == 404
    html = officer.get(f"{PAGE}?month=03/2570").get_data(as_text=True)
    assert figure(html, "active") == "40" and 'data-testid="table-units"' not in html
    assert 'data-testid="table-trend"' in html


def test_the_region_page_lists_its_provinces(as_user):
    chiang_mai_rows()
    html = as_user("region_approver").get(f"{PAGE}?month=03/2570").get_data(as_text=True)
    units = rows_of(html, "table-units")
    assert [r[1] for r in units] == ["60", "0", "0", "0", "60"]         # Chiang Mai, Lamphun, Lampang, Mae Hong Son, total
    assert units[1][4] == "—"


def test_labels_and_this_month_by_default(as_user):
    browser = as_user("south_approver")
    html = browser.get(PAGE).get_data(as_text=True)
    today = clock.today()
    assert f'value="{today.month:02d}/{today.year + 543}"' in html
    assert 'data-testid="repayment-as-of"' in html and figure(html, "on-time") == "—"
    for code in (">current<", ">1-30<", ">31-60<", ">61-90<", ">90+<"):
        assert code not in html                                          # labels, never the internal codes
    for thai in ("ปกติ (ไม่ค้างชำระ)", "ค้างชำระ 1–30 วัน", "ค้างชำระ 31–60 วัน", "ค้างชำระ 61–90 วัน",
                 "ค้างชำระเกิน 90 วัน (NPL)"):
        assert thai in html
    browser.post("/language", data={"lang": "en"})
    english = browser.get(PAGE).get_data(as_text=True)
    for label in ("Current", "1–30 days overdue", "31–60 days overdue", "61–90 days overdue",
                  "Over 90 days overdue (NPL)"):
        assert label in english


def test_the_dashboard_links_to_the_report(as_user):
    html = as_user("province_approver").get("/dashboard").get_data(as_text=True)
    assert re.search(r'href="/reports/repayment\?unit=50"[^>]*data-testid="repayment-report-link"', html)
