from app.main import search_views  # noqa: F401  (GET /search registers on the main blueprint)
