"""Thai line breaking for ReportLab (thai-documents.md, "Line breaking").

Thai writes no spaces between words, and ReportLab breaks only at spaces, so it cuts words ("ออมทรั|พย์").
Here a paragraph is segmented into words with PyThaiNLP's dictionary tokenizer (newmm), lines are filled
greedily against the width the frame really gives, an over-long word is cut between Thai character clusters
(tcc), and the lines are joined with <br/> so ReportLab keeps them as they are.

People's names (issue 18): no dictionary knows "นูรฮายาตี" or "สาและ", so newmm cuts them anywhere
("นูรฮายา|ตี", "สา|และ", "นาง|รัตนา"). A letter names the people it prints (LetterContent.names); wherever such a
name occurs, "title + first name" is one unbreakable unit and the last name another, and a line breaks only
between the two (or outside the name). A unit wider than a whole line is still cut between character clusters,
as the last resort. Brackets stay with the text they touch: no line starts with ")" or ends with "(".
Both are layout 2 (app/pdf/content.py): a letter of layout 1 passes no names and its last-resort cut is the plain
cluster cut it printed with.

The dictionary (62k words, ~0.5 s, ~70 MB) is loaded once per process by `warm_up()` at start-up.
"""
from __future__ import annotations

import re
from functools import lru_cache
from xml.sax.saxutils import escape

from reportlab.pdfbase.pdfmetrics import stringWidth

from app.pdf.content import LATEST_LAYOUT, LAYOUT_2


# ReportLab may measure a shaped line a hair wider than the sum of its words; keep this much in hand so it
# never re-breaks one of our lines at a space.
WIDTH_SLACK = 0.995


def warm_up() -> None:
    """Load the word dictionary now rather than in the first request that prints."""
    split_words("สหกรณ์ออมทรัพย์ครู")


@lru_cache(maxsize=4096)
def split_words(text: str) -> tuple[str, ...]:
    from pythainlp.tokenize import word_tokenize

    return tuple(_glue(_keep_abbreviations(text, word_tokenize(text, engine="newmm", keep_whitespace=True))))


# Thai abbreviations end each part with a full stop: โทร. พ.ศ. ศอ.บต. ช.พ.ค. — never broken inside.
ABBREVIATION = re.compile(r"(?:[\u0e01-\u0e4e]{1,5}\.)+")


def _keep_abbreviations(text: str, tokens: list[str]) -> list[str]:
    inside = set()
    for match in ABBREVIATION.finditer(text):
        inside.update(range(match.start() + 1, match.end()))  # boundaries that would cut the abbreviation
    out: list[str] = []
    position = 0
    for token in tokens:
        if out and position in inside:
            out[-1] += token
        else:
            out.append(token)
        position += len(token)
    return out


OPENING = "(“‘[\"'"
CLOSING = ")”’],.:;!?ๆฯ%"


def _is_thai(char: str) -> bool:
    return "\u0e00" <= char <= "\u0e7f"


def _glue_digit_groups(tokens: list[str]) -> list[str]:
    """A telephone number written in groups ("0 5311 2333") stays on one line."""
    out: list[str] = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token == " " and out and out[-1][-1:].isdigit() and tokens[i + 1:i + 2] and tokens[i + 1][:1].isdigit():
            out[-1] += token + tokens[i + 1]
            i += 2
            continue
        out.append(token)
        i += 1
    return out


def _glue(tokens: list[str]) -> list[str]:
    """Tokens a line may not break between: a run of non-Thai text ("3-5099-xxxxx-11-7", "1,234.50"),
    an opening bracket and what follows it, and closing punctuation and what precedes it."""
    tokens = _glue_digit_groups(tokens)
    out: list[str] = []
    for token in tokens:
        if out and not token.isspace() and not out[-1].isspace() and (
                (not _is_thai(out[-1][-1]) and not _is_thai(token[0])) or out[-1][-1] in OPENING
                or token[0] in CLOSING):
            out[-1] += token
        else:
            out.append(token)
    return out


@lru_cache(maxsize=65536)
def text_width(token: str, font: str, size: float) -> float:
    return stringWidth(token, font, size)


def _clusters(word: str) -> list[str]:
    from pythainlp.tokenize import subword_tokenize

    return subword_tokenize(word, engine="tcc")


def name_units(name: str) -> tuple[str, ...]:
    """The unbreakable units of a person's name: "title + first name" and the last name.
    "นางนูรฮายาตี สาและ" → ("นางนูรฮายาตี", "สาและ"); a last name with the royal-lineage particle stays whole:
    "นายสมชาย ณ อยุธยา" → ("นายสมชาย", "ณ อยุธยา"); a title written apart stays with the first name:
    "ว่าที่ร้อยตรี สมชาย ใจดี" → ("ว่าที่ร้อยตรี สมชาย", "ใจดี")."""
    words = name.split()
    if len(words) < 2:
        return tuple(words)
    last = 1
    if len(words) > 2 and words[-2] == "ณ":
        last = 2
    return (" ".join(words[:-last]), " ".join(words[-last:]))


