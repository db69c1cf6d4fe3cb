"""Indicators computed from the records, checked against figures worked out by hand.

Interpretations the fixture pins down:

* **Programme is always the beneficiary's own.** Cata (REFUGEE) attends a vocational
  workshop run for STEP at ORA and one run for REFUGEE at BUC; Dmytro (REFUGEE) attends a
  life-skills workshop run for TEENS. Each is counted under REFUGEE, never under the
  workshop's programme, so a person has one programme in every disaggregation.
* **Site is where the workshop or the making happened.** Cata counts at ORA and at BUC,
  so the per-site counts (3 + 2) add up to more than the distinct total (4): a total is
  distinct people, never a sum of rows.
* **Exits do not erase history.** Bianca exited this year; she still counts for the
  sessions she attended.
* **Pieces sold** = lines sold in the year minus returns in the year (a piece sold in
  December and returned in January takes one off January's year). Instants are read in
  the payroll timezone (Europe/Bucharest): 22:30 UTC on 31 December is already next year.
* **Makers paid** = distinct makers with a positive payslip in a closed month of the year;
  zero or negative totals and open months do not count.
"""

from datetime import UTC, date, datetime
from types import SimpleNamespace

import pytest

from atelier.indicators import demo, results, services
from atelier.indicators.models import IndicatorTarget
from atelier.seed import seed_foundation
from tests import factories as f

YEAR = 2025


def at(*args) -> datetime:
    """An aware UTC instant."""
    return datetime(*args, tzinfo=UTC)


@pytest.fixture
def records(world):
    """A year of people, sessions, pieces, sales, returns and closed months (see docstring)."""
    w = world
    ora, buc, ams = w.sites["ORA"], w.sites["BUC"], w.sites["AMS"]
    step, refugee, teens = (w.programmes[c] for c in ("STEP", "REFUGEE", "TEENS"))
    ana = f.make_beneficiary(ora, step, display_name="Ana", birth_year=2010)
    bianca = f.make_beneficiary(
        ora,
        step,
        display_name="Bianca",
        birth_year=2000,
        is_exited=True,
        exited_on=date(2025, 8, 1),
    )
    cata = f.make_beneficiary(ora, refugee, display_name="Cata", birth_year=1990)
    dmytro = f.make_beneficiary(buc, refugee, display_name="Dmytro", birth_year=None, gender="male")
    eva = f.make_beneficiary(buc, teens, display_name="Eva", birth_year=2008)
    elena = w.elena
    # vocational at ORA for STEP
    w1 = f.make_workshop(ora, step, kind="vocational")
    s1 = f.make_session(w1, date(2025, 2, 10), 300)
    s2 = f.make_session(w1, date(2025, 6, 1), 250)
    s0 = f.make_session(w1, date(2024, 12, 31), 400)
    s3 = f.make_session(w1, date(2026, 1, 1), 400)
    for person, status in (
        (ana, "present"),
        (bianca, "present"),
        (cata, "present"),
        (elena, "absent"),
    ):
        f.make_attendance(s1, person, status)
    f.make_attendance(s2, ana, "present")
    f.make_attendance(s2, bianca, "absent")
    f.make_attendance(s2, cata, "excused")
    f.make_attendance(s0, elena, "present")
    f.make_attendance(s3, elena, "present")
    # vocational at BUC for REFUGEE (Cata of ORA joins)
    w2 = f.make_workshop(buc, refugee, kind="vocational")
    s4 = f.make_session(w2, date(2025, 3, 3), 400)
    f.make_attendance(s4, dmytro)
    f.make_attendance(s4, cata)
    f.make_attendance(s4, w.oksana, "absent")
    # life skills at BUC for TEENS (Dmytro of REFUGEE joins)
    w3 = f.make_workshop(buc, teens, kind="life_skills")
    s5 = f.make_session(w3, date(2025, 4, 4), 200)
    s6 = f.make_session(w3, date(2025, 5, 5), 200)
    f.make_attendance(s5, eva)
    f.make_attendance(s5, dmytro)
    f.make_attendance(s6, eva)
    # parenting at ORA
    w4 = f.make_workshop(ora, step, kind="parenting")
    s7 = f.make_session(w4, date(2025, 7, 7), 150)
    f.make_attendance(s7, bianca)
    f.make_attendance(s7, elena, "excused")
    # pieces
    tote = w.tote
    for _ in range(3):
        f.make_item(tote, elena, made_on=date(2025, 3, 1))
    f.make_item(tote, elena, made_on=date(2025, 3, 1), status="rejected")
    f.make_item(tote, elena, made_on=date(2025, 3, 2), status="voided")
    x = f.make_item(tote, elena, site=ams, status="in_shop", made_on=date(2024, 11, 1))
    y = f.make_item(tote, elena, site=ams, status="in_shop", made_on=date(2024, 11, 1))
    c1 = f.make_item(tote, cata, site=ams, status="in_shop", made_on=date(2025, 5, 5))
    c2 = f.make_item(tote, cata, site=ams, status="in_shop", made_on=date(2025, 5, 5))
    f.make_item(tote, dmytro, made_on=date(2025, 12, 31))
    # sales and returns (Bucharest is UTC+2 in winter)
    f.make_sale(ams, [x], at(2024, 12, 31, 22, 30))  # 1 Jan 2025 local: counts
    sale_y = f.make_sale(ams, [y], at(2024, 12, 31, 21, 30))  # 31 Dec 2024 local
    f.make_return(sale_y.lines[0], at(2025, 1, 15, 10))  # −1 in 2025
    f.make_sale(ams, [c1], at(2025, 6, 1, 12))
    sale_c2 = f.make_sale(ams, [c2], at(2025, 7, 1, 12))
    f.make_return(sale_c2.lines[0], at(2025, 7, 10, 12))
    f.make_sale(ams, [c2], at(2025, 8, 1, 12))
    # payslips
    f.make_payslip("2025-01", elena, 5000)
    f.make_payslip("2025-01", cata, 0)
    f.make_payslip("2025-01", dmytro, 1200)
    f.make_payslip("2025-02", elena, 3000)
    f.make_payslip("2025-02", bianca, -500)
    f.make_payslip("2025-03", ana, 4000, status="open")
    f.make_payslip("2024-12", eva, 1000)
    f.db.session.commit()
    return SimpleNamespace(
        w=w,
        ora=ora,
        buc=buc,
        step=step,
        refugee=refugee,
        teens=teens,
        ana=ana,
        bianca=bianca,
        cata=cata,
        dmytro=dmytro,
        eva=eva,
    )


