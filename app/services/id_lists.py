"""`column IN (ids)` for a batch of thousands of ids, written the way each database takes it best: one parameter
holding the whole list, so that the statement's text is the same whatever the number of ids.

- PostgreSQL: `column = ANY(:ids)`, an array. An expanded IN of 2,000 ids is 2,000 parameters, and psycopg parses a
  statement that long again on every call (it caches only short ones): at a million cases that parsing was a fifth
  of an import's time (bench/bench_repayments.py, profiled).
- SQLite: `column IN (SELECT value FROM json_each(:ids))`, a JSON array (as fast as the expanded IN: 2.0 ms for 2,000
  keys either way). With the expanded IN each batch's own count of ids made a new statement, each kept prepared in
  the driver's statement cache: the import of a million lines grew to 434 MB against 300 MB for one province.
"""
from __future__ import annotations

import json

from sqlalchemy import Integer, String, any_, bindparam, func, select
from sqlalchemy.dialects.postgresql import ARRAY

from app.extensions import db


def among(column, ids):
    ids = list(ids)
    if db.engine.dialect.name == "postgresql":
        return column == any_(bindparam(None, ids, type_=ARRAY(Integer)))
    each = func.json_each(bindparam(None, json.dumps(ids), type_=String)).table_valued("value")
    return column.in_(select(each.c.value))
