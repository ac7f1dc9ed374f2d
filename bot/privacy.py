"""Personal data out of stored questions: e-mail addresses, ID-card, bank-card and phone numbers are masked."""
from __future__ import annotations

import os
import re
import unicodedata
from pathlib import Path

EMAIL = "[邮箱]"
ID_CARD = "[身份证号]"
BANK_CARD = "[银行卡号]"
PHONE = "[手机号]"

_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
# Mainland resident ID: 6-digit area, birth date 18xx-20xx, 3-digit sequence, check digit (or the old 15 digits).
_ID_CARD = re.compile(r"(?<!\d)\d{6}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx](?![\dXx])"
                      r"|(?<!\d)\d{6}\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}(?!\d)")
# Bank cards: 16-19 digits, often written in groups of four.
_BANK_CARD = re.compile(r"(?<!\d)(?:\d{16,19}|\d{4}(?:[ -]\d{4}){3}(?:[ -]?\d{1,3})?)(?!\d)")
# Mobile numbers, with an optional +86 / 86 prefix and spaces or dashes (138 1234 5678).
_PHONE = re.compile(r"(?<!\d)(?:\+?86[ -]?)?1[3-9]\d(?:[ -]?\d{4}){2}(?!\d)")
# Any other long digit run (a landline with area code, an account number) is masked too.
_LONG_DIGITS = re.compile(r"(?<!\d)\d{7,}(?!\d)")


def mask_personal(text: str) -> str:
    """``text`` (NFKC-folded, so full-width digits count) with personal data replaced by placeholders."""
    text = unicodedata.normalize("NFKC", text)
    for pattern, placeholder in ((_EMAIL, EMAIL), (_ID_CARD, ID_CARD), (_BANK_CARD, BANK_CARD), (_PHONE, PHONE),
                                 (_LONG_DIGITS, "[号码]")):
        text = pattern.sub(placeholder, text)
    return text


def owner_only(path: Path) -> None:
    """Take group and other permissions away from ``path`` (never adds any); silent when not ours."""
    try:
        mode = path.stat().st_mode & 0o777
        if mode & 0o077:
            os.chmod(path, mode & 0o700)
    except OSError:
        pass


__all__ = ["BANK_CARD", "EMAIL", "ID_CARD", "PHONE", "mask_personal", "owner_only"]