@lru_cache(maxsize=4096)
def _tokens(text: str, names: tuple[str, ...]) -> tuple[str, ...]:
    """The tokens of a paragraph: dictionary words, with every occurrence of a name as its units."""
    if not names:
        return split_words(text)
    spans = _name_spans(text, names)
    if not spans:
        return split_words(text)
    tokens: list[str] = []
    position = 0
    for start, end in spans:
        if start > position:
            tokens += split_words(text[position:start])
        units = name_units(text[start:end])
        for i, unit in enumerate(units):
            if i:
                tokens.append(" ")
            tokens.append(unit)
        position = end
    if position < len(text):
        tokens += split_words(text[position:])
    return tuple(_glue(tokens))


def _name_spans(text: str, names: tuple[str, ...]) -> list[tuple[int, int]]:
    """Where the names occur, longest name first, never overlapping."""
    taken: list[tuple[int, int]] = []
    for name in sorted({" ".join(n.split()) for n in names if n and n.strip()}, key=len, reverse=True):
        start = text.find(name)
        while start >= 0:
            end = start + len(name)
            if not any(start < b and a < end for a, b in taken):
                taken.append((start, end))
            start = text.find(name, end)
    return sorted(taken)


def _cut_pieces(token: str) -> list[str]:
    """Character clusters of an over-long token, a bracket or closing mark joined to the cluster it touches (a cut
    never leaves ")" alone at the start of a line, nor "(" at the end of one)."""
    pieces: list[str] = []
    for piece in _clusters(token):
        if pieces and (piece[0] in CLOSING or pieces[-1][-1] in OPENING):
            pieces[-1] += piece
        else:
            pieces.append(piece)
    return pieces


def wrap_lines(text: str, font: str, size: float, width: float, first_indent: float = 0.0,
               names: tuple[str, ...] = (), layout: int = LATEST_LAYOUT) -> list[str]:
    """Lines of `text` no wider than `width` (the first `first_indent` narrower). Whitespace runs become one
    space; spaces at a break are dropped. `names` are people's names: never broken inside their units. Layout 1
    cuts an over-long word at bare clusters, brackets and all (as letters issued before printed)."""
    limit = width * WIDTH_SLACK
    lines: list[str] = []
    current, used = "", 0.0
    available = limit - first_indent
    tokens = list(_tokens(" ".join(text.split()), tuple(names)))
    while tokens:
        token = tokens.pop(0)
        if token.isspace():
            if current:
                current, used = current + " ", used + text_width(" ", font, size)
            continue
        token_width = text_width(token, font, size)
        if used + token_width <= available:
            current, used = current + token, used + token_width
            continue
        if current.strip():
            lines.append(current.rstrip())
            current, used, available = "", 0.0, limit
            tokens.insert(0, token)
            continue
        # A word wider than a whole line: cut it between character clusters (the last resort, names included).
        pieces = _cut_pieces(token) if layout >= LAYOUT_2 else _clusters(token)
        head = ""
        while pieces and text_width(head + pieces[0], font, size) <= available:
            head += pieces.pop(0)
        if not head:  # not even one cluster fits: put it alone rather than loop
            head = pieces.pop(0)
        lines.append(head)
        current, used, available = "", 0.0, limit
        if pieces:
            tokens.insert(0, "".join(pieces))
    if current.strip():
        lines.append(current.rstrip())
    return lines


def paragraph_markup(text: str, font: str, size: float, width: float, first_indent: float = 0.0,
                     names: tuple[str, ...] = (), layout: int = LATEST_LAYOUT) -> str:
    """ReportLab paragraph markup: escaped lines joined by <br/>. Remembered per process (issue 22 point 4): a batch
    repeats its fixed sentences in every letter, and a letter's names matter only to the paragraphs they occur in
    (wrap_lines keeps only the units of a name it finds), so a sentence naming nobody is wrapped once for all."""
    spaced = " ".join(text.split())
    found = tuple(n for n in names if n and n.strip() and " ".join(n.split()) in spaced)
    return _markup(text, font, size, width, first_indent, found, layout)


@lru_cache(maxsize=16384)
def _markup(text: str, font: str, size: float, width: float, first_indent: float, names: tuple[str, ...],
            layout: int) -> str:
    return "<br/>".join(escape(line) for line in wrap_lines(text, font, size, width, first_indent, names, layout))
