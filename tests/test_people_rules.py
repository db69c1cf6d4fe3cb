"""Pure rules about people: maker codes, names, birth years, anonymous names."""

import random
from datetime import date

from atelier.people import rules


def test_maker_codes_use_no_look_alike_characters():
    """Codes are read aloud and typed on phones: no 0/O, 1/I/L, 5/S, 2/Z, 8/B."""
    rng = random.Random(1)
    codes = {rules.new_maker_code(rng.randrange) for _ in range(500)}
    assert len(codes) == 500
    for code in codes:
        assert len(code) == rules.MAKER_CODE_LENGTH
        assert not set(code) & set("0O1IL5S2Z8B")


def test_display_names_are_tidied_and_required():
    """Spaces are tidied; an empty or overlong name is refused."""
    assert rules.clean_display_name("  Ana   Maria ") == "Ana Maria"
    assert rules.display_name_problem("") == "required"
    assert rules.display_name_problem("x" * 81)
    assert rules.display_name_problem("Ana") is None


def test_birth_years_must_be_plausible():
    """A teenager born in 2011 is fine in 2026; a toddler or a 150-year-old is not."""
    today = date(2026, 3, 2)
    assert rules.birth_year_problem(2011, today) is None
    assert rules.birth_year_problem(None, today) is None
    assert rules.birth_year_problem(2024, today)
    assert rules.birth_year_problem(1876, today)


def test_anonymous_names_keep_only_the_code():
    """After erasure a person is known by her pseudonymous code alone."""
    assert rules.anonymous_name("K7M3QD") == "— K7M3QD"
    assert rules.anonymous_username("K7M3QD") == "anonymised-k7m3qd"
