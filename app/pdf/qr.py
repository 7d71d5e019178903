"""The verification QR code, drawn as one filled path.

ReportLab's QrCodeWidget builds a shape object per dark module and tries all eight mask patterns, which cost
~30 ms a page, most of a letter's budget. Here the code is encoded once per letter with a fixed mask (any of
the eight is valid under ISO/IEC 18004; the search only evens out the pattern) and drawn as a single path.
Decoding is checked in tests by scanning the rendered page (zxing-cpp).

ReportLab's encoder spent ~1.3 ms a letter (issue 22 point 4), most of it in Reed–Solomon arithmetic written for
clarity: the generator polynomial rebuilt (one multiplication a codeword) for every block of every code, though it
depends only on the number of error-correction codewords; and the division done one recursion and three lists a
codeword. Both are replaced here by the same arithmetic over GF(256), done once and in place
(`speed_up_reportlab`); the codes are module for module ReportLab's own (tests/pdf/test_qr_encoder.py).
"""
from __future__ import annotations

from contextlib import contextmanager
from functools import lru_cache
from itertools import zip_longest

from reportlab.graphics.barcode import qrencoder
from reportlab.graphics.barcode.qrencoder import QRCode, QRErrorCorrectLevel, QRUtil
from reportlab.pdfgen.pathobject import PDFPathObject

QUIET_ZONE = 2  # modules of white around the code; the page margin adds the rest


_EXP, _LOG = qrencoder.EXP_TABLE, qrencoder.LOG_TABLE
_REPORTLAB = (qrencoder.QRUtil.getErrorCorrectPolynomial, qrencoder.QRPolynomial.mod, QRCode.mapData)


def _remainder(self, divisor):
    """QRPolynomial.mod: the remainder of self ÷ divisor over GF(256), by long division in one list. Each step
    cancels the leading coefficient (leading zeros skipped, as ReportLab's constructor strips them)."""
    num = list(self.num)
    logs = [_LOG[c] for c in divisor.num]
    size, start = len(logs), 0
    while len(num) - start >= size:
        lead = num[start]
        if lead:
            ratio = _LOG[lead] - logs[0]
            for i, log in enumerate(logs):
                num[start + i] ^= _EXP[(log + ratio) % 255]
        start += 1
    return qrencoder.QRPolynomial(num[start:], 0)


@lru_cache(maxsize=None)
def _data_layout(version: int, mask_pattern: int) -> tuple[tuple[tuple[int, int], ...], tuple[bool, ...]]:
    """Where a version's data bits go, in ReportLab's order, and the mask's value at each: both depend on the version
    and mask only, where QRCode.mapData works them out again for every code (~1 ms a letter)."""
    code = QRCode(version, QRErrorCorrectLevel.M)
    code.moduleCount = version * 4 + 17
    positions = tuple(code._dataPosIterator())
    mask = QRUtil.getMask(mask_pattern)
    return positions, tuple(bool(mask(row, col)) for col, row in positions)


def _map_data(self, data, mask_pattern):
    """QRCode.mapData from the cached layout: each data bit (False past the end, as ReportLab pads) XOR the mask."""
    positions, masks = _data_layout(self.version, mask_pattern)
    modules = self.modules
    for ((col, row), masked), dark in zip_longest(zip(positions, masks), self.dataBitIterator(data), fillvalue=False):
        modules[row][col] = dark ^ masked


def speed_up_reportlab() -> None:
    qrencoder.QRUtil.getErrorCorrectPolynomial = staticmethod(lru_cache(maxsize=None)(_REPORTLAB[0]))
    qrencoder.QRPolynomial.mod = _remainder
    QRCode.mapData = _map_data


@contextmanager
def reportlab_encoder():
    """ReportLab's own arithmetic for a while (the test's reference)."""
    qrencoder.QRUtil.getErrorCorrectPolynomial = staticmethod(_REPORTLAB[0])
    qrencoder.QRPolynomial.mod = _REPORTLAB[1]
    QRCode.mapData = _REPORTLAB[2]
    try:
        yield
    finally:
        speed_up_reportlab()


speed_up_reportlab()


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


@lru_cache(maxsize=16)
def _path_code(text: str, x: float, y: float, size: float) -> str:
    """The code's path operators: the same for every page of a letter (its QR code is on each), worked out once."""
    grid = modules(text)
    count = len(grid) + 2 * QUIET_ZONE
    unit = size / count
    path = PDFPathObject()
    top = y + size - QUIET_ZONE * unit
    for r, row in enumerate(grid):
        for start, length in _dark_runs(row):  # one rectangle per run of dark modules: about half as many
            path.rect(x + (start + QUIET_ZONE) * unit, top - (r + 1) * unit, length * unit, unit)
    return path.getCode()


class _DrawnPath(PDFPathObject):
    def __init__(self, code: str):
        super().__init__()
        self._drawn = code

    def getCode(self) -> str:
        return self._drawn


def draw(canvas, text: str, x: float, y: float, size: float) -> None:
    canvas.saveState()
    canvas.setFillColorRGB(0, 0, 0)
    canvas.drawPath(_DrawnPath(_path_code(text, x, y, size)), stroke=0, fill=1)
    canvas.restoreState()
