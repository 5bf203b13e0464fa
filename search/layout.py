"""Wrong keyboard layout: text typed with the Latin (QWERTY) layout meant as Russian (ЙЦУКЕН), and back."""

from __future__ import annotations

_LATIN = "`qwertyuiop[]asdfghjkl;'zxcvbnm,.~QWERTYUIOP{}ASDFGHJKL:\"ZXCVBNM<>"
_CYRILLIC = "ёйцукенгшщзхъфывапролджэячсмитьбюЁЙЦУКЕНГШЩЗХЪФЫВАПРОЛДЖЭЯЧСМИТЬБЮ"

TO_CYRILLIC = str.maketrans(_LATIN, _CYRILLIC)
TO_LATIN = str.maketrans(_CYRILLIC, _LATIN)
_LATIN_SET = frozenset(_LATIN) | frozenset("0123456789")
_CYRILLIC_SET = frozenset(_CYRILLIC) | frozenset("0123456789")


def to_cyrillic(text: str) -> str:
    """Retype Latin-layout text on the Russian layout (`djpdhfn` → `возврат`)."""
    return text.translate(TO_CYRILLIC)


def to_latin(text: str) -> str:
    """Retype Russian-layout text on the Latin layout (`фзш` → `api`)."""
    return text.translate(TO_LATIN)


def looks_latin_typed(chunk: str) -> bool:
    """True when every character of the chunk is on the Latin layout and some are letters."""
    return any(c.isalpha() for c in chunk) and all(c in _LATIN_SET for c in chunk)


def looks_cyrillic_typed(chunk: str) -> bool:
    """True when every character of the chunk is a Russian-layout letter or digit."""
    return any(c.isalpha() for c in chunk) and all(c in _CYRILLIC_SET for c in chunk)
