"""Pure rules about people: maker codes."""

import secrets

#: no 0/O, 1/I/L, 5/S, 2/Z, 8/B look-alikes: codes are read aloud and typed on phones
MAKER_CODE_ALPHABET = "34679ACDEFGHJKMNPQRTUVWXY"
MAKER_CODE_LENGTH = 6


def new_maker_code(randbelow=secrets.randbelow) -> str:
    """A random maker code such as ``K7M3QD`` (~27 bits; uniqueness is checked by the caller)."""
    return "".join(
        MAKER_CODE_ALPHABET[randbelow(len(MAKER_CODE_ALPHABET))] for _ in range(MAKER_CODE_LENGTH)
    )
