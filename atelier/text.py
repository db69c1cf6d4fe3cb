"""Text people type that others read: no direction-changing control characters."""

from flask_babel import gettext as _

#: the Unicode embedding/override (U+202A–U+202E) and isolate (U+2066–U+2069) controls: in a
#: name or username they can make one text display as another ("nimda" shown as "admin")
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def has_bidi_controls(text: str | None) -> bool:
    """True if ``text`` holds a character that changes the direction of what follows."""
    return bool(text) and not BIDI_CONTROLS.isdisjoint(text)


def bidi_problem(text: str | None) -> str | None:
    """Why ``text`` cannot be a username, code or name (for ``fields``), or None."""
    if has_bidi_controls(text):
        return _("must not contain direction control characters (U+202A–U+202E, U+2066–U+2069)")
    return None
