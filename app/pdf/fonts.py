"""Sarabun (SIL OFL 1.1, static/fonts/sarabun/) registered once for ReportLab, shaped with HarfBuzz.

Two things thai-documents.md measured are handled here:
- Tone marks and vowels stack correctly only with shaping: the fonts are TTFonts with `shapable` on, and every
  paragraph style sets `shaping=1`.
- Shaped text copies out badly: HarfBuzz picks positional glyphs that have no Unicode code point (a lowered tone
  mark "uni0E48.small", a short-tailed "yoYingthai.less"), and ReportLab maps them to private-use code points in
  the PDF's ToUnicode table, so ที่ pasted from the PDF came out as ที plus a private-use character. The
  ToUnicode table written here maps each such glyph back to the character it draws, named in the glyph name.
"""
from __future__ import annotations

import re
from pathlib import Path

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import SUBSETN, TTFont, makeToUnicodeCMap

FONT_DIR = Path(__file__).resolve().parents[2] / "static" / "fonts" / "sarabun"
REGULAR, BOLD = "Sarabun", "Sarabun-Bold"
_UNI_NAME = re.compile(r"^uni((?:[0-9A-F]{4})+)$")
NIKHAHIT = "\u0e4d"


class SearchableTTFont(TTFont):
    """A shapable TTFont whose ToUnicode map names real characters for HarfBuzz's unencoded glyphs."""

    def __init__(self, name: str, filename: str):
        super().__init__(name, filename)
        self.private_text: dict[int, str] = {}  # private-use code point → the text its glyph draws
        self._names_to_chars: dict[str, str] | None = None

    def hbFont(self, fontSize=10):  # noqa: N802 (ReportLab's name)
        font = super().hbFont(fontSize)
        assign = self.hbAddPrivate

        def add_private(name, gid, advance):
            code = assign(name, gid, advance)
            if code not in self.private_text:
                self.private_text[code] = self._text_of_glyph(font, name)
            return code

        self.hbAddPrivate = add_private
        return font

    def _text_of_glyph(self, hb_font, name: str) -> str:
        """"uni0E48.small" → U+0E48; "yoYingthai.less" → the character of glyph "yoYingthai" (ญ)."""
        if self._names_to_chars is None:
            self._names_to_chars = {}
            for gid, chars in self.face.glyphToChar.items():
                if chars and chars[0] < 0xE000:
                    self._names_to_chars[hb_font.glyph_to_string(gid)] = chr(chars[0])
        base = name.split(".")[0]
        if base in self._names_to_chars:
            return self._names_to_chars[base]
        match = _UNI_NAME.match(base)
        if not match:
            return ""
        text = "".join(chr(int(match.group(1)[i:i + 4], 16)) for i in range(0, len(match.group(1)), 4))
        # A nikhahit+tone ligature stands for "tone, then sara am" in the typed text (น้ำ = น ้ ำ); written as
        # tone + nikhahit, the copied text is the compatibility decomposition of what was typed (NFKC).
        if len(text) == 2 and text[0] == NIKHAHIT:
            text = text[1] + text[0]
        return text

    def addObjects(self, doc):  # noqa: N802 (ReportLab's name)
        state = self.state.get(doc)
        subsets = [list(s) for s in state.subsets] if state else []
        super().addObjects(doc)
        for n, subset in enumerate(subsets):
            base_name = b"".join((SUBSETN(n), b"+", self.face.name, self.face.subfontNameX)).decode("pdfdoc")
            stream = doc.idToObject.get("toUnicodeCMap:" + base_name)
            if stream is not None and any(code in self.private_text for code in subset):
                stream.content = _to_unicode_cmap(base_name, subset, self.private_text)


def _to_unicode_cmap(base_name: str, subset: list[int], private_text: dict[int, str]) -> str:
    text = makeToUnicodeCMap(base_name, subset)
    lines = text.split("\n")
    for i, code in enumerate(subset):
        if code in private_text and private_text[code]:
            target = "".join(f"{ord(ch):04X}" for ch in private_text[code])
            lines[lines.index(f"<{i:02X}> <{code:04X}>")] = f"<{i:02X}> <{target}>"
    return "\n".join(lines)


def register_fonts() -> None:
    """Idempotent: ReportLab keeps fonts in a process-wide registry."""
    if REGULAR in pdfmetrics.getRegisteredFontNames():
        return
    pdfmetrics.registerFont(SearchableTTFont(REGULAR, str(FONT_DIR / "Sarabun-Regular.ttf")))
    pdfmetrics.registerFont(SearchableTTFont(BOLD, str(FONT_DIR / "Sarabun-Bold.ttf")))
    addMapping(REGULAR, 0, 0, REGULAR)
    addMapping(REGULAR, 1, 0, BOLD)
    addMapping(REGULAR, 0, 1, REGULAR)
    addMapping(REGULAR, 1, 1, BOLD)
