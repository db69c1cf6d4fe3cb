"""API: POST /workshops, POST /workshops/{id}/sessions, PUT /sessions/{id}/attendance."""

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from atelier.extensions import db as _db
from atelier.workshops.models import Attendance, Workshop, WorkshopSession
from tests.conftest import bearer
from tests.factories import make_beneficiary, workshop_body
from tests.refusals import api_error, row_counts


def test_create_a_workshop_with_participants(client, world):
    """201 with an id and the participants by maker code."""
    response = client.post(
        "/api/v1/workshops",
        headers=bearer(world.users["supervisor"]),
        json=workshop_body(stipend_per_hour_cents=500, participants=[world.elena.maker_code]),
    )
    assert response.status_code == 201
    body = response.get_json()
    assert body["id"] and body["participants"] == [world.elena.maker_code]


def test_a_workshop_with_a_stranger_is_refused_naming_her(client, world):
    """Oksana of BUC cannot join an ORA workshop."""
    response = client.post(
        "/api/v1/workshops",
        headers=bearer(world.users["admin"]),
        json=workshop_body(participants=[world.oksana.maker_code]),
    )
    assert response.status_code == 400
    assert world.oksana.maker_code in response.get_json()["error"]["message"]


def test_a_bad_kind_is_a_400(client, world):
    """Only vocational, life_skills and parenting."""
    response = client.post(
        "/api/v1/workshops",
        headers=bearer(world.users["admin"]),
        json=workshop_body(kind="yoga"),
    )
    assert "kind" in api_error(response, 400, "invalid")["fields"]
    assert row_counts(Workshop) == [1]


def test_add_a_session(client, world):
    """201 with the date and hours as a decimal string."""
    response = client.post(
        f"/api/v1/workshops/{world.workshop.id}/sessions",
        headers=bearer(world.users["supervisor"]),
        json={"date": "2026-03-09", "hours": "2.5"},
    )
    assert response.status_code == 201
    body = response.get_json()
    assert body["id"] and body["hours"] == "2.5" and body["date"] == "2026-03-09"


def test_session_hours_and_dates_are_checked(client, world, db):
    """0 hours, 12.5 hours, a number instead of a string, a date decades ahead → 400."""
    url = f"/api/v1/workshops/{world.workshop.id}/sessions"
    headers = bearer(world.users["supervisor"])
    far = (date.today() + timedelta(days=3650)).isoformat()
    for body, field in [
        ({"date": "2026-03-09", "hours": "0"}, "hours"),
        ({"date": "2026-03-09", "hours": "12.5"}, "hours"),
        ({"date": "2026-03-09", "hours": 3}, "hours"),
        ({"date": far, "hours": "3"}, "date"),
        ({"date": "2026-02-30", "hours": "3"}, "date"),
    ]:
        response = client.post(url, headers=headers, json=body)
        assert response.status_code == 400, body
        assert field in response.get_json()["error"]["fields"], body
    assert db.session.scalar(sa.select(sa.func.count()).select_from(WorkshopSession)) == 1


def test_another_sites_workshop_is_403(client, world):
    """BUC's supervisor cannot add a session to ORA's workshop, whatever the body."""
    before = row_counts(WorkshopSession, Attendance)
    response = client.post(
        f"/api/v1/workshops/{world.workshop.id}/sessions",
        headers=bearer(world.users["supervisor_other"]),
        json={"date": "2026-03-09", "hours": "99"},
    )
    api_error(response, 403, "forbidden")
    response = client.put(
        f"/api/v1/sessions/{world.session.id}/attendance",
        headers=bearer(world.users["supervisor_other"]),
        json={"records": []},
    )
    api_error(response, 403, "forbidden")
    assert row_counts(WorkshopSession, Attendance) == before


def test_unknown_workshop_or_session_is_404(client, world):
    """No such id → 404, and no session is made."""
    headers = bearer(world.users["admin"])
    before = row_counts(WorkshopSession)
    no_workshop = client.post(
        "/api/v1/workshops/999999/sessions",
        headers=headers,
        json={"date": "2026-03-09", "hours": "3"},
    )
    api_error(no_workshop, 404, "not_found")
    no_session = client.put(
        "/api/v1/sessions/999999/attendance", headers=headers, json={"records": []}
    )
    api_error(no_session, 404, "not_found")
    assert row_counts(WorkshopSession) == before


