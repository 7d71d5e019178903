"""Where a 1,000-letter batch's time goes, by stage, with no profiler (issue 22 point 4): each stage's function is
wrapped with a wall-clock timer, and the batch runs in this process (`JOBS_IMMEDIATE`), on the kept national
dataset, for the cases bench.national.run chooses.

    .venv/bin/python -m bench.national.letter_stages --database-url sqlite:///…/national-1000000-2569.db
"""
from __future__ import annotations

import argparse
import collections
import functools
import time

TIMED = [  # (module, function, what the row says)
    ("app.services.letter_batches", "_prepare_drafts", "prepare the drafts (facts from the case)"),
    ("app.services.letters", "issue_drafts", "issue (numbers, rows, audit)"),
    ("app.pdf.frame", "LetterRenderer.story", "Thai line breaking and markup (story)"),
    ("app.pdf.frame", "LetterRenderer.render", "story, layout and drawing (render)"),
    ("app.services.letters", "keep_batch_files", "cut from the part, sign and store"),
    ("app.services.signing_keys", "sign", "signing (within the rows around it)"),
    ("app.services.letter_batches", "merge", "merge the parts (and sign the pack)"),
]


def _wrap(spent: collections.Counter, module, name: str, label: str) -> None:
    owner_name, _, attribute = name.rpartition(".")
    owner = getattr(module, owner_name) if owner_name else module
    original = getattr(owner, attribute)

    @functools.wraps(original)
    def timed(*args, **kwargs):
        started = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            spent[label] += time.perf_counter() - started

    setattr(owner, attribute, timed)


def main() -> None:
    import importlib

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url")
    parser.add_argument("--letters", type=int, default=1_000)
    parser.add_argument("--seed", type=int, default=2569)
    args = parser.parse_args()

    from sqlalchemy import select

    from app.demo import seed_demo
    from app.extensions import db
    from app.models import User
    from app.pdf.thai_wrap import warm_up
    from app.services import letter_batches
    from bench.national.dataset import dataset_app
    from bench.national.run import PASSWORD, REISSUE_REASON, sample_cases

    app, _made = dataset_app(args.database_url, 1_000_000, args.seed, 20_000, 5_000)
    app.config["JOBS_IMMEDIATE"] = True
    spent: collections.Counter = collections.Counter()
    for module, name, label in TIMED:
        _wrap(spent, importlib.import_module(module), name, label)
    with app.app_context():
        warm_up()
        seed_demo(PASSWORD)
        officer = db.session.scalars(select(User).where(User.username == "province_officer")).one()
        approved = [r.id for r in sample_cases(officer.org_unit.province_code, 5000, args.seed, status="approved")]
        letter_batches.create(officer, "approval_notice", approved[-50:], include_existing=True,
                              reissue_reason=REISSUE_REASON)  # warm-up, as run.py's single letters are
        spent.clear()
        started = time.perf_counter()
        letter_batches.create(officer, "approval_notice", approved[110:110 + args.letters], include_existing=True,
                              reissue_reason=REISSUE_REASON)
        total = time.perf_counter() - started
    print(f"batch of {args.letters:,} letters: {total:.2f} s")
    for label, seconds in spent.most_common():
        print(f"  {label:45} {seconds:6.2f} s {seconds * 1000 / args.letters:6.2f} ms a letter")


if __name__ == "__main__":
    main()
