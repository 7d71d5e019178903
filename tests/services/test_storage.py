"""The file storage (issue 16): one interface, a local folder by default or the app's database, for evidence,
uploads and batch PDFs. Every test runs against both backends, on SQLite and PostgreSQL."""
from __future__ import annotations

import hashlib
import io
import os
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app import storage as storage_module
from app.extensions import db
from app.models import Evidence, StoredFile, StoredFileChunk
from app.storage import CHUNK_BYTES, DatabaseStorage, LocalStorage, StorageError


@pytest.fixture(params=["local", "database"])
def store(request, app, tmp_path):
    return LocalStorage(tmp_path) if request.param == "local" else DatabaseStorage()


def test_a_file_reads_back_as_written_whatever_its_size(store):
    big = os.urandom(CHUNK_BYTES * 2 + 12345)
    assert store.write("letters/batch-1-abc.pdf", big) == len(big)
    db.session.commit()
    assert store.read("letters/batch-1-abc.pdf") == big
    pieces = list(store.chunks("letters/batch-1-abc.pdf"))
    assert len(pieces) == 3 and max(len(p) for p in pieces) <= CHUNK_BYTES
    assert store.exists("letters/batch-1-abc.pdf") and not store.exists("letters/batch-2-abc.pdf")


def test_writing_from_pieces_and_replacing_a_file(store):
    store.write("imports/upload-1", (b"a" * 10, b"b" * (CHUNK_BYTES + 1)))
    store.write("imports/upload-1", b"second")
    db.session.commit()
    assert store.read("imports/upload-1") == b"second"


def test_deleting_a_file(store):
    store.write("evidence/abc123", b"%PDF-1.4")
    db.session.commit()
    store.delete("evidence/abc123")
    db.session.commit()
    assert not store.exists("evidence/abc123")
    with pytest.raises(StorageError):
        store.read("evidence/abc123")
    store.delete("evidence/abc123")  # deleting what is not there is no error


@pytest.mark.parametrize("key", ["../etc/passwd", "/etc/passwd", "evidence/../secret", "evidence", "Evidence/x",
                                 "evidence/a b", "evidence/./x", ""])
def test_keys_cannot_leave_the_store(store, key):
    with pytest.raises(StorageError):
        store.write(key, b"x")


def test_the_database_store_keeps_size_and_hash_and_follows_the_transaction(app):
    store = DatabaseStorage()
    content = os.urandom(CHUNK_BYTES + 1)
    store.write("letters/batch-9-x.pdf", content)
    db.session.rollback()  # the request failed: no file is left behind
    assert not store.exists("letters/batch-9-x.pdf")
    store.write("letters/batch-9-x.pdf", content)
    db.session.commit()
    row = db.session.get(StoredFile, "letters/batch-9-x.pdf")
    assert row.size == len(content) and row.sha256 == hashlib.sha256(content).hexdigest()
    assert db.session.scalar(select(func.count()).select_from(StoredFileChunk)) == 2


def test_a_local_write_is_all_or_nothing(tmp_path):
    store = LocalStorage(tmp_path)
    store.write("letters/batch-1-x.pdf", b"old")

    def failing():
        yield b"new, half"
        raise OSError("disk full")

    with pytest.raises(OSError):
        store.write("letters/batch-1-x.pdf", failing())
    assert store.read("letters/batch-1-x.pdf") == b"old"
    assert sorted(p.name for p in (tmp_path / "letters").iterdir()) == ["batch-1-x.pdf"]  # no part file left


def test_the_setting_chooses_the_backend(app):
    app.config["FILE_STORAGE"] = "database"
    try:
        assert isinstance(storage_module.storage(), DatabaseStorage)
        app.config["FILE_STORAGE"] = "local"
        assert isinstance(storage_module.storage(), LocalStorage)
        assert storage_module.storage().root == Path(app.instance_path)
        app.config["FILE_STORAGE"] = "s3"
        with pytest.raises(StorageError):
            storage_module.storage()
    finally:
        app.config["FILE_STORAGE"] = "local"


def test_evidence_goes_through_the_configured_storage(app, api):
    pdf = b"%PDF-1.4\n% evidence kept in the database\n"
    officer = api("south_officer")
    app.config["FILE_STORAGE"] = "database"
    try:
        case = officer.post("/api/v1/relief-cases", json={
            "incident": {"date": "2025-03-02", "province_code": "94", "district": "เมืองปัตตานี", "kind": "shooting"},
            "victim": {"citizen_id": "1103700012346", "title": "นาย", "first_name": "อารีฟ", "last_name": "สะมะแอ",
                       "employment_type": "civil_servant_teacher", "harm": "serious_injury"}}).json
        added = officer.post(f"/api/v1/relief-cases/{case['id']}/evidence",
                             data={"kind": "police_report", "file": (io.BytesIO(pdf), "report.pdf")},
                             content_type="multipart/form-data")
        assert added.status_code == 201, added.json
        evidence_id = officer.get(f"/api/v1/relief-cases/{case['id']}").json["evidence"][0]["id"]
        downloaded = officer.get(f"/api/v1/relief-cases/{case['id']}/evidence/{evidence_id}")
        assert downloaded.status_code == 200 and downloaded.data == pdf
        assert 'filename=report.pdf' in downloaded.headers["Content-Disposition"]
    finally:
        app.config["FILE_STORAGE"] = "local"
    stored_name = db.session.get(Evidence, evidence_id).stored_name
    assert db.session.get(StoredFile, f"evidence/{stored_name}").size == len(pdf)
    assert not (Path(app.instance_path) / "evidence" / stored_name).exists()  # not on this server's disk


@pytest.mark.commits
@pytest.mark.parametrize("backend", ["local", "database"])
def test_evidence_with_a_thai_name_downloads_through_a_real_server(app, backend):
    """Through a real WSGI server, as in production: the file is read after the view returned (the database store
    needs the request kept open for that), and a Thai name cannot go into a Latin-1 header as it is."""
    import threading
    import urllib.request

    from werkzeug.serving import make_server

    from app.services import relief, relief_evidence, relief_input
    from tests.factories import user
    from tests.helpers import PDF, death_case

    app.config["FILE_STORAGE"] = backend
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        officer = user("south_officer")
        case = relief.create_case(officer, relief_input.parse_relief(death_case()))
        row = relief_evidence.add_evidence(officer, case.id, "police_report", "ใบรับแจ้งความ ฉบับที่ 1.pdf", PDF)
        token = app.test_client().post("/api/v1/auth/token", json={"username": "south_officer",
                                                                   "password": "test-pass-2569"}).json["token"]
        request = urllib.request.Request(
            f"http://127.0.0.1:{server.server_port}/api/v1/relief-cases/{case.id}/evidence/{row.id}",
            headers={"Authorization": f"Bearer {token}"})
        with urllib.request.urlopen(request, timeout=10) as response:
            assert response.read() == PDF
            disposition = response.headers["Content-Disposition"]
    finally:
        server.shutdown()
        app.config["FILE_STORAGE"] = "local"
    assert "filename*=UTF-8''%E0%B9%83%E0%B8%9A" in disposition  # ใบ…, percent-encoded
