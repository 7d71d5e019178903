"""HarfBuzz shaping of a Paragraph's words, remembered per process (issue 22 point 4: where a letter's time goes).

ReportLab shapes every word of every shaped Paragraph again (`reportlab.pdfbase.ttfonts.shapeFragWord`: a new
HarfBuzz font object, a buffer, and a loop over the glyphs in Python), although a batch of letters repeats the same
few thousand words: the same greetings, labels, amounts and names across a thousand pages. A 150-letter profile
spent 1.8 s in 31,977 calls of it.

What a word shapes to depends only on its text, font and size, so the common word (one run of text in one font,
no inline image or link) is shaped once and its result reused:
- the result keeps ReportLab's own types (ShapedStr with its `__shapeData__`, the ShapedFragWord subclass of the
  word's class), rebuilt around the caller's own fragment, so colour, underline or link of that fragment are kept;
- a word that shaping leaves unchanged is remembered as such and returned as it came;
- ReportLab only reads a ShapedStr's shape data (it is immutable text; slicing and adding build new lists);
- the private code points HarfBuzz's unencoded glyphs get (fonts.SearchableTTFont) are assigned per font, for the
  process, on the first shaping: a remembered word's code points stay valid.
Anything else (several fragments, special fragments, explicit features) goes to ReportLab unchanged.
tests/pdf/test_layout_memos.py checks that letters are byte-identical with and without it.
"""
from __future__ import annotations

from reportlab.pdfbase import ttfonts
from reportlab.platypus import paragraph

LIMIT = 100_000  # words remembered before the memo starts again (a letter batch holds a few thousand)

_shape = ttfonts.shapeFragWord  # ReportLab's own
_UNCHANGED = object()
_memo: dict[tuple, object] = {}


def shape_frag_word(word, *args, **kwargs):
    if args or kwargs or isinstance(word, ttfonts.ShapedFragWord) or len(word) != 2:
        return _shape(word, *args, **kwargs)
    frag, text = word[1]
    if type(text) is not str or hasattr(frag, "cbDefn"):
        return _shape(word)
    key = (word.__class__, text, frag.fontName, frag.fontSize)
    known = _memo.get(key)
    if known is _UNCHANGED:
        return word
    if known is not None:
        shaped_class, width, shaped_text = known
        return shaped_class([width, (frag, shaped_text)])
    shaped = _shape(word)
    if shaped is word:
        _remember(key, _UNCHANGED)
    elif len(shaped) == 2 and shaped[1][0] is frag:
        _remember(key, (shaped.__class__, shaped[0], shaped[1][1]))
    return shaped


def _remember(key: tuple, value) -> None:
    if len(_memo) >= LIMIT:
        _memo.clear()
    _memo[key] = value


def install() -> None:
    """Idempotent. Paragraph imported ReportLab's function by name: the name is replaced there."""
    paragraph.shapeFragWord = shape_frag_word


def uninstall() -> None:
    """ReportLab's own function back, the memo emptied (the byte-identity test renders both ways)."""
    paragraph.shapeFragWord = _shape
    forget()


def forget() -> None:
    _memo.clear()