def test_every_key_total_and_disaggregation_matches_the_hand_count(records):
    """Each key's total and per-site/programme cells equal what we counted by hand."""
    r = records
    res = results.compute(YEAR, None, "Europe/Bucharest")
    ora, buc, step, ref, teens = r.ora.id, r.buc.id, r.step.id, r.refugee.id, r.teens.id
    expected = {
        # Ana, Bianca, Cata (ORA); Dmytro, Cata (BUC)
        "vocational_participants": {
            (None, None): 4,
            (ora, None): 3,
            (buc, None): 2,
            (None, step): 2,
            (None, ref): 2,
            (ora, step): 2,
            (ora, ref): 1,
            (buc, ref): 2,
        },
        # 3h × Ana, Bianca, Cata + 2.5h Ana + 4h × Dmytro, Cata = 19.5h
        "training_hours": {
            (None, None): 1950,
            (ora, None): 1150,
            (buc, None): 800,
            (None, step): 850,
            (None, ref): 1100,
            (ora, step): 850,
            (ora, ref): 300,
            (buc, ref): 800,
        },
        "life_skills_participants": {
            (None, None): 2,
            (buc, None): 2,
            (None, teens): 1,
            (None, ref): 1,
            (buc, teens): 1,
            (buc, ref): 1,
        },
        "parenting_participants": {
            (None, None): 1,
            (ora, None): 1,
            (None, step): 1,
            (ora, step): 1,
        },
        "pieces_produced": {
            (None, None): 6,
            (ora, None): 5,
            (buc, None): 1,
            (None, step): 3,
            (None, ref): 3,
            (ora, step): 3,
            (ora, ref): 2,
            (buc, ref): 1,
        },
        # X +1, Y returned −1 (ORA/STEP); C1 +1, C2 +1 −1 +1 (ORA/REFUGEE)
        "pieces_sold": {
            (None, None): 2,
            (ora, None): 2,
            (None, step): 0,
            (None, ref): 2,
            (ora, step): 0,
            (ora, ref): 2,
        },
        # Elena (Jan, Feb), Dmytro (Jan)
        "makers_paid": {
            (None, None): 2,
            (ora, None): 1,
            (buc, None): 1,
            (None, step): 1,
            (None, ref): 1,
            (ora, step): 1,
            (buc, ref): 1,
        },
    }
    for key, cells in expected.items():
        for (site_id, programme_id), value in cells.items():
            assert res.value(key, site_id, programme_id) == value, (key, site_id, programme_id)
    assert res.value("vocational_participants", buc, step) == 0
    assert res.value("pieces_produced", buc, step) == 0


@pytest.mark.usefixtures("records")
def test_participants_by_gender_and_age_band():
    """Participant counts split by gender and by age band as of the year."""
    res = results.compute(YEAR, None, "Europe/Bucharest")
    assert res.by_gender["vocational_participants"] == {"female": 3, "male": 1}
    assert res.by_age["vocational_participants"] == {
        "under_18": 1,
        "18_25": 1,
        "26_plus": 1,
        "unknown": 1,
    }
    assert res.by_gender["life_skills_participants"] == {"female": 1, "male": 1}
    assert res.by_age["life_skills_participants"] == {
        "under_18": 1,
        "18_25": 0,
        "26_plus": 0,
        "unknown": 1,
    }
    assert res.by_age["parenting_participants"]["18_25"] == 1


