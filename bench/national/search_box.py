"""The navigation's one search box (issue 21 point 6) over the national dataset: GET /search as each kind of user
types into it — a case reference, a citizen ID with the card's dashes, a name with its title, a first name alone —
within the target of every list and search (p95 ≤ 50 ms, docs/benchmarks.md).

A cooperative officer searches their cooperative, a provincial officer their province (debt and relief cases and
the people registry), a relief officer a border province, and the ministry viewer the nation. Each reads people
sampled from where they search, so that the search finds something; first names are the generator's 50
(bench/national/generate.py FIRST_NAMES), each shared by about 2% of the nation.

Run alone: `.venv/bin/python -m bench.national.search_box [--database-url URL] [--runs N]` (the dataset must exist:
`make bench-national` makes it); bench.national.run measures the same rows in its full run.
"""
from __future__ import annotations

import argparse
import random

from bench.national.generate import FIRST_NAMES

# (user, what the user searches)
SEARCHERS = (("coop_officer", "cooperative"), ("province_officer", "province"), ("south_officer", "relief"),
             ("ministry_viewer", "nation"))


def dashed(citizen_id: str) -> str:
    """As printed on the card: 1-1017-00230-70-8."""
    return f"{citizen_id[0]}-{citizen_id[1:5]}-{citizen_id[5:10]}-{citizen_id[10:12]}-{citizen_id[12]}"


def _sample(users: dict, where: str, seed: int, limit: int = 200) -> list:
    from sqlalchemy import select

    from app.extensions import db
    from app.models import DebtCase, Person, ReliefCase

    if where == "relief":
        stmt = (select(ReliefCase.reference, Person.citizen_id, Person.title, Person.first_name, Person.last_name)
                .join(Person, ReliefCase.victim_id == Person.id)
                .where(ReliefCase.province_code == users["south_officer"].org_unit.province_code))
        order = ReliefCase.id
    else:
        stmt = (select(DebtCase.reference, Person.citizen_id, Person.title, Person.first_name, Person.last_name)
                .join(Person, DebtCase.person_id == Person.id))
        if where == "cooperative":
            stmt = stmt.where(DebtCase.cooperative_id == users["coop_officer"].org_unit_id)
        elif where == "province":
            stmt = stmt.where(DebtCase.province_code == users["province_officer"].org_unit.province_code)
        order = DebtCase.id
    rows = db.session.execute(stmt.order_by(order).limit(5000)).all()
    return random.Random(seed).sample(rows, min(limit, len(rows)))


def measure_search_box(bench, users: dict, seed: int) -> None:
    """Add the search box's rows to `bench` (bench.national.run.Bench), users by username."""
    with bench.app.app_context():
        samples = {where: _sample(users, where, seed) for _user, where in SEARCHERS}
    names = FIRST_NAMES
    for username, where in SEARCHERS:
        rows = samples[where]
        if not rows:
            continue
        label = f"search box, {where} ({username})"
        bench.measure(f"{label}: reference", "search", username, [f"/search?q={r.reference}" for r in rows],
                      do=_found, raw=True)
        bench.measure(f"{label}: citizen ID with dashes", "search", username,
                      [f"/search?q={dashed(r.citizen_id)}" for r in rows], do=_found, raw=True)
        bench.measure(f"{label}: title and full name", "search", username,
                      [f"/search?q={r.title or 'นาง'}{r.first_name}%20{r.last_name}" for r in rows], do=_found,
                      raw=True)
        bench.measure(f"{label}: first name alone", "search", username,
                      [f"/search?q={name}" for name in names], do=_found, raw=True)


def _found(client, url: str):
    """A search that opens the one case it found answers 302; one that lists answers 200."""
    response = client.get(url)
    assert response.status_code in (200, 302), (url, response.status_code, response.data[:300])
    return response


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url")
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=2569)
    parser.add_argument("--runs", type=int, default=100)
    args = parser.parse_args()

    from sqlalchemy import select

    from app.extensions import db
    from app.models import User
    from bench.national.dataset import dataset_app
    from bench.national.run import PASSWORD, Bench

    app, made = dataset_app(args.database_url, args.cases, args.seed, 20_000, 5_000)
    bench = Bench(app, args.runs)
    with app.app_context():
        from app.demo import seed_demo
        seed_demo(PASSWORD)
        users = {u.username: u for u in db.session.scalars(select(User))}
        dialect = db.engine.dialect.name
    print(f"database: {dialect}; {made['cases']:,} debt cases", flush=True)
    measure_search_box(bench, users, args.seed)
    for row in bench.rows:
        print(f"{row['what']:72} {row['p50']:7.1f} {row['p95']:7.1f}  raw {row['raw_p50']:6.1f}  "
              f"{row['statements']:>3} SQL")
    print("\nquery plans (the slowest statement of each):")
    for row in bench.rows:
        print(f"- {row['what']}: {row['plan_sql'][:200]} …")
        for line in row["plan"]:
            print(f"    {line}")


if __name__ == "__main__":
    main()
