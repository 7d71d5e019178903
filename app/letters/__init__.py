from app.letters.views import bp

__all__ = ["bp"]