def test_a_supervisor_sees_only_her_sites(records):
    """Limited to ORA, BUC's people and pieces drop out of every total."""
    res = results.compute(YEAR, {records.ora.id}, "Europe/Bucharest")
    assert res.value("vocational_participants") == 3
    assert res.value("training_hours") == 1150
    assert res.value("life_skills_participants") == 0
    assert res.value("pieces_produced") == 5
    assert res.value("makers_paid") == 1


def test_report_rows_are_targets_plus_a_total_per_key(records):
    """The report has every target set and one total row per key, with their results."""
    r = records
    f.make_target(YEAR, "vocational_participants", 12, remarks="Offered to all.")
    f.make_target(YEAR, "vocational_participants", 5, programme=r.refugee)
    f.make_target(YEAR, "life_skills_participants", 15, site=r.buc, programme=r.teens)
    f.make_target(YEAR, "training_hours", 20, site=r.ora)
    f.db.session.commit()
    report = services.report(YEAR, r.w.users["admin"])
    got = [
        (
            row.key,
            row.site and row.site.code,
            row.programme and row.programme.code,
            row.target,
            row.result,
        )
        for row in report.rows
    ]
    assert got == [
        ("vocational_participants", None, None, 12, 4),
        ("vocational_participants", None, "REFUGEE", 5, 2),
        ("training_hours", None, None, None, 1950),
        ("training_hours", "ORA", None, 20, 1150),
        ("life_skills_participants", None, None, None, 2),
        ("life_skills_participants", "BUC", "TEENS", 15, 1),
        ("parenting_participants", None, None, None, 1),
        ("pieces_produced", None, None, None, 6),
        ("pieces_sold", None, None, None, 2),
        ("makers_paid", None, None, None, 2),
    ]
    assert report.rows[0].remarks == "Offered to all."


def test_supervisor_report_hides_other_sites_targets(records):
    """A supervisor's report keeps her sites' targets and shows no overall target."""
    r = records
    f.make_target(YEAR, "vocational_participants", 12)
    f.make_target(YEAR, "life_skills_participants", 15, site=r.buc)
    f.make_target(YEAR, "training_hours", 20, site=r.ora)
    f.db.session.commit()
    report = services.report(YEAR, r.w.users["supervisor"])
    assert report.is_partial
    assert [(row.key, row.target) for row in report.rows if row.target is not None] == [
        ("training_hours", 20)
    ]


@pytest.mark.usefixtures("records")
def test_set_targets_updates_in_place_and_refuses_bad_entries(app):
    """Setting a target twice updates it; a bad entry names itself and writes nothing."""
    services.set_targets(
        YEAR,
        [{"key": "pieces_sold", "site": None, "programme": None, "target": 10, "remarks": "first"}],
    )
    services.set_targets(
        YEAR,
        [
            {
                "key": "pieces_sold",
                "site": None,
                "programme": None,
                "target": 12,
                "remarks": "second",
            }
        ],
    )
    saved = services.list_targets(YEAR)
    assert [(t.key, t.target, t.remarks) for t in saved] == [("pieces_sold", 12, "second")]
    with app.test_request_context(), pytest.raises(services.IndicatorInvalid) as err:
        services.set_targets(
            YEAR,
            [
                {"key": "pieces_sold", "site": "ORA", "programme": None, "target": 3},
                {"key": "nope", "site": "XXX", "programme": None, "target": -1},
            ],
        )
    assert set(err.value.fields) == {"targets.1.key", "targets.1.site", "targets.1.target"}
    assert len(services.list_targets(YEAR)) == 1


def test_computing_a_year_runs_a_fixed_number_of_queries(world, count_queries):
    """Five queries for the results, six for the report, however much was recorded."""
    admin = world.users["admin"]

    def add_people(n):
        for i in range(n):
            person = f.make_beneficiary(world.sites["ORA"], world.programmes["STEP"])
            workshop = f.make_workshop(
                world.sites["ORA"],
                world.programmes["STEP"],
                kind=("vocational", "life_skills", "parenting")[i % 3],
            )
            f.make_attendance(f.make_session(workshop, date(2026, 3, 2)), person)
            item = f.make_item(world.tote, person, site=world.sites["AMS"], status="in_shop")
            f.make_sale(world.sites["AMS"], [item], at(2026, 3, 3, 12))
            f.make_payslip("2026-03", person, 1000)
        f.db.session.commit()

    f.make_target(2026, "pieces_sold", 10)
    counts = []
    for n in (1, 12):
        add_people(n)
        f.db.session.expire_all()
        assert admin.role == "admin"  # the signed-in user is loaded before the page runs
        with count_queries() as q:
            report = services.report(2026, admin)
        counts.append(q.count)
    assert counts == [6, 6], q.statements
    assert report.results.value("pieces_sold") == 13


@pytest.mark.usefixtures("app")
def test_demo_targets_are_idempotent(db):
    """Seeding the demo twice gives this year's report targets once each."""
    seed_foundation()
    demo.seed()
    demo.seed()
    rows = db.session.query(IndicatorTarget).all()
    assert len(rows) == len(demo.TARGETS)
    total = next(
        t
        for t in rows
        if t.key == "vocational_participants" and t.site is None and t.programme is None
    )
    assert total.target == 12
