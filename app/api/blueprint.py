"""The API's blueprint, in a module of its own so that the route modules and the package import it without a
cycle (the package imports the route modules to register them)."""
from flask import Blueprint

from app.rate_limits import api_limit

bp = Blueprint("api", __name__)
api_limit(bp)  # per bearer token, every API route together (docs/security.md, Rate limits)
