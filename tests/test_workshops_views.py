"""Workshop pages: list, create, overview, sessions, the roll-call screen and her training."""

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from atelier.audit import AuditEntry
from atelier.workshops.models import Attendance, Workshop, WorkshopSession
from atelier.workshops.services import site_today
from tests.conftest import sign_in
from tests.factories import make_attendance, make_people, make_session, make_workshop
from tests.refusals import error_page, row_counts


def test_start_a_workshop_from_the_page(client, world, db):
    """Title, kind by tap, site, programme, stipend in RON → the new workshop's page."""
    sign_in(client, world.users["supervisor"])
    response = client.post(
        "/workshops",
        data={
            "title": "Aprons",
            "kind": "parenting",
            "site": "ORA",
            "programme": "STEP",
            "stipend": "4.50",
        },
    )
    assert response.status_code == 302
    workshop = db.session.scalar(sa.select(Workshop).where(Workshop.title == "Aprons"))
    assert workshop.kind == "parenting" and workshop.stipend_per_hour_cents == 450


def test_a_bad_stipend_is_marked_in_her_language(client, world, db):
    """A stipend of "4,555" is refused on its field, in Romanian, and nothing is saved."""
    sign_in(client, world.users["supervisor"])
    client.post("/language", data={"lang": "ro"})
    response = client.post(
        "/workshops",
        data={
            "title": "Aprons",
            "kind": "parenting",
            "site": "ORA",
            "programme": "STEP",
            "stipend": "4,555",
        },
    )
    assert response.status_code == 200
    assert "Scrie o sumă, de exemplu 15.00." in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(Workshop).where(Workshop.title == "Aprons")) is None


@pytest.mark.usefixtures("db")
def test_todays_session_is_one_tap_from_the_list(client, world):
    """The list offers today's roll when a session is held today."""
    today = make_session(world.workshop, site_today(world.sites["ORA"]))
    sign_in(client, world.users["supervisor"])
    page = client.get("/workshops").get_data(as_text=True)
    assert f"/sessions/{today.id}/roll" in page and world.workshop.title in page


@pytest.mark.usefixtures("db")
def test_todays_roll_call_page_offers_each_session_of_today(client, world):
    """From the tablet's home: Roll-call → today's session tile → its roll; others to start."""
    other = make_workshop(world.sites["ORA"], world.programmes["STEP"], title="Parenting")
    today = make_session(world.workshop, site_today(world.sites["ORA"]))
    sign_in(client, world.users["supervisor"])
    assert "/roll" in client.get("/atelier").get_data(as_text=True)
    page = client.get("/roll").get_data(as_text=True)
    assert f"/sessions/{today.id}/roll" in page
    assert f"/workshops/{other.id}#new-session" in page


@pytest.mark.usefixtures("db")
def test_the_workshop_page_shows_each_persons_rate(client, world):
    """Elena present once, absent once → 50 %, 3 hours."""
    second = make_session(world.workshop, world.session.held_on + timedelta(days=7))
    make_attendance(world.session, world.elena, "present")
    make_attendance(second, world.elena, "absent")
    sign_in(client, world.users["supervisor"])
    page = client.get(f"/workshops/{world.workshop.id}").get_data(as_text=True)
    assert "50 %" in page and "Elena" in page


def test_staff_reads_of_attendance_are_audited(client, world, db):
    """The workshop page (rates, hours) and the roll show people's records: each opening
    is in the audit log, by whom."""
    make_attendance(world.session, world.elena, "present")
    sign_in(client, world.users["supervisor"])
    assert client.get(f"/workshops/{world.workshop.id}").status_code == 200
    assert client.get(f"/sessions/{world.session.id}/roll").status_code == 200
    rows = db.session.execute(
        sa.select(AuditEntry.action, AuditEntry.user_id).where(
            AuditEntry.action.in_(["workshops.view", "workshops.roll_view"])
        )
    ).all()
    supervisor = world.users["supervisor"].id
    assert sorted(rows) == [("workshops.roll_view", supervisor), ("workshops.view", supervisor)]


def test_adding_a_session_leads_to_its_roll(client, world, db):
    """Date and hours by tap; the next screen is the roll."""
    sign_in(client, world.users["supervisor"])
    day = site_today(world.sites["ORA"]).isoformat()
    response = client.post(
        f"/workshops/{world.workshop.id}/sessions", data={"held_on": day, "hours": "2.5"}
    )
    assert response.status_code == 302 and "/roll" in response.headers["Location"]
    assert (
        db.session.scalar(
            sa.select(WorkshopSession.centihours).order_by(WorkshopSession.id.desc()).limit(1)
        )
        == 250
    )


