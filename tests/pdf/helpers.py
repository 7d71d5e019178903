"""Reading generated PDFs back as a reader would, with libraries that install from PyPI everywhere (so these
tests never skip): PDFium — the engine Chrome opens PDFs with — for the text a reader copies out and for the
rendered page, pypdf for the fonts in the file, and zxing-cpp to scan the QR code off the rendered page."""
from __future__ import annotations

import unicodedata

import pypdfium2 as pdfium
import zxingcpp
from pypdf import PdfReader
from io import BytesIO


def pdf_text(content: bytes) -> str:
    """The text a reader copies out, normalised for comparison with `norm`: NFKC (ำ copies out as its
    compatibility decomposition ํา) and no whitespace, since a Thai line break is not a space."""
    return "".join(page_texts(content))


def page_texts(content: bytes) -> list[str]:
    """The same, page by page."""
    document = pdfium.PdfDocument(content)
    try:
        return [norm(page.get_textpage().get_text_range()) for page in document]
    finally:
        document.close()


def norm(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split())


def pdf_fonts(content: bytes) -> list[dict]:
    """Every font the pages use: its name, and whether the font program is in the file."""
    fonts = {}
    for page in PdfReader(BytesIO(content)).pages:
        for font in (page.get("/Resources", {}).get("/Font", {}) or {}).values():
            font = font.get_object()
            descriptor = font.get("/FontDescriptor")
            if descriptor is None and "/DescendantFonts" in font:
                descriptor = font["/DescendantFonts"][0].get_object().get("/FontDescriptor")
            descriptor = descriptor.get_object() if descriptor is not None else {}
            embedded = any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))
            fonts[str(font["/BaseFont"]).lstrip("/")] = embedded
    return [{"name": name, "embedded": embedded} for name, embedded in fonts.items()]


def page_count(content: bytes) -> int:
    return len(PdfReader(BytesIO(content)).pages)


def qr_codes(content: bytes, page: int = 1) -> list[str]:
    """The QR codes found on a page rendered at 150 dpi, as a phone would see it printed."""
    document = pdfium.PdfDocument(content)
    try:
        image = document[page - 1].render(scale=150 / 72).to_pil()
    finally:
        document.close()
    return [found.text for found in zxingcpp.read_barcodes(image) if found.format == zxingcpp.BarcodeFormat.QRCode]
