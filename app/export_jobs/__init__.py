"""The pages of large list exports (issue 16): a list page's download, the export's progress, its file, and the
user's own exports. The lists themselves are declared in app/services/list_exports.py."""
from app.export_jobs.views import bp, list_download

__all__ = ["bp", "list_download"]
