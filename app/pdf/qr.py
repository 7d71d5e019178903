"""The verification QR code, drawn as one filled path.

ReportLab's QrCodeWidget builds a shape object per dark module and tries all eight mask patterns, which cost
~30 ms a page, most of a letter's budget. Here the code is encoded once per letter with a fixed mask (any of
the eight is valid under ISO/IEC 18004; the search only evens out the pattern) and drawn as a single path.
Decoding is checked in tests by scanning the rendered page (zxing-cpp).
"""
from __future__ import annotations

from functools import lru_cache

from reportlab.graphics.barcode.qrencoder import QRCode, QRErrorCorrectLevel

QUIET_ZONE = 2  # modules of white around the code; the page margin adds the rest


@lru_cache(maxsize=256)
def modules(text: str) -> tuple[tuple[bool, ...], ...]:
    code = QRCode(None, QRErrorCorrectLevel.M)
    code.addData(text)
    code.version = code.calculate_version()
    code.makeImpl(False, 0)
    return tuple(tuple(bool(cell) for cell in row) for row in code.modules)


def _dark_runs(row: tuple[bool, ...]) -> list[tuple[int, int]]:
    runs, start = [], None
    for c, dark in enumerate(row + (False,)):
        if dark and start is None:
            start = c
        elif not dark and start is not None:
            runs.append((start, c - start))
            start = None
    return runs


def draw(canvas, text: str, x: float, y: float, size: float) -> None:
    grid = modules(text)
    count = len(grid) + 2 * QUIET_ZONE
    unit = size / count
    path = canvas.beginPath()
    top = y + size - QUIET_ZONE * unit
    for r, row in enumerate(grid):
        for start, length in _dark_runs(row):  # one rectangle per run of dark modules: about half as many
            path.rect(x + (start + QUIET_ZONE) * unit, top - (r + 1) * unit, length * unit, unit)
    canvas.saveState()
    canvas.setFillColorRGB(0, 0, 0)
    canvas.drawPath(path, stroke=0, fill=1)
    canvas.restoreState()
