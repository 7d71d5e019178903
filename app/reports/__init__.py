from app.reports.views import bp

__all__ = ["bp"]
