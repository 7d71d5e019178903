"""The checks every uploaded document passes, whatever it is attached to (relief evidence, debt case attachments):
PDF, JPEG or PNG by its content — never by its name, which the uploader's computer chose — no larger than the
`relief.evidence_max_mb` setting (issue 5), and a file name cleaned like any typed text."""
from __future__ import annotations

from pathlib import Path

from app.i18n import gettext as _
from app.services import settings
from app.services.debt_input import clean_text

FILE_SIGNATURES = {  # checked by content, not by name
    b"%PDF-": "application/pdf",
    b"\xff\xd8\xff": "image/jpeg",
    b"\x89PNG\r\n\x1a\n": "image/png",
}
MAX_MB_SETTING = "relief.evidence_max_mb"  # one limit for every uploaded document (admin/settings)


def content_type_of(content: bytes) -> str | None:
    """The type the content's first bytes show, or None for anything but PDF, JPEG and PNG."""
    return next((kind for signature, kind in FILE_SIGNATURES.items() if content.startswith(signature)), None)


def file_problem(content: bytes) -> str | None:
    """What is wrong with an uploaded document, said for its form field, or None: nothing chosen, too large, not a
    PDF, JPEG or PNG."""
    max_mb = settings.value(MAX_MB_SETTING)
    if not content:
        return _("Choose a file.")
    if len(content) > int(max_mb) * 1024 * 1024:
        return _("The file is larger than %(mb)s MB.", mb=max_mb)
    if content_type_of(content) is None:
        return _("Upload a PDF, JPEG or PNG file (checked by its content, not its name).")
    return None


def clean_filename(filename: str | None) -> str:
    """The name as the uploader's computer gave it, cleaned like any typed text (a NUL in it once made the file
    impossible to download: Content-Disposition cannot carry one), without folders."""
    return clean_text(Path(filename or "").name)[:200] or "file"
