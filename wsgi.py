"""WSGI entry point: `gunicorn wsgi:app`. The configuration is chosen by KRUDESK_ENV."""
from app import create_app

app = create_app()