def test_put_attendance_is_repeatable_and_adds_site_people(client, world, db):
    """Set, then change, the roll; an ORA person not yet in the workshop joins it."""
    ana = make_beneficiary(world.sites["ORA"], world.programmes["STEP"], display_name="Ana")
    url = f"/api/v1/sessions/{world.session.id}/attendance"
    headers = bearer(world.users["supervisor"])
    body = {
        "records": [
            {"beneficiary": world.elena.maker_code, "status": "present"},
            {"beneficiary": ana.maker_code, "status": "absent"},
        ]
    }
    response = client.put(url, headers=headers, json=body)
    assert response.status_code == 200
    assert response.get_json()["counts"] == {"present": 1, "absent": 1, "excused": 0}
    response = client.put(
        url,
        headers=headers,
        json={"records": [{"beneficiary": ana.maker_code, "status": "excused"}]},
    )
    assert response.get_json()["counts"] == {"present": 1, "absent": 0, "excused": 1}
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Attendance)) == 2
    db.session.refresh(world.workshop)
    assert {p.display_name for p in world.workshop.participants} == {"Elena", "Ana"}


def test_put_attendance_names_strangers_and_changes_nothing(client, world, db):
    """Another site's person or an unknown code → 400 naming them, with one and the same
    reason for both (a supervisor learns nothing about other sites); nothing is written."""
    response = client.put(
        f"/api/v1/sessions/{world.session.id}/attendance",
        headers=bearer(world.users["supervisor"]),
        json={
            "records": [
                {"beneficiary": world.elena.maker_code, "status": "present"},
                {"beneficiary": world.oksana.maker_code, "status": "present"},
                {"beneficiary": "QQQQQQ", "status": "present"},
            ]
        },
    )
    error = api_error(response, 400, "invalid")
    assert world.oksana.maker_code in error["message"] and "QQQQQQ" in error["message"]
    other_site = error["fields"]["records.1.beneficiary"]
    unknown = error["fields"]["records.2.beneficiary"]
    assert other_site.replace(world.oksana.maker_code, "<code>") == unknown.replace(
        "QQQQQQ", "<code>"
    )
    assert "another site" not in other_site
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Attendance)) == 0


@pytest.mark.usefixtures("db")
def test_maker_codes_are_read_in_any_letter_case(client, world):
    """A code typed in lower case on a phone is the same maker (as in production logging);
    the same maker twice in one roll, in two cases, is still listed twice."""
    url = f"/api/v1/sessions/{world.session.id}/attendance"
    headers = bearer(world.users["supervisor"])
    code = world.elena.maker_code
    response = client.put(
        url,
        headers=headers,
        json={"records": [{"beneficiary": f" {code.lower()}", "status": "present"}]},
    )
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["counts"]["present"] == 1
    twice = client.put(
        url,
        headers=headers,
        json={
            "records": [
                {"beneficiary": code, "status": "absent"},
                {"beneficiary": code.lower(), "status": "absent"},
            ]
        },
    )
    assert "records.1.beneficiary" in api_error(twice, 400, "invalid")["fields"]
    _db.session.expire_all()
    assert _db.session.scalars(sa.select(Attendance.status)).all() == ["present"]


def test_put_attendance_refuses_a_bad_status(client, world):
    """Only present, absent, excused."""
    response = client.put(
        f"/api/v1/sessions/{world.session.id}/attendance",
        headers=bearer(world.users["supervisor"]),
        json={"records": [{"beneficiary": world.elena.maker_code, "status": "late"}]},
    )
    assert response.status_code == 400
    assert "records.0.status" in response.get_json()["error"]["fields"]


def test_the_calls_are_in_the_openapi_document(client):
    """Machines can discover them."""
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    for path in (
        "/beneficiaries",
        "/workshops",
        "/workshops/{workshop_id}/sessions",
        "/sessions/{session_id}/attendance",
    ):
        assert any(p.endswith(path) for p in paths), path
