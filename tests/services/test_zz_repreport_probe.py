import json
from app.models import DeductionLine, DebtCase
from app.extensions import db
from sqlalchemy import select
from tests.helpers import active_case

def test_probe(api):
    officer, url, ids, plan = active_case(api)
    print(json.dumps(plan, indent=1, default=str)[:3000])
    case_id = int(url.rsplit("/", 1)[1])
    for l in db.session.scalars(select(DeductionLine).where(DeductionLine.case_id == case_id)):
        print(l.part, l.instalment, l.amount, l.from_month, l.to_month, l.plan_version)
    c = db.session.get(DebtCase, case_id)
    print(c.status, c.cooperative_id, c.province_code, c.plan_version)