def test_a_session_with_bad_hours_is_refused_plainly(client, world):
    """Hours outside the choices are a 400 page, not a crash, and make no session."""
    sign_in(client, world.users["supervisor"])
    before = row_counts(WorkshopSession)
    response = client.post(
        f"/workshops/{world.workshop.id}/sessions", data={"held_on": "2026-03-09", "hours": "99"}
    )
    error_page(response, 400)
    assert row_counts(WorkshopSession) == before


def test_adding_and_removing_participants(client, world, db):
    """Tick people of the site to add them; remove one again."""
    ana, bea = make_people(world.sites["ORA"], world.programmes["STEP"], 2)
    sign_in(client, world.users["supervisor"])
    client.post(
        f"/workshops/{world.workshop.id}/participants",
        data={"people": [ana.maker_code, bea.maker_code]},
    )
    client.post(f"/workshops/{world.workshop.id}/participants/{ana.id}/remove")
    db.session.refresh(world.workshop)
    assert {p.display_name for p in world.workshop.participants} == {"Elena", "Person02"}


@pytest.mark.usefixtures("db")
def test_the_roll_screen_shows_tiles_and_the_count(client, world):
    """One tile per participant with its status; the count reads "1 present, 0 absent"."""
    make_attendance(world.session, world.elena, "present")
    sign_in(client, world.users["supervisor"])
    page = client.get(f"/sessions/{world.session.id}/roll").get_data(as_text=True)
    assert f'data-code="{world.elena.maker_code}"' in page
    assert 'data-status="present"' in page and "1 present, 0 absent" in page
    assert 'data-csrf="' in page


def test_saving_the_roll_from_the_screen(client, world, db):
    """The screen's JSON save writes the marks and answers with the counts."""
    sign_in(client, world.users["supervisor"])
    response = client.post(
        f"/sessions/{world.session.id}/roll",
        json={"records": [{"beneficiary": world.elena.maker_code, "status": "absent"}]},
    )
    assert response.status_code == 200
    assert response.get_json()["counts"]["absent"] == 1
    assert db.session.scalar(sa.select(Attendance.status)) == "absent"


def test_a_refused_save_answers_json_the_screen_can_show(client, world, db):
    """Another site's person → 400 JSON naming her; garbage → 400 JSON."""
    sign_in(client, world.users["supervisor"])
    url = f"/sessions/{world.session.id}/roll"
    response = client.post(
        url, json={"records": [{"beneficiary": world.oksana.maker_code, "status": "present"}]}
    )
    assert response.status_code == 400
    assert world.oksana.maker_code in response.get_json()["error"]["message"]
    response = client.post(url, data="not json", content_type="text/plain")
    assert response.status_code == 400 and response.get_json()["error"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Attendance)) == 0


@pytest.mark.usefixtures("db")
def test_her_training_page(client, world):
    """Elena sees her session and 3 hours of training; it is on her home page too."""
    make_attendance(world.session, world.elena, "present")
    sign_in(client, world.users["beneficiary"])
    page = client.get("/me/training").get_data(as_text=True)
    assert world.workshop.title in page
    assert re.search(r'class="big-figure">3<', page)
    assert "/me/training" in client.get("/me").get_data(as_text=True)


def _roll_world(world, n):
    """A fresh ORA workshop with ``n`` people and one past session, half of them marked."""
    people = make_people(world.sites["ORA"], world.programmes["STEP"], n, prefix=f"R{n}-")
    workshop = make_workshop(world.sites["ORA"], world.programmes["STEP"], participants=people)
    session = make_session(workshop)
    for person in people[: n // 2]:
        make_attendance(session, person, "absent")
    return people, session


@pytest.mark.parametrize("what", ["open", "save"])
def test_the_roll_runs_a_fixed_number_of_queries(client, world, count_queries, what):
    """Opening and saving the roll cost the same with 5 people as with 30."""
    sign_in(client, world.users["supervisor"])
    counts = []
    for n in (5, 30):
        people, session = _roll_world(world, n)
        url = f"/sessions/{session.id}/roll"
        records = [{"beneficiary": p.maker_code, "status": "present"} for p in people]
        with count_queries() as q:
            if what == "open":
                response = client.get(url)
            else:
                response = client.post(url, json={"records": records})
        assert response.status_code == 200
        counts.append(q.count)
    assert counts[0] == counts[1], counts
    assert counts[1] <= 12, q.report()


def test_the_workshop_page_runs_a_fixed_number_of_queries(client, world, count_queries):
    """Rates for 5 or 30 people cost the same number of queries."""
    sign_in(client, world.users["supervisor"])
    counts = []
    for n in (5, 30):
        _people, session = _roll_world(world, n)
        with count_queries() as q:
            assert client.get(f"/workshops/{session.workshop_id}").status_code == 200
        counts.append(q.count)
    assert counts[0] == counts[1], counts
