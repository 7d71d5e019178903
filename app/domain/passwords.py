"""Password rules for staff accounts. Pure: returns the broken rules, the caller words the message."""
from __future__ import annotations

# A short list of passwords seen first in every breach dump; length and variety rules catch the rest.
COMMON_PASSWORDS = frozenset({
    "password123", "password1234", "1234567890", "qwertyuiop", "admin12345", "krudesk123",
    "iloveyou123", "abc1234567", "0123456789", "p@ssw0rd123",
})


def password_problems(password: str, username: str = "", min_length: int = 10) -> list[str]:
    """Codes of the rules `password` breaks: too_short, no_letter, no_digit, contains_username, common."""
    problems = []
    if len(password) < min_length:
        problems.append("too_short")
    if not any(ch.isalpha() for ch in password):
        problems.append("no_letter")
    if not any(ch.isdigit() for ch in password):
        problems.append("no_digit")
    if username and username.lower() in password.lower():
        problems.append("contains_username")
    if password.lower() in COMMON_PASSWORDS:
        problems.append("common")
    return problems
