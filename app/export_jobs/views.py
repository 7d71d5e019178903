"""A list page's ?format=csv|xlsx: the file at once when the list is small, else a job of the job engine whose page
shows its progress and then the file, for the user who asked and nobody else (app/services/list_exports.py)."""
from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from app.exports import FORMATS, MIMETYPES, table_response
from app.i18n import current_language
from app.services import list_exports
from app.storage import StorageError, storage
from app.web import file_response, paginate

bp = Blueprint("export_jobs", __name__)


def list_download(name: str, filters: dict, fmt: str | None = None):
    """The download of list `name` (app/services/list_exports.py) under `filters`, for the signed-in user: the
    file itself up to EXPORT_INLINE_ROWS rows, else a redirect to the job that makes it; 404 for another format."""
    fmt = request.args.get("format", "") if fmt is None else fmt
    if fmt not in FORMATS:
        abort(404)
    export = list_exports.build(name, current_user._get_current_object(), filters)
    if list_exports.is_large(export):
        job = list_exports.submit(export, fmt, current_language())
        return redirect(url_for("export_jobs.job", job_id=job.id))
    headers, rows = list_exports.table(export)
    return table_response(name, headers, rows, fmt)


@bp.route("/")
@login_required
def mine():
    return render_template("exports/mine.html", page=paginate(list_exports.jobs_of(current_user)),
                           lists=list_exports.LISTS, statuses=list_exports.STATUS_LABELS_OF_JOBS,
                           formats=list_exports.FORMAT_LABELS)


@bp.route("/<int:job_id>")
@login_required
def job(job_id: int):
    row = list_exports.get_job(current_user, job_id)
    return render_template("exports/job.html", job=row, entry=list_exports.LISTS.get(row.params.get("list")),
                           statuses=list_exports.STATUS_LABELS_OF_JOBS, formats=list_exports.FORMAT_LABELS,
                           waiting=list_exports.waiting_for_a_worker(row))


@bp.route("/<int:job_id>/download")
@login_required
def download(job_id: int):
    key, name = list_exports.ready_file(current_user, job_id)
    try:
        chunks = storage().chunks(key)
    except StorageError:
        abort(404)
    return file_response(chunks, MIMETYPES[name.rsplit(".", 1)[-1]], name)
