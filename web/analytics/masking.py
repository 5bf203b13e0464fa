"""What analytics keep of free text: no control characters, no e-mails or long numbers."""

from __future__ import annotations

import re

from web.analytics.models import TEXT_MAX
from web.russian import strip_controls


def cut(text: str | None, limit: int = TEXT_MAX) -> str | None:
    """Text without control characters and surrounding space, cut at `limit`."""
    return None if text is None else strip_controls(str(text)).strip()[:limit]


# Sellers paste emails, phone, passport and card numbers into search boxes; analytics need
# none of them (a group of questions is the same whatever the number), so none is stored.
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# Five digits and more (phones, passports, cards, orders, supplies, barcodes) are masked;
# shorter numbers stay, they are what a question is about («ошибка 429», «за 14 дней»).
LONG_NUMBER = re.compile(r"(?<!\w)\+?\d(?:[\s()\-]*\d){4,}(?!\w)")


def mask(text: str | None, limit: int = TEXT_MAX) -> str | None:
    """Free text as stored: no control characters, no emails or long numbers, cut to size."""
    if text is None:
        return None
    text = LONG_NUMBER.sub("[номер]", EMAIL.sub("[email]", str(text)))
    return cut(text, limit)
