"""Rules for text people type that others read: no direction-changing control characters."""

#: the Unicode embedding/override (U+202A–U+202E) and isolate (U+2066–U+2069) controls: in a
#: name or username they can make one text display as another ("nimda" shown as "admin")
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")

#: the reason given (API ``fields``, form errors) when a text holds one
BIDI_PROBLEM = "must not contain direction control characters (U+202A–U+202E, U+2066–U+2069)"


def has_bidi_controls(text: str | None) -> bool:
    """True if ``text`` holds a character that changes the direction of what follows."""
    return bool(text) and not BIDI_CONTROLS.isdisjoint(text)


def bidi_problem(text: str | None) -> str | None:
    """:data:`BIDI_PROBLEM` if ``text`` holds a direction control, else None."""
    return BIDI_PROBLEM if has_bidi_controls(text) else None
