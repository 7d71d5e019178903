"""Bulk rows straight into the database: executemany on SQLite, COPY on PostgreSQL.

Only the dataset generator uses this; it writes rows with their ids already assigned, in the column types
SQLAlchemy itself would store (SQLite keeps NUMERIC as REAL and times as ISO text), and the triggers of
migration 0006 keep the dashboard rollup exact as the rows land.
"""
from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import text


class BulkWriter:
    def __init__(self, engine):
        self.engine = engine
        self.dialect = engine.dialect.name
        self.connection = engine.raw_connection()
        self.rows_written = 0
        if self.dialect == "sqlite":
            cursor = self.connection.cursor()
            cursor.execute("PRAGMA synchronous=OFF")
            cursor.execute("PRAGMA cache_size=-1048576")  # 1 GiB page cache while loading
            cursor.close()

    def _sqlite_value(self, value):
        if isinstance(value, Decimal):
            return float(value)
        if isinstance(value, datetime):
            return value.isoformat(sep=" ", timespec="microseconds")
        if isinstance(value, date):
            return value.isoformat()
        if isinstance(value, (dict, list)):
            return json.dumps(value, ensure_ascii=False)
        return value

    @staticmethod
    def _postgres_value(value):
        if isinstance(value, (dict, list)):
            return json.dumps(value, ensure_ascii=False)
        return value

    def write(self, table: str, columns: tuple[str, ...], rows: list[tuple]) -> None:
        if not rows:
            return
        cursor = self.connection.cursor()
        if self.dialect == "sqlite":
            convert = self._sqlite_value
            cursor.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
                               [tuple(convert(v) for v in row) for row in rows])
        else:
            convert = self._postgres_value
            with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(tuple(convert(v) for v in row))
        cursor.close()
        self.rows_written += len(rows)

    def commit(self) -> None:
        self.connection.commit()

    def close(self) -> None:
        self.connection.commit()
        self.connection.close()


def next_ids(session, tables: tuple[str, ...]) -> dict[str, int]:
    return {table: (session.execute(text(f"SELECT MAX(id) FROM {table}")).scalar() or 0) + 1 for table in tables}


def reset_sequences(session, tables: tuple[str, ...]) -> None:
    """PostgreSQL: the serial sequences continue after the ids the generator assigned."""
    if session.get_bind().dialect.name != "postgresql":
        return
    for table in tables:
        session.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                             f"(SELECT COALESCE(MAX(id), 1) FROM {table}))"))
    session.commit()
