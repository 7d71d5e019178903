"""Issue 21, 7: the relief case page lists the heirs (relationship, masked citizen ID, masked bank account), its
payment form has real labels, "Paid to" names each option's entitlement (never its code) and carries it for
static/js/relief_payment.js, and the over-limit message has thousands separators."""
from __future__ import annotations

import re

from tests.helpers import verified_case


def _section(html: str, testid: str) -> str:
    start = html.index(f'data-testid="{testid}"')
    return html[start:html.index("</table>", start)] if "table" in html[start - 80:start] else html[start:start + 6000]


def test_the_heirs_are_listed_with_masked_ids_and_accounts(api, as_user):
    _officer, case = verified_case(api)
    html = as_user("south_officer").get(f"/relief-cases/{case['id']}").get_data(as_text=True)
    heirs = _section(html, "heirs")
    assert [name in heirs for name in ("ซูไรดา สาแม", "อิมรอน สาแม", "นูรีตา สาแม")] == [True] * 3
    assert "คู่สมรส" in heirs or "Spouse" in heirs
    assert "3100100123451" not in heirs and "3-1001-00123-45-1" not in heirs        # masked
    assert "123-4-56789-0" not in heirs and "1234567890" not in heirs and "7890" in heirs  # the account's last digits
    assert "spouse" not in heirs and "primary" not in heirs                         # labels, not codes


def test_the_payment_form_has_labels_and_options_name_their_entitlement(api, as_user):
    _officer, case = verified_case(api)
    api("south_approver").post(f"/api/v1/relief-cases/{case['id']}/transitions",
                               json={"action": "approve", "resolution_no": "3/2567"})
    html = as_user("south_officer").get(f"/relief-cases/{case['id']}").get_data(as_text=True)
    form = html[html.index('data-testid="payment-form"'):html.index("</form>", html.index('data-testid="payment-form"'))]
    for field_id in ("payment-entitlement", "payment-target", "payment-amount", "paid_on", "payment-reference"):
        assert f'for="{field_id}"' in form and f'id="{field_id}"' in form, field_id
    assert form.count("placeholder=") == 1   # the date's dd/mm/yyyy hint only: labels, not placeholders
    entitlement_ids = set(re.findall(r'<option value="(\d+)"', form.split('id="payment-target"')[0]))
    targets = re.findall(r'<option value="[\d:]+" data-entitlement="(\d+)"[^>]*>([^<]*)</option>', form)
    assert targets and {e for e, _text in targets} <= entitlement_ids
    assert not any(re.search(r"\((scholarship|remedy|welfare|funeral_welfare|stipend)\)", text) for _e, text in targets)
    assert "relief_payment.js" in html


def test_the_over_limit_message_has_separators(api, as_user):
    _officer, case = verified_case(api)
    api("south_approver").post(f"/api/v1/relief-cases/{case['id']}/transitions",
                               json={"action": "approve", "resolution_no": "3/2567"})
    remedy = next(e for e in case["entitlements"] if e["rule"]["code"] == "sbpac.remedy.death")
    page = as_user("south_officer").post(f"/relief-cases/{case['id']}/payments", data={
        "entitlement_id": str(remedy["id"]), "target": "", "amount": "500000.01", "paid_on": "01/08/2567",
        "reference": "PV-1"})
    assert page.status_code == 422
    assert "500,000.00" in page.get_data(as_text=True)
