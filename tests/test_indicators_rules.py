"""Pure indicator rules: age bands, roll-ups, hours, suppression, safe cells, bars."""

from datetime import UTC, datetime

from atelier.indicators import rules


def test_age_band_as_of_the_year():
    """17 is under 18; 18 and 25 are 18–25; 26 is 26+; no birth year is unknown."""
    assert rules.age_band(2008, 2025) == "under_18"
    assert rules.age_band(2007, 2025) == "18_25"
    assert rules.age_band(2000, 2025) == "18_25"
    assert rules.age_band(1999, 2025) == "26_plus"
    assert rules.age_band(None, 2025) == "unknown"


def test_roll_up_fills_every_cell_and_the_total():
    """Additive rows add up per site, per programme and in total."""
    cells = rules.roll_up([(1, 10, 3), (1, 20, 2), (2, 10, 4)])
    assert cells[(None, None)] == 9
    assert cells[(1, None)] == 5 and cells[(None, 10)] == 7 and cells[(2, 10)] == 4


def test_small_counts_are_suppressed_but_zero_and_hours_are_not():
    """1–4 become "<5" with the option; 0, 5 and hours are shown as they are."""
    assert rules.display_value("makers_paid", 3, suppress=True) == "<5"
    assert rules.display_value("makers_paid", 3) == "3"
    assert rules.display_value("makers_paid", 0, suppress=True) == "0"
    assert rules.display_value("makers_paid", 5, suppress=True) == "5"
    assert rules.display_value("training_hours", 250, suppress=True) == "2.5"


def test_year_bounds_follow_the_timezone():
    """The year starts at local midnight: 22:00 UTC on 31 December in Bucharest."""
    start, end = rules.year_bounds_utc(2025, "Europe/Bucharest")
    assert start == datetime(2024, 12, 31, 22, tzinfo=UTC)
    assert end == datetime(2025, 12, 31, 22, tzinfo=UTC)
    assert rules.year_of(datetime(2024, 12, 31, 22, 30, tzinfo=UTC), "Europe/Bucharest") == 2025


def test_bars_scale_in_integers():
    """The largest value fills the bar; a small positive one is still visible."""
    assert rules.bar_length(12, 12, 500) == 500
    assert rules.bar_length(6, 12, 500) == 250
    assert rules.bar_length(1, 10_000, 500) == 1
    assert rules.bar_length(0, 12, 500) == 0


def test_one_small_count_among_siblings_takes_another_with_it():
    """Total 8 = Oradea 6 + Bucharest 2: hiding only Bucharest would leave 8 − 6 = 2 in
    plain sight, so Oradea is hidden too. Two small ones, or none, need nothing more."""
    assert rules.also_hidden({"ORA": 6, "BUC": 2}) == {"ORA"}
    assert rules.also_hidden({"ORA": 9, "BUC": 2, "CLJ": 7}) == {"CLJ"}
    assert rules.also_hidden({"ORA": 6, "BUC": 2, "CLJ": 0}) == {"ORA"}
    assert rules.also_hidden({"ORA": 3, "BUC": 2, "CLJ": 7}) == set()
    assert rules.also_hidden({"ORA": 6, "BUC": 7}) == set()
    assert rules.also_hidden({"BUC": 2}) == set()
    assert rules.also_hidden({"ORA": 6, "BUC": 2}, suppress=False) == set()
    assert rules.display_value("makers_paid", 6, suppress=True, hidden=True) == "*"
    assert rules.display_value("makers_paid", 6, hidden=True) == "6"


def test_no_hidden_cell_is_the_only_unknown_of_a_sum():
    """Each site is the sum of its programmes, each programme of its sites, the total of
    either. Bucharest (2) hidden alone would be 8 − 6; so Oradea goes too, and then Oradea's
    one programme cell, which equals Oradea."""
    cells = {(None, None): 8, (1, None): 6, (2, None): 2, (None, 10): 8, (1, 10): 6, (2, 10): 2}
    assert rules.hidden_cells(cells) == {(1, None), (2, None), (1, 10), (2, 10)}
    assert rules.hidden_cells(cells, suppress=False) == set()


def test_hiding_spreads_across_sites_and_programmes_until_nothing_gives_one_away():
    """Total 103: Oradea 100 (programmes 60 + 40), Bucharest 3 (all in programme 10).
    Hiding Bucharest and Oradea is not enough: 60 and 40 add up to Oradea, and programme
    totals 63 and 40 give the rest. What stays shown cannot be solved for any hidden cell."""
    cells = {
        (None, None): 103,
        (1, None): 100,
        (2, None): 3,
        (1, 10): 60,
        (1, 11): 40,
        (2, 10): 3,
        (None, 10): 63,
        (None, 11): 40,
    }
    hidden = rules.hidden_cells(cells)
    assert {(2, None), (2, 10), (1, None)} <= hidden
    assert (None, None) not in hidden
    shown = set(cells) - hidden
    sums = [
        [(None, None), (1, None), (2, None)],
        [(None, None), (None, 10), (None, 11)],
        [(1, None), (1, 10), (1, 11)],
        [(2, None), (2, 10)],
        [(None, 10), (1, 10), (2, 10)],
        [(None, 11), (1, 11)],
    ]
    for terms in sums:  # no sum has exactly one hidden figure in it
        assert len([c for c in terms if c not in shown]) != 1, terms


def test_an_export_counts_rows_it_does_not_show_as_unknown():
    """Only the total and Bucharest have targets: Bucharest "<5" cannot be worked out
    from rows that are not there, so nothing more is hidden."""
    cells = {(None, None): 8, (1, None): 6, (2, None): 2}
    assert rules.hidden_cells(cells, shown={(None, None), (2, None)}) == {(2, None)}
