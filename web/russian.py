"""Russian text for people: dates, plurals, sizes, labels, and the control-character table."""

from __future__ import annotations

from datetime import date

KIND_LABELS = {"article": "статья", "faq": "вопрос"}
ENTRY_STATUS_NAMES = {"draft": "Черновик", "published": "Опубликовано"}
MONTHS = (
    "января", "февраля", "марта", "апреля", "мая", "июня",
    "июля", "августа", "сентября", "октября", "ноября", "декабря",
)  # fmt: skip

# NUL and other control characters: PostgreSQL refuses NUL, and none of them mean anything
# in an address, a message or a search. Tab, newline and carriage return stay in free text.
_CONTROLS = dict.fromkeys([*range(0, 9), 11, 12, *range(14, 32), 127])
_CONTROLS_AND_NEWLINES = dict.fromkeys([*range(0, 32), 127])


def strip_controls(text: str, keep_newlines: bool = True) -> str:
    """`text` without control characters (tabs and newlines kept unless told otherwise)."""
    return text.translate(_CONTROLS if keep_newlines else _CONTROLS_AND_NEWLINES)


def ru_date(value: date | None) -> str:
    """A date the Russian way: «27 ноября 2026»."""
    if value is None:
        return ""
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}"


def plural(n: int, one: str, few: str, many: str) -> str:
    """The Russian plural form for n: 1 ответ, 2 ответа, 5 ответов."""
    n = abs(n)
    if n % 10 == 1 and n % 100 != 11:
        return one
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return few
    return many


def size_text(size: int) -> str:
    """A file size for people («1,2 МБ», «830 КБ»)."""
    if size >= 1024 * 1024:
        return f"{size / 1024 / 1024:.1f} МБ".replace(".", ",")
    return f"{max(1, round(size / 1024))} КБ"
