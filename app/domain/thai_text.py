"""Thai calendar and text helpers: pure functions, no Flask.

Buddhist Era year = Common Era year + 543 (the official calendar of Thai government documents).
"""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

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
ARABIC_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")


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


def format_be_month(value: date, style: str = "long", lang: str = "th") -> str:
    """มกราคม 2570 (long), ม.ค. 2570 (short); in English "Jan 2570 BE": a month of payroll (a deduction list)."""
    month = value.month - 1
    if lang == "en":
        return f"{ENGLISH_MONTHS_SHORT[month]} {be_year(value)} BE"
    names = THAI_MONTHS if style == "long" else THAI_MONTHS_SHORT
    return f"{names[month]} {be_year(value)}"


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


# ---- amounts in words ----------------------------------------------------------------------------
# Official text writes amounts in digits and in words: "1,234.50 บาท (หนึ่งพันสองร้อยสามสิบสี่บาทห้าสิบสตางค์)"
# (thai-documents.md). Decimal in, no float: the satang are exact.

_DIGIT_WORDS = ("ศูนย์", "หนึ่ง", "สอง", "สาม", "สี่", "ห้า", "หก", "เจ็ด", "แปด", "เก้า")
_PLACE_WORDS = ("", "สิบ", "ร้อย", "พัน", "หมื่น", "แสน")


def _below_million(number: int) -> str:
    """Words for 1..999,999; "" for 0. Units digit 1 after a higher digit is "เอ็ด" (สิบเอ็ด, ร้อยเอ็ด);
    tens digit 2 is "ยี่สิบ" and tens digit 1 is plain "สิบ"."""
    words = []
    digits = str(number)
    for position, char in enumerate(digits):
        digit, place = int(char), len(digits) - position - 1
        if digit == 0:
            continue
        if place == 0 and digit == 1 and len(digits) > 1:
            words.append("เอ็ด")
        elif place == 1 and digit == 1:
            words.append("สิบ")
        elif place == 1 and digit == 2:
            words.append("ยี่สิบ")
        else:
            words.append(_DIGIT_WORDS[digit] + _PLACE_WORDS[place])
    return "".join(words)


def integer_words(number: int) -> str:
    """Thai words for a whole number ≥ 0; millions repeat: 1,000,000,000,000 = หนึ่งล้านล้าน."""
    if number == 0:
        return _DIGIT_WORDS[0]
    millions, rest = divmod(number, 1_000_000)
    head = integer_words(millions) + "ล้าน" if millions else ""
    if millions and rest == 1:
        return head + "เอ็ด"  # 1,000,001 = หนึ่งล้านเอ็ด: a trailing one after a higher place
    return head + _below_million(rest)


def baht_text(amount) -> str:
    """1234.50 → หนึ่งพันสองร้อยสามสิบสี่บาทห้าสิบสตางค์; 100 → หนึ่งร้อยบาทถ้วน; 0.25 → ยี่สิบห้าสตางค์.
    `amount` is a Decimal (or anything Decimal accepts) already rounded to the satang."""

    value = Decimal(str(amount))
    if value < 0:
        return "ลบ" + baht_text(-value)
    satang_total = int(value * 100)
    if Decimal(satang_total) != value * 100:
        raise ValueError(f"{amount} is not rounded to the satang")
    baht, satang = divmod(satang_total, 100)
    if satang == 0:
        return integer_words(baht) + "บาทถ้วน"
    words = integer_words(baht) + "บาท" if baht else ""
    return words + _below_million(satang) + "สตางค์"


def amount_with_words(amount) -> str:
    """The official form: digits with separators, then the words in brackets."""
    value = Decimal(str(amount))
    return f"{value:,.2f} บาท ({baht_text(value)})"


# ---- the government fiscal year ------------------------------------------------------------------
# Thai government fiscal year N (BE) runs from 1 October of BE year N-1 to 30 September of BE year N
# (Budget Procedure Act B.E. 2561, section 4): fiscal 2570 = 1 Oct 2026 – 30 Sep 2027.

def fiscal_year_of(day: date) -> int:
    return be_year(day) + (1 if day.month >= 10 else 0)


def fiscal_year_bounds(fiscal_year_be: int) -> tuple[date, date]:
    """[start, end) in the Common Era."""
    end_year = fiscal_year_be - BE_OFFSET
    return date(end_year - 1, 10, 1), date(end_year, 10, 1)


# ---- dates people type (dd/mm/BBBB) --------------------------------------------------------------------------
# Thai offices write dates day first with the Buddhist year (25/11/2569). A form shows and takes that; ISO
# (2026-11-25, a link or an API client) is accepted too. A four-digit year below BE_INPUT_MIN is taken as Common Era.
BE_INPUT_MIN = 2400
_TYPED_DATE = re.compile(r"^\s*(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4})\s*$")
_TYPED_MONTH = re.compile(r"^\s*(\d{1,2})\s*[/.\-]\s*(\d{4})\s*$")
_ISO_MONTH = re.compile(r"^\s*(\d{4})-(\d{1,2})\s*$")


def _common_era(year: int) -> int:
    return year - BE_OFFSET if year >= BE_INPUT_MIN else year


def parse_typed_date(text: str) -> date:
    """"25/11/2569" (or 25.11.2569, 25-11-2569, 2026-11-25) → date(2026, 11, 25); ValueError when it is no date."""
    text = (text or "").translate(ARABIC_DIGITS)
    found = _TYPED_DATE.match(text)
    if found:
        day, month, year = (int(part) for part in found.groups())
        return date(_common_era(year), month, day)
    return date.fromisoformat(text.strip())


def parse_typed_month(text: str) -> tuple[int, int]:
    """"11/2569" (or 2026-11) → (2026, 11); ValueError when it is no month."""
    text = (text or "").translate(ARABIC_DIGITS)
    found = _TYPED_MONTH.match(text)
    if found:
        month, year = int(found.group(1)), _common_era(int(found.group(2)))
    elif (found := _ISO_MONTH.match(text)):
        year, month = int(found.group(1)), int(found.group(2))
    else:
        raise ValueError(f"not a month: {text!r}")
    if not 1 <= month <= 12:
        raise ValueError(f"not a month: {text!r}")
    return year, month


def typed_date_text(value: date | None) -> str:
    """A date as a form shows it: 25/11/2569."""
    return f"{value.day:02d}/{value.month:02d}/{be_year(value)}" if value else ""


def typed_month_text(year: int, month: int) -> str:
    return f"{month:02d}/{year + BE_OFFSET}"
