"""What someone typed into the one search box (issue 21 point 6, "Search misses"): a case reference, a citizen ID
or a person's name, read the way people type them. Pure Python: services/search.py runs the queries.

- A reference is DC{BE year}-{number} (debt) or RC{BE year}-{number} (relief), as app/domain/references.py makes
  them; typed in any case, with or without the dash, with spaces, with Thai digits, with the number unpadded
  ("dc2569-5" is DC2569-000005).
- A citizen ID is its 13 digits, with or without the dashes printed on the card (1-1017-00230-70-8), with spaces
  or Thai digits. Fewer digits are the start of an ID, as the case list reads them (services/people.matching).
- Anything else is a name: the title is stored apart from the name (people.title), so a title typed before the
  name is dropped, whether written as its own word ("นาง รัตนา") or run into the first name ("นางรัตนา"). A run-in
  title is a guess, so the name as typed is looked up too (a few first names begin with the letters of a title).
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from app.domain.thai_text import ARABIC_DIGITS

MAX_LENGTH = 100  # what the case list reads of a search too (services/people.search_text)
CITIZEN_ID_DIGITS = 13

# app/domain/references.py: the prefix names the programme.
REFERENCE_PROGRAMMES = {"DC": "debt", "RC": "relief"}
_REFERENCE = re.compile(r"(DC|RC)(\d{4})(\d{1,9})")

# The titles written before a Thai name: those the forms and the guarantor lines take (domain/guarantors.py), the
# children's titles relief beneficiaries carry, ranks of acting officers written in one or two words, and the
# polite forms callers say on the phone ("คุณ").
TITLES = frozenset((
    "นาย", "นาง", "นางสาว", "น.ส.", "นส.", "เด็กชาย", "เด็กหญิง", "ด.ช.", "ด.ญ.", "คุณ",
    "ว่าที่ร้อยตรี", "ว่าที่ร้อยตรีหญิง", "ว่าที่ร.ต.", "ว่าที่ร.ต.หญิง", "ว่าที่", "ร้อยตรี", "ร้อยตรีหญิง",
    "ร.ต.", "ร.ต.หญิง", "ดร.", "ผศ.", "รศ.", "ศ.", "ผศ.ดร.", "รศ.ดร.", "ศ.ดร.",
))
_TITLES_LONGEST_FIRST = tuple(sorted(TITLES, key=len, reverse=True))

# Dashes people paste from letters and word processors, all read as "-".
_DASHES = dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe63\uff0d"), "-")
# Thai characters that never begin a word (vowels written after or above a consonant, tone marks): a title
# "run in" to what follows is only a title if the rest can be a name.
_NOT_WORD_START = frozenset(chr(c) for c in (*range(0x0E30, 0x0E3B), *range(0x0E45, 0x0E4F)))


@dataclass(frozen=True)
class SearchQuery:
    kind: str                       # "empty", "reference", "citizen_id" or "name"
    text: str                       # the text as searched (trimmed, single spaces, at most MAX_LENGTH)
    shortened: bool = False         # the typed text was longer than MAX_LENGTH
    reference: str = ""             # kind "reference": "DC2569-000005"
    programme: str = ""             # kind "reference": "debt" or "relief"
    citizen_id: str = ""            # kind "citizen_id": the digits (13 for a whole ID, fewer for its start)
    names: tuple[str, ...] = ()     # kind "name": the readings to look up, each "first" or "first last"

    @property
    def whole_citizen_id(self) -> bool:
        return self.kind == "citizen_id" and len(self.citizen_id) == CITIZEN_ID_DIGITS

    @property
    def exact(self) -> bool:
        """A reference or a whole citizen ID names one thing: one case found is opened straight away."""
        return self.kind == "reference" or self.whole_citizen_id

    @property
    def lookups(self) -> tuple[str, ...]:
        """The texts the case lists and the person registry search for (services/people.matching reads them)."""
        if self.kind == "citizen_id":
            return (self.citizen_id,)
        return self.names


def clean(raw: str | None) -> str:
    """Thai digits as Arabic ones, every dash as "-", invisible characters (zero-width spaces pasted with Thai
    text, control characters) dropped, white space single."""
    text = (raw or "").translate(ARABIC_DIGITS).translate(_DASHES)
    text = "".join(" " if ch.isspace() else ch for ch in text if ch.isspace() or unicodedata.category(ch)[0] != "C")
    return " ".join(text.split())


def parse(raw: str | None) -> SearchQuery:
    text = clean(raw)
    shortened = len(text) > MAX_LENGTH
    text = text[:MAX_LENGTH].strip()
    if not text:
        return SearchQuery("empty", "", shortened)
    compact = re.sub(r"[\s\-.]", "", text)
    reference = _REFERENCE.fullmatch(compact.upper())
    if reference:
        prefix, year, number = reference.groups()
        return SearchQuery("reference", text, shortened, reference=f"{prefix}{year}-{int(number):06d}",
                           programme=REFERENCE_PROGRAMMES[prefix])
    if compact.isascii() and compact.isdigit():
        return SearchQuery("citizen_id", text, shortened, citizen_id=compact)
    return SearchQuery("name", text, shortened, names=name_readings(text))


def name_readings(text: str) -> tuple[str, ...]:
    """The names `text` may mean, each one indexed lookup: title words dropped, then the first word without a
    title run into it, then (last, when it differs) the words as typed."""
    words = text.split(" ")
    while len(words) > 1 and words[0] in TITLES:
        words = words[1:]
    bare = _without_run_in_title(words[0])
    readings = ([" ".join([bare, *words[1:]])] if bare else []) + [" ".join(words)]
    return tuple(readings)


def _without_run_in_title(word: str) -> str | None:
    """The first name `word` is once a title run into it is taken off ("นางรัตนา" → "รัตนา"): the longest title
    that leaves something a name can begin with ("นางสาวิตรี" is นาง + สาวิตรี, since no Thai word begins with
    "ิ"); titles may stack ("ผศ.ดร.สมชาย" → "สมชาย"). None when no title begins the word."""
    for title in _TITLES_LONGEST_FIRST:
        rest = word[len(title):]
        if word.startswith(title) and rest and rest[0] not in _NOT_WORD_START:
            return _without_run_in_title(rest) or rest
    return None
