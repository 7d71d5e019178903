"""Faults (issue 8): while the database is unreachable the app answers a clear 503 (page or JSON), never a 500,
and it recovers by itself when the database returns. PostgreSQL is reached through a TCP relay that the test
cuts and restores, as a network fault or a restart would; SQLite's file is on a "volume" (a folder) that the
test takes away and brings back, as an unmounted disk would."""
import socket
import sqlite3
import threading

import pytest
from sqlalchemy.pool import NullPool

from tests.helpers import using_postgres

pytestmark = pytest.mark.commits  # another app on a copy of (or a relay to) the test database


class Relay:
    """Forwards a local port to PostgreSQL; `cut()` drops every connection and refuses new ones."""

    def __init__(self, target_port: int = 5432):
        self.target = ("127.0.0.1", target_port)
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.sockets: list[socket.socket] = []
        self.up = False

    def start(self):
        if self.up:
            return
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", self.port))
        self.listener.listen(16)
        self.up = True
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while self.up:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            server = socket.create_connection(self.target)
            self.sockets += [client, server]
            for a, b in ((client, server), (server, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(source, sink):
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for s in (source, sink):
                try:
                    s.close()
                except OSError:
                    pass

    def cut(self):
        self.up = False
        try:
            self.listener.shutdown(socket.SHUT_RDWR)  # wakes the thread blocked in accept()
        except OSError:
            pass
        self.listener.close()
        for s in self.sockets:
            try:
                s.shutdown(socket.SHUT_RDWR)
                s.close()
            except OSError:
                pass
        self.sockets.clear()


@pytest.fixture
def outage(app, tmp_path):
    """(database URL, engine options, cut, restore) for a copy of the test database the test may break."""
    if using_postgres():
        relay = Relay()
        relay.start()
        yield (app.config["SQLALCHEMY_DATABASE_URI"].replace("127.0.0.1:5432", f"127.0.0.1:{relay.port}"), {},
               relay.cut, relay.start)
        relay.cut()
        return
    from app.extensions import db

    volume, away = tmp_path / "volume", tmp_path / "volume-away"
    volume.mkdir()
    copy = sqlite3.connect(volume / "fault.db")
    with app.app_context():
        source = db.engine.raw_connection()
        source.driver_connection.backup(copy)
        source.close()
    copy.close()
    # A connection already open keeps its file even when the folder goes, so each request opens its own: what
    # a server starting (or reconnecting) while the disk is gone would meet.
    yield f"sqlite:///{volume / 'fault.db'}", {"poolclass": NullPool}, lambda: volume.rename(away), \
        lambda: away.rename(volume)


def test_database_down_gives_503_and_recovery_follows(outage):
    from app import create_app
    from config import TestingConfig

    url, engine_options, cut, restore = outage

    class FaultConfig(TestingConfig):
        SQLALCHEMY_DATABASE_URI = url
        SQLALCHEMY_ENGINE_OPTIONS = {**TestingConfig.SQLALCHEMY_ENGINE_OPTIONS, **engine_options}

        @classmethod
        def init_app(cls, app):
            pass

    faulty = create_app(FaultConfig)
    client = faulty.test_client()
    assert client.get("/login").status_code == 200
    assert client.post("/api/v1/auth/token", json={"username": "nobody", "password": "x"}).status_code == 401
    cut()
    page = client.post("/login", data={"username": "coop_officer", "password": "x"})
    assert page.status_code == 503 and "ระบบขัดข้องชั่วคราว" in page.get_data(as_text=True)
    assert page.headers["Retry-After"] == "30"
    api = client.post("/api/v1/auth/token", json={"username": "nobody", "password": "x"})
    assert api.status_code == 503 and api.json["error"]["code"] == "unavailable"
    restore()
    assert client.post("/api/v1/auth/token", json={"username": "nobody", "password": "x"}).status_code == 401
    assert client.post("/login", data={"username": "coop_officer", "password": "x"}).status_code == 401
    with faulty.app_context():
        from app.extensions import db

        db.engine.dispose()
