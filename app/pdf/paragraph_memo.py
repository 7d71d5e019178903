"""Paragraphs whose markup parse and line breaks are remembered per process (issue 22 point 4).

A batch of letters lays out the same paragraphs again and again: the letterhead, the greeting, the body's fixed
sentences, table headings and labels. ReportLab parses each Paragraph's markup and breaks its lines anew every
time (a quarter of a letter's layout time in the profile of a 300-letter batch). What both produce depends only on
the markup, the style and, for the line breaks, the width, so `RememberedParagraph` keeps them:
- the parse (the fragments and the style the parser returns) by (markup, style);
- the first wrap of a paragraph (lines, fragment words, height, widest line) by (markup, style, width). Only the
  first: a later wrap at another width starts from the fragment words the first one left, as ReportLab's own does,
  and so goes to ReportLab.
- what drawing a paragraph so laid out writes to the page (its PDF operators), per document: a Flowable draws in
  its own coordinates (drawOn translates first) inside save/restore, so the same paragraph at the same width writes
  the same operators wherever it stands, once its glyphs have their places in the document's font subsets — which
  the first drawing gave them, for that document. Kept on the canvas, so a document never replays another's.
ReportLab only reads what is kept here once it is built: a split builds new paragraphs from slices of it (their
own text None: never remembered), and the one in-place change it makes (a hyphenated word's class) needs
hyphenation, which letters do not use. tests/pdf/test_layout_memos.py checks that letters are byte-identical with
and without it.
"""
from __future__ import annotations

from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Paragraph
from reportlab.platypus.paragraph import _FUZZ

LIMIT = 20_000  # entries of each memo before it starts again

# What of a style the parse and the line breaks read: a style is known by these (the letter frame's styles differ
# in them; two styles equal in all of them lay out alike)
_STYLE_FIELDS = ("name", "fontName", "fontSize", "leading", "firstLineIndent", "leftIndent", "rightIndent",
                 "alignment", "wordWrap", "shaping", "textColor", "autoLeading", "endDots", "splitLongWords",
                 "hyphenationLang", "embeddedHyphenation", "uriWasteReduce", "textTransform", "allowWidows",
                 "allowOrphans", "justifyLastLine", "justifyBreaks", "spaceShrinkage", "bulletText",
                 "backColor", "borderWidth", "borderColor", "borderPadding", "borderRadius")
_parsed: dict[tuple, tuple] = {}
_wrapped: dict[tuple, tuple] = {}
enabled = True  # the byte-identity test renders with it off


def style_key(style: ParagraphStyle) -> tuple:
    return tuple([getattr(style, name, None) for name in _STYLE_FIELDS])


class RememberedParagraph(Paragraph):
    def __init__(self, text, style=None, bulletText=None, frags=None, **kwargs):  # noqa: N803 (ReportLab's names)
        self._memo_key = None
        self._drawn_key = None  # (markup, style, width) while the lines are that first wrap's
        if not enabled or text is None or frags is not None or bulletText is not None or kwargs or style is None:
            super().__init__(text, style, bulletText=bulletText, frags=frags, **kwargs)
            return
        key = (text, style_key(style))
        known = _parsed.get(key)
        if known is None:
            super().__init__(text, style)
            _remember(_parsed, key, (self.style, self.frags, self.bulletText))
        else:
            parsed_style, parsed_frags, bullet = known
            super().__init__(text, parsed_style, bulletText=bullet, frags=parsed_frags)
        self._memo_key = key
        self._first_frags = self.frags

    def wrap(self, availWidth, availHeight):  # noqa: N803 (ReportLab's names)
        if (self._drawn_key is not None and self._drawn_key[1] == availWidth and self.frags is self._own_wrap[0]
                and getattr(self, "blPara", None) is self._own_wrap[1]):
            return self.width, self.height  # wrapped at this width already (a table wraps its cells twice)
        self._drawn_key = None
        if self._memo_key is None or self.frags is not self._first_frags or availWidth < _FUZZ:
            return super().wrap(availWidth, availHeight)
        key = (self._memo_key, availWidth)
        known = _wrapped.get(key)
        if known is None:
            result = super().wrap(availWidth, availHeight)
            _remember(_wrapped, key, (self._wrapWidths, self.blPara, self.frags, self.height, self._width_max,
                                      self._splitLongWordCount, self._hyphenations))
            self._drawn_key, self._own_wrap = key, (self.frags, self.blPara)
            return result
        self.width = availWidth
        (self._wrapWidths, self.blPara, self.frags, self.height, self._width_max, self._splitLongWordCount,
         self._hyphenations) = known
        self._wrapWidths = list(self._wrapWidths)
        self._drawn_key, self._own_wrap = key, (self.frags, self.blPara)
        return self.width, self.height

    def draw(self):
        key = self._drawn_key
        if key is None or self.debug or getattr(self, "_offsets", None) is not None:
            return super().draw()
        code = self.canv._code
        drawn = self.canv.__dict__.setdefault("_remembered_draws", {})  # this document's, on its canvas
        known = drawn.get(key)
        if known is not None:
            code.extend(known)
            return None
        start = len(code)
        super().draw()
        drawn[key] = tuple(code[start:])
        return None


def _remember(memo: dict, key: tuple, value: tuple) -> None:
    if len(memo) >= LIMIT:
        memo.clear()
    memo[key] = value


def forget() -> None:
    _parsed.clear()
    _wrapped.clear()
