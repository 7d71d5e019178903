"""The yardstick for the throughput benchmark: the smallest Flask app, served by gunicorn with the
reference's settings (calibration.HELLO_SETTINGS)."""
from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello():
    return "Hello, World!"
