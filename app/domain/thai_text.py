"""Thai calendar and text helpers: pure functions, no Flask.

Buddhist Era year = Common Era year + 543 (the official calendar of Thai government documents).
"""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

BE_OFFSET = 543
BANGKOK = timezone(timedelta(hours=7), "Asia/Bangkok")  # Thailand keeps no daylight saving time

THAI_MONTHS = (
    "มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน",
    "กรกฎาคม", "สิงหาคม", "กันยายน", "ตุลาคม", "พฤศจิกายน", "ธันวาคม",
)
THAI_MONTHS_SHORT = (
    "ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.",
    "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค.",
)
ENGLISH_MONTHS_SHORT = (
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
)
THAI_DIGITS = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")


def be_year(value: date) -> int:
    return value.year + BE_OFFSET


def to_bangkok(moment: datetime) -> datetime:
    """Stored timestamps are naive UTC; people read Bangkok time."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(BANGKOK)


def format_be_date(value: date | datetime | None, style: str = "long", lang: str = "th") -> str:
    """25 พฤศจิกายน 2569 (long), 25 พ.ย. 2569 (short); in English "25 Nov 2569 BE"."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = to_bangkok(value)
    month = value.month - 1
    if lang == "en":
        return f"{value.day} {ENGLISH_MONTHS_SHORT[month]} {be_year(value)} BE"
    names = THAI_MONTHS if style == "long" else THAI_MONTHS_SHORT
    return f"{value.day} {names[month]} {be_year(value)}"


def format_be_datetime(value: datetime | None, lang: str = "th") -> str:
    """25 พ.ย. 2569 16:33 น. — Bangkok time."""
    if value is None:
        return ""
    local = to_bangkok(value)
    clock = local.strftime("%H:%M")
    if lang == "en":
        return f"{format_be_date(local, lang='en')} {clock}"
    return f"{format_be_date(local, style='short')} {clock} น."


def thai_digits(text: str) -> str:
    return text.translate(THAI_DIGITS)
