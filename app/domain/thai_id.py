"""Thai 13-digit citizen IDs (domain.md, "People and organisations")."""
from __future__ import annotations


def normalise_citizen_id(text: str) -> str:
    return "".join(ch for ch in (text or "") if ch not in " -\t")


def is_valid_citizen_id(text: str) -> bool:
    """Checksum: s = Σ d_i·(14−i) for i = 1..12; check digit = (11 − s mod 11) mod 10."""
    digits = normalise_citizen_id(text)
    if len(digits) != 13 or not digits.isascii() or not digits.isdigit():
        return False
    total = sum(int(d) * (13 - i) for i, d in enumerate(digits[:12]))
    return (11 - total % 11) % 10 == int(digits[12])


def format_citizen_id(text: str) -> str:
    """1101700230708 → 1-1017-00230-70-8 (the grouping printed on the ID card)."""
    d = normalise_citizen_id(text)
    if len(d) != 13:
        return text
    return f"{d[0]}-{d[1:5]}-{d[5:10]}-{d[10:12]}-{d[12]}"


def mask_citizen_id(text: str) -> str:
    """1101700230708 → 1-1017-xxxxx-70-8: lists show only enough to tell people apart (PDPA)."""
    d = normalise_citizen_id(text)
    if len(d) != 13:
        return "x" * len(d)
    return f"{d[0]}-{d[1:5]}-xxxxx-{d[10:12]}-{d[12]}"


def mask_bank_account(account: str | None) -> str:
    """Bank accounts show the last four digits only (PDPA: the full value only where the task needs it)."""
    digits = "".join(ch for ch in (account or "") if ch.isdigit())
    return "x" * max(0, len(digits) - 4) + digits[-4:] if digits else ""
