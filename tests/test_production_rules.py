"""Pure rules of the catalogue and production: codes, checks, consent, money parsing."""

from datetime import date
from decimal import Decimal
from types import SimpleNamespace

import pytest

from atelier.catalog import rules as catalog_rules
from atelier.money import MoneyError, parse_cents, parse_rate
from atelier.production import rules
from atelier.production.labels import QUIET_ZONE, check_grid, qr_matrix


def test_codes_are_consecutive_and_end_at_the_counter():
    """Three pieces after the counter reached 12 are 10, 11 and 12."""
    assert rules.codes_for("ORA", 12, 3) == ["ORA-000010", "ORA-000011", "ORA-000012"]


@pytest.mark.parametrize(
    "quantity, made_on, field",
    [
        (0, date(2026, 3, 1), "quantity"),
        (201, date(2026, 3, 1), "quantity"),
        ("3", date(2026, 3, 1), "quantity"),
        (1, date(2026, 3, 3), "made_on"),
        (1, None, "made_on"),
    ],
)
def test_entry_checks_name_the_field(quantity, made_on, field):
    """Out-of-range quantities and future days are refused, naming the field."""
    assert field in rules.check_entry(quantity, made_on, today=date(2026, 3, 2))


def test_a_good_entry_has_no_errors():
    """One to two hundred pieces made today or earlier are fine."""
    assert rules.check_entry(200, date(2026, 3, 2), today=date(2026, 3, 2)) == {}


def test_void_only_while_every_piece_is_still_in_the_atelier():
    """Once one piece has shipped, the entry can no longer be voided."""
    assert rules.can_void(["in_atelier", "rejected"])
    assert not rules.can_void(["in_atelier", "in_transit"])
    assert not rules.can_void([])


def test_first_name_only_with_consent_and_never_after_erasure():
    """The story page gets a first name only when she agreed and was not erased."""
    assert rules.public_first_name("Elena Popescu", True) == "Elena"
    assert rules.public_first_name("Elena Popescu", False) is None
    assert rules.public_first_name("Elena", True, anonymised=True) is None


def test_client_ids_are_uuids():
    """A device's client_id must be a UUID."""
    assert rules.is_client_id("7b6c2f0e-4a51-4c36-9f0d-1c2b3a4d5e6f")
    assert not rules.is_client_id("retry-1")
    assert not rules.is_client_id(42)


def test_tags_are_long_random_and_url_safe():
    """Tags carry 80 bits in lower-case base32: safe in a URL, never mistaken for a code."""
    tag = rules.new_tag()
    assert len(tag) == 16 and tag.isalnum() and tag == tag.lower()
    assert rules.parse_scan(f"https://x.test/t/{tag}") == ("tag", tag)


@pytest.mark.parametrize(
    "text, cents", [("15", 1500), ("15.5", 1550), ("15,05", 1505), ("4.50", 450), ("0", 0)]
)
def test_amounts_become_cents_without_floats(text, cents):
    """Typed prices and stipends become exact minor units."""
    assert parse_cents(text) == cents


@pytest.mark.parametrize(
    "text",
    [
        "",
        "abc",
        "-1",
        "1.999",
        "4.555",
        "NaN",
        "x",
        "21474836.48",
        "1e999999",
        "99999999999999999999",
    ],
)
def test_bad_amounts_are_refused(text):
    """Blank, negative, over-precise, non-numeric or too large amounts are refused."""
    with pytest.raises(ValueError):
        parse_cents(text)


def test_the_largest_amount_is_what_an_integer_column_holds():
    """21,474,836.47 is 2^31 - 1 cents: accepted; a cent more is not (above)."""
    assert parse_cents("21474836.47") == 2**31 - 1


@pytest.mark.parametrize("text", ["4.9770", "0.000001", "999999.999999", "1E+2"])
def test_rates_within_six_digits_either_side_parse(text):
    """Rates such as 4.9770 and the extremes allowed parse exactly."""
    assert parse_rate(text) == Decimal(text)


@pytest.mark.parametrize(
    "text",
    ["1e999999", "1e20", "1000000", "0.0000001", "0", "-4.97", "Infinity", "NaN", "sNaN", "4,97"],
)
def test_rates_out_of_range_or_malformed_are_refused(text):
    """A rate that would overflow a payslip, or round silently, is refused."""
    with pytest.raises(MoneyError):
        parse_rate(text)


def test_percent_becomes_basis_points():
    """20 % is 2000 basis points; above 100 % is refused."""
    assert catalog_rules.parse_percent_bp("12.5") == 1250
    with pytest.raises(ValueError):
        catalog_rules.parse_percent_bp("101")


def test_rule_values_are_checked():
    """Negative cents, shares above 10000 bp and lower-case currencies are named."""
    errors = catalog_rules.check_rule_values(
        {"price_cents": -1, "maker_share_bp": 10001, "price_currency": "eur"}
    )
    assert set(errors) == {"price_cents", "maker_share_bp", "price_currency"}


def test_a_new_rule_keeps_what_was_not_changed():
    """Changing the price keeps the piece rate and share of the rule it follows."""
    current = SimpleNamespace(
        price_cents=1500, price_currency="EUR", piece_rate_cents=1000, maker_share_bp=2000
    )
    assert catalog_rules.next_rule_values(current, {"price_cents": 1800}) == {
        "price_cents": 1800,
        "price_currency": "EUR",
        "piece_rate_cents": 1000,
        "maker_share_bp": 2000,
    }


def test_label_grid_limits():
    """A grid keeps labels big enough to scan."""
    assert check_grid(3, 8) == {}
    assert set(check_grid(0, 13)) == {"columns", "rows"}


def test_qr_matrix_has_its_quiet_zone():
    """The matrix drawn on labels is framed by four light modules on every side."""
    matrix = qr_matrix("https://atelier.test/t/abcdefghijklmnop")
    for row in matrix[:QUIET_ZONE] + matrix[-QUIET_ZONE:]:
        assert not any(row)
    assert not any(row[c] for row in matrix for c in range(QUIET_ZONE))
    assert any(matrix[QUIET_ZONE])
