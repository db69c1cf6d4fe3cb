"""API: a workshop's usual session length, and sessions that take it (never a constant)."""

import pytest
import sqlalchemy as sa

from atelier.workshops.models import WorkshopSession
from tests.conftest import bearer
from tests.factories import make_session, make_workshop, workshop_body

WORKSHOP = workshop_body()


def sessions_of(db, workshop_id: int) -> list[int]:
    """The centihours of a workshop's sessions, oldest first."""
    return db.session.scalars(
        sa.select(WorkshopSession.centihours)
        .where(WorkshopSession.workshop_id == workshop_id)
        .order_by(WorkshopSession.id)
    ).all()


def test_a_session_without_hours_takes_the_workshops_usual_length(client, world, db):
    """A workshop of 2.5 h sessions: a new session without hours is 2.5 h, not 3."""
    headers = bearer(world.users["supervisor"])
    made = client.post(
        "/api/v1/workshops", headers=headers, json={**WORKSHOP, "default_hours": "2.5"}
    )
    assert made.status_code == 201 and made.get_json()["default_hours"] == "2.5"
    workshop_id = made.get_json()["id"]
    session = client.post(
        f"/api/v1/workshops/{workshop_id}/sessions", headers=headers, json={"date": "2026-03-09"}
    )
    assert session.status_code == 201 and session.get_json()["hours"] == "2.5"
    given = client.post(
        f"/api/v1/workshops/{workshop_id}/sessions",
        headers=headers,
        json={"date": "2026-03-10", "hours": "1.5"},
    )
    assert given.get_json()["hours"] == "1.5"
    assert sessions_of(db, workshop_id) == [250, 150]


def test_without_a_usual_length_a_session_takes_the_latest_sessions(client, world, db):
    """No usual length: the latest session's 1.5 h (by date), not the older 2 h."""
    workshop = make_workshop(world.sites["ORA"], world.programmes["STEP"])
    make_session(workshop, held_on=world.session.held_on, centihours=150)
    db.session.commit()
    older = make_session(workshop, centihours=200)
    older.held_on = world.session.held_on.replace(day=1)
    db.session.commit()
    response = client.post(
        f"/api/v1/workshops/{workshop.id}/sessions",
        headers=bearer(world.users["supervisor"]),
        json={"date": "2026-03-09"},
    )
    assert response.status_code == 201 and response.get_json()["hours"] == "1.5"


def test_a_first_session_without_hours_is_refused_naming_hours(client, world, db):
    """No usual length and no session yet: 400 naming ``hours``, and no session is made."""
    workshop = make_workshop(world.sites["ORA"], world.programmes["STEP"])
    db.session.commit()
    response = client.post(
        f"/api/v1/workshops/{workshop.id}/sessions",
        headers=bearer(world.users["supervisor"]),
        json={"date": "2026-03-09"},
    )
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "invalid"
    assert "hours" in response.get_json()["error"]["fields"]
    assert sessions_of(db, workshop.id) == []


@pytest.mark.usefixtures("db")
def test_a_bad_usual_length_is_refused_naming_it(client, world):
    """13 hours or a word is not a session length: 400 ``default_hours``, no workshop."""
    headers = bearer(world.users["supervisor"])
    for bad in ("13", "long", "0"):
        response = client.post(
            "/api/v1/workshops", headers=headers, json={**WORKSHOP, "default_hours": bad}
        )
        assert response.status_code == 400
        assert "default_hours" in response.get_json()["error"]["fields"]
    assert (
        client.post("/api/v1/workshops", headers=headers, json=WORKSHOP).get_json()["default_hours"]
        is None
    )
