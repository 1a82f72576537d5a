"""Cell text as the parsers read it, and values as every message quotes them.

`clean_text` folds what a sheet or a push may carry (full-width forms, invisible characters);
`shown_value` cuts a quoted value to about 50 characters; `translated` and `language_pinned`
keep the hundreds of thousands of messages a bad file makes cheap.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from contextlib import contextmanager

from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

SHOWN_CHARS = 50  # characters of a value quoted in a message or kept for the report

# Characters that take no room on screen: controls, the soft hyphen, zero-width space and
# joiners, bidi marks and isolates, word joiner, the BOM, variation selectors, Hangul fillers,
# tags. NFKC already turns the no-break and ideographic spaces into plain ones.
INVISIBLE_RANGES = (
    (0x00, 0x08), (0x0B, 0x0C), (0x0E, 0x1F), (0x7F, 0x9F), (0xAD, 0xAD), (0x34F, 0x34F),
    (0x61C, 0x61C), (0x115F, 0x1160), (0x180E, 0x180E), (0x200B, 0x200F), (0x202A, 0x202E),
    (0x2060, 0x2064), (0x2066, 0x206F), (0x2800, 0x2800), (0x3164, 0x3164), (0xFE00, 0xFE0F),
    (0xFEFF, 0xFEFF), (0xFFA0, 0xFFA0), (0xFFF9, 0xFFFB), (0xE0001, 0xE0001), (0xE0020, 0xE007F),
)  # fmt: skip
INVISIBLE_RE = re.compile(
    "[" + "".join(f"\\U{first:08x}-\\U{last:08x}" for first, last in INVISIBLE_RANGES) + "]"
)


def clean_text(value) -> str:
    """Return a cell's text folded (NFKC: full-width forms, odd spaces), without invisible
    characters, stripped: "６５０１\u200b…" reads as "6501…"."""
    text = value if isinstance(value, str) else str(value)
    if text.isascii() and text.isprintable():  # most cells: the fast path
        return text.strip()
    return INVISIBLE_RE.sub("", unicodedata.normalize("NFKC", text)).strip()


def shown_value(value, *, limit: int = SHOWN_CHARS) -> str:
    """Return a value as a message quotes it: at most `limit` characters, then how long it is.

    Every message and the report quote values through here, so a cell of 30,000 characters
    adds some 60 characters to the preview, not 30,000.
    """
    text = value if isinstance(value, str) else str(value)
    if len(text) <= limit:
        return text
    return translated(SHOWN_TEMPLATE) % {"start": text[:limit], "count": len(text)}


SHOWN_TEMPLATE = _("%(start)s…（共 %(count)d 个字符）")
_pinned = threading.local()


@contextmanager
def language_pinned():
    """Look the active language up once for a whole read, instead of once per message.

    Django's get_language() goes through asgiref's thread-local (microseconds a call); a read
    does not change language halfway.
    """
    previous = getattr(_pinned, "language", None)
    _pinned.language = get_language()
    try:
        yield
    finally:
        _pinned.language = previous


_TRANSLATED: dict[tuple[str | None, int], str] = {}


def translated(message) -> str:
    """Return a module-level lazy message in the active language, translated once per language.

    A file of 50,000 bad rows makes hundreds of thousands of messages; gettext through
    Django's thread-local machinery costs more than everything else done per cell. The key is
    the message object's id: only messages that live as long as the process are passed here.
    """
    key = (getattr(_pinned, "language", None) or get_language(), id(message))
    text = _TRANSLATED.get(key)
    if text is None:
        text = _TRANSLATED[key] = str(message)
    return text
