"""Computed rows of the Results report over a known attendance history, every number checked
by hand; traces to the people and sessions behind them; a constant number of queries."""

from datetime import date

import pytest

from atelier.reports import services
from tests import factories as f
from tests.conftest import bearer, sign_in
from tests.refusals import error_page

YEAR = 2025

LAYOUT = {
    "year": YEAR,
    "pillars": [
        {
            "name": "Pillar 1",
            "rows": [
                {
                    "key": "voc_people",
                    "label": "People in vocational training",
                    "source": {"measure": "participants", "workshop_kind": "vocational"},
                    "parts": [
                        {"key": "step", "label": "Step Out", "programme": "STEP"},
                        {"key": "refugee", "label": "refugee project", "programme": "REFUGEE"},
                        {"key": "buc", "label": "Bucharest", "site": "BUC"},
                    ],
                },
                {
                    "key": "voc_hours",
                    "label": "Hours of vocational training",
                    "source": {"measure": "hours", "workshop_kind": "vocational"},
                    "parts": [
                        {"key": "refugee", "label": "refugee project", "programme": "REFUGEE"}
                    ],
                },
                {
                    "key": "voc_builtin",
                    "label": "People in vocational training (built-in)",
                    "source": "vocational_participants",
                    "parts": [
                        {"key": "ora", "label": "Oradea", "site": "ORA"},
                        {"key": "refugee", "label": "refugees", "programme": "REFUGEE"},
                    ],
                },
                {"key": "outreach", "label": "Outreach in Bucharest"},
            ],
        },
        {
            "name": "Pillar 3",
            "rows": [
                {
                    "key": "teens",
                    "label": "Teenagers in life skills",
                    "source": {"measure": "participants", "workshop_kind": "life_skills"},
                    "parts": [
                        {"key": "oradea", "label": "Oradea", "site": "ORA"},
                        {"key": "bucharest", "label": "Bucharest", "site": "BUC"},
                    ],
                },
                {
                    "key": "teen_sessions",
                    "label": "Life-skills sessions held",
                    "source": {"measure": "sessions", "workshop_kind": "life_skills"},
                    "parts": [{"key": "bucharest", "label": "Bucharest", "site": "BUC"}],
                },
                {
                    "key": "parenting_sessions",
                    "label": "Parenting sessions held",
                    "source": {"measure": "sessions", "workshop_kind": "parenting"},
                },
                {
                    "key": "ora_teens",
                    "label": "Teenagers in Oradea",
                    "source": {
                        "measure": "participants",
                        "workshop_kind": "life_skills",
                        "site": "ORA",
                    },
                    "parts": [{"key": "buc", "label": "Bucharest", "site": "BUC"}],
                },
            ],
        },
    ],
}


@pytest.fixture
def history(world):
    """Eight people and their attendance in 2025 (and just outside it)."""
    w = world
    ora, buc = w.sites["ORA"], w.sites["BUC"]
    step, refugee, teens = (w.programmes[c] for c in ("STEP", "REFUGEE", "TEENS"))
    people = {}
    for name, site, programme in (
        ("Ana", ora, step),
        ("Bianca", ora, step),
        ("Cora", ora, step),
        ("Daria", ora, refugee),
        ("Eva", ora, refugee),
        ("Fina", buc, teens),
        ("Gela", buc, teens),
        ("Hana", ora, teens),
    ):
        people[name] = f.make_beneficiary(site, programme, display_name=name)
    p = people

    def held(workshop, day, centihours, present=(), other=()):
        session = f.make_session(workshop, day, centihours)
        for name in present:
            f.make_attendance(session, p[name])
        for name, status in other:
            f.make_attendance(session, p[name], status)
        return session

    w1 = f.make_workshop(ora, step, kind="vocational")
    held(w1, date(2025, 3, 3), 300, ["Ana", "Bianca"], [("Cora", "absent")])
    held(w1, date(2025, 3, 10), 250, ["Ana", "Cora"], [("Bianca", "absent")])
    w2 = f.make_workshop(ora, refugee, kind="vocational")
    held(w2, date(2025, 4, 1), 300, ["Daria", "Eva", "Ana"])
    w3 = f.make_workshop(buc, teens, kind="life_skills")
    held(w3, date(2025, 5, 1), 200, ["Fina", "Gela"])
    held(w3, date(2025, 5, 8), 200, ["Fina"], [("Gela", "excused")])
    w4 = f.make_workshop(ora, teens, kind="life_skills")
    held(w4, date(2025, 5, 2), 150, ["Hana"])
    w5 = f.make_workshop(ora, step, kind="vocational")
    held(w5, date(2024, 12, 31), 300, ["Ana"])  # the year before
    held(w5, date(2026, 1, 1), 300, ["Bianca"])  # the year after
    w6 = f.make_workshop(ora, step, kind="parenting")
    held(w6, date(2025, 6, 1), 200, [], [("Ana", "excused")])
    f.db.session.commit()
    return people


def lines(report) -> dict:
    """(row, part) → result, over every pillar."""
    return {(line.row, line.part): line.result for p in report.pillars for line in p.lines}


def define(client, world):
    """PUT the layout, and a manual row's figures, as the coordinator."""
    headers = bearer(world.users["admin"])
    assert (
        client.put("/api/v1/indicator-definitions", json=LAYOUT, headers=headers).status_code == 200
    )
    body = {"year": YEAR, "figures": [{"row": "outreach", "target": 150, "result": 3}]}
    assert client.put("/api/v1/indicator-figures", json=body, headers=headers).status_code == 200
    return headers


@pytest.mark.usefixtures("history")
def test_every_computed_number_against_the_hand_count(client, world):
    """Distinct people, hours present and sessions held, each part included."""
    define(client, world)
    assert lines(services.build(YEAR, world.users["admin"])) == {
        # Ana, Bianca, Cora (W1) + Daria, Eva, Ana (W2): five people
        ("voc_people", None): 5,
        ("voc_people", "step"): 3,  # workshops run for Step Out: Ana, Bianca, Cora
        ("voc_people", "refugee"): 3,  # the refugee workshop: Daria, Eva and Ana
        ("voc_people", "buc"): 0,
        # Ana 3 + 2.5 + 3, Bianca 3, Cora 2.5, Daria 3, Eva 3 = 20 hours; refugee 3 × 3
        ("voc_hours", None): 20,
        ("voc_hours", "refugee"): 9,
        # the built-in key counts by the person's own programme: Daria and Eva
        ("voc_builtin", None): 5,
        ("voc_builtin", "ora"): 5,
        ("voc_builtin", "refugee"): 2,
        ("outreach", None): 3,  # entered by hand
        ("teens", None): 3,  # Fina, Gela, Hana
        ("teens", "oradea"): 1,
        ("teens", "bucharest"): 2,
        ("teen_sessions", None): 3,
        ("teen_sessions", "bucharest"): 2,
        ("parenting_sessions", None): 0,  # nobody was present
        ("ora_teens", None): 1,
        ("ora_teens", "buc"): 0,  # the row is Oradea's: a Bucharest part counts nothing
    }


@pytest.mark.usefixtures("history")
def test_small_counts_are_hidden_in_computed_rows_only(client, world):
    """With suppression, counts of people of 1–4 read "<5"; hours, sessions and figures
    entered by hand are shown as they are."""
    define(client, world)
    shown = lines(services.build(YEAR, world.users["admin"], suppress=True))
    assert shown[("voc_people", None)] == 5 and shown[("voc_people", "step")] == "<5"
    assert shown[("voc_people", "buc")] == 0
    assert shown[("teens", "oradea")] == "<5" and shown[("teens", None)] == "<5"
    assert shown[("voc_hours", "refugee")] == 9
    assert shown[("teen_sessions", "bucharest")] == 2
    assert shown[("outreach", None)] == 3


@pytest.mark.usefixtures("history")
def test_a_supervisor_reads_her_sites_computed_rows(client, world):
    """Oradea's supervisor: no manual rows, no Bucharest parts, counts of Oradea only."""
    define(client, world)
    headers = bearer(world.users["supervisor"])
    report = client.get(f"/api/v1/reports/results?year={YEAR}", headers=headers).get_json()
    got = {(r["row"], r["part"]): r["result"] for p in report["pillars"] for r in p["rows"]}
    assert ("outreach", None) not in got
    assert ("teens", "bucharest") not in got and ("voc_people", "buc") not in got
    assert got[("teens", None)] == 1 and got[("teens", "oradea")] == 1
    assert got[("voc_people", None)] == 5
    files = ("pdf", "docx", "xlsx")
    for kind in files:
        response = client.get(f"/api/v1/reports/results.{kind}?year={YEAR}", headers=headers)
        assert response.status_code == 200


def test_following_a_number_to_the_people_behind_it(client, world, history):
    """The refugee project's 3 in vocational training are Daria, Eva and Ana, by display
    name and maker code; the sessions behind a sessions figure are listed by date."""
    define(client, world)
    sign_in(client, world.users["admin"])
    page = client.get(f"/reports/results?year={YEAR}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    link = f"/reports/results/{YEAR}/trace/voc_people?part=refugee"
    assert link in html
    trace = client.get(link).get_data(as_text=True)
    for name in ("Ana", "Daria", "Eva"):
        assert name in trace and history[name].maker_code in trace
    assert "Bianca" not in trace and "Cora" not in trace
    sessions = client.get(f"/reports/results/{YEAR}/trace/teen_sessions?part=bucharest")
    text = sessions.get_data(as_text=True)
    assert "2025-05-01" in text and "2025-05-08" in text and "2025-05-02" not in text
    builtin = client.get(f"/reports/results/{YEAR}/trace/voc_builtin?part=refugee")
    assert builtin.status_code == 302
    assert builtin.headers["Location"].endswith(
        f"/indicators/{YEAR}/vocational_participants?programme=REFUGEE"
    )
    error_page(client.get(f"/reports/results/{YEAR}/trace/outreach"), 404)


@pytest.mark.usefixtures("history")
def test_the_report_costs_the_same_queries_as_data_grows(client, world, count_queries):
    """Ten times the people and sessions: the same number of statements."""
    define(client, world)
    admin = world.users["admin"]

    def statements() -> int:
        f.db.session.expire_all()
        with count_queries() as q:
            services.build(YEAR, admin, suppress=True, compare=True)
        return q.count

    before = statements()
    ora, buc = world.sites["ORA"], world.sites["BUC"]
    for site, kind in ((ora, "vocational"), (buc, "life_skills"), (ora, "parenting")):
        workshop = f.make_workshop(site, world.programmes["REFUGEE"], kind=kind)
        crowd = f.make_people(site, world.programmes["REFUGEE"], 10, prefix=kind)
        for day in range(1, 11):
            session = f.make_session(workshop, date(YEAR, 9, day), 200)
            for person in crowd:
                f.make_attendance(session, person)
    f.db.session.commit()
    assert statements() == before
