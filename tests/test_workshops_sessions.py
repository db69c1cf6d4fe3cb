"""Training hours are what happened: the session form and the roll-call record real hours."""

import json
import re

import sqlalchemy as sa

from atelier.audit import AuditEntry
from atelier.workshops import rules
from atelier.workshops.models import Attendance, WorkshopSession
from atelier.workshops.services import site_today
from tests.conftest import sign_in
from tests.factories import make_session, make_workshop
from tests.refusals import api_error, error_page


def test_the_hours_a_new_session_takes():
    """The usual length first, else the latest session's, else nothing (ask)."""
    assert rules.session_centihours(250, 150) == 250
    assert rules.session_centihours(None, 150) == 150
    assert rules.session_centihours(None, None) is None


def test_the_session_form_ticks_the_usual_length(client, world, db):
    """A workshop of 1.75 h sessions: the form offers and ticks 1.75, not 3."""
    world.workshop.default_centihours = 175
    db.session.commit()
    sign_in(client, world.users["supervisor"])
    page = client.get(f"/workshops/{world.workshop.id}").get_data(as_text=True)
    ticked = re.findall(r'<input [^>]*name="hours"[^>]*>', page)
    assert [t for t in ticked if "checked" in t] == [
        '<input checked id="hours-2" name="hours" required type="radio" value="1.75">'
    ]


def test_a_workshop_without_a_length_asks(client, world, db):
    """No usual length and no session yet: nothing is ticked and the form says to choose;
    sending it without hours makes no session."""
    workshop = make_workshop(world.sites["ORA"], world.programmes["STEP"])
    db.session.commit()
    sign_in(client, world.users["supervisor"])
    page = client.get(f"/workshops/{workshop.id}").get_data(as_text=True)
    form = page.split('id="new-session"', 1)[1].split("</form>", 1)[0]
    assert "checked" not in form and 'data-role="no-usual-hours"' in form
    day = site_today(world.sites["ORA"]).isoformat()
    refused = client.post(f"/workshops/{workshop.id}/sessions", data={"held_on": day})
    error_page(refused, 400)
    count = sa.select(sa.func.count()).where(WorkshopSession.workshop_id == workshop.id)
    assert db.session.scalar(count) == 0


def test_a_session_sent_without_hours_takes_the_usual_length(client, world, db):
    """The page's form sent without a tick records the usual 2.5 h."""
    world.workshop.default_centihours = 250
    db.session.commit()
    sign_in(client, world.users["supervisor"])
    day = site_today(world.sites["ORA"]).isoformat()
    response = client.post(f"/workshops/{world.workshop.id}/sessions", data={"held_on": day})
    assert response.status_code == 302
    latest = sa.select(WorkshopSession.centihours).order_by(WorkshopSession.id.desc()).limit(1)
    assert db.session.scalar(latest) == 250


def _today_session(world, db, centihours=250):
    """A session of the world's workshop held today at ORA."""
    session = make_session(world.workshop, site_today(world.sites["ORA"]), centihours=centihours)
    db.session.commit()
    return session


def test_the_roll_shows_the_hours_it_will_record(client, world, db):
    """The roll-call screen shows 2.5 in the hours field, with − and + to change it."""
    session = _today_session(world, db)
    sign_in(client, world.users["supervisor"])
    page = client.get(f"/sessions/{session.id}/roll").get_data(as_text=True)
    assert 'data-role="hours"' in page and 'value="2.5"' in page
    assert 'data-action="hours-down"' in page and 'data-action="hours-up"' in page


def test_saving_the_roll_sets_the_sessions_hours(client, world, db):
    """Saved with 1.5 h: the session is 1.5 h, Elena is present, and the change is audited."""
    session = _today_session(world, db)
    sign_in(client, world.users["supervisor"])
    body = {
        "records": [{"beneficiary": world.elena.maker_code, "status": "present"}],
        "hours": "1,5",
    }
    saved = client.post(f"/sessions/{session.id}/roll", json=body)
    assert saved.status_code == 200 and saved.get_json()["hours"] == "1.5"
    db.session.expire_all()
    assert db.session.get(WorkshopSession, session.id).centihours == 150
    assert (
        db.session.scalar(sa.select(Attendance.status).where(Attendance.session_id == session.id))
        == "present"
    )
    audited = db.session.scalars(
        sa.select(AuditEntry.details).where(AuditEntry.action == "workshops.session_hours")
    ).all()
    assert [json.loads(d) for d in audited] == [
        {"workshop": session.workshop_id, "before": "2.5", "hours": "1.5"}
    ]
    only_hours = client.post(f"/sessions/{session.id}/roll", json={"records": [], "hours": "2"})
    assert only_hours.status_code == 200
    db.session.expire_all()
    assert db.session.get(WorkshopSession, session.id).centihours == 200


def test_bad_hours_at_the_roll_change_nothing(client, world, db):
    """13 hours is refused naming ``hours``; the marks sent with it are not kept either."""
    session = _today_session(world, db)
    sign_in(client, world.users["supervisor"])
    body = {
        "records": [{"beneficiary": world.elena.maker_code, "status": "present"}],
        "hours": "13",
    }
    refused = client.post(f"/sessions/{session.id}/roll", json=body)
    assert "hours" in api_error(refused, 400, "invalid")["fields"]
    db.session.expire_all()
    assert db.session.get(WorkshopSession, session.id).centihours == 250
    assert (
        db.session.scalar(sa.select(sa.func.count()).where(Attendance.session_id == session.id))
        == 0
    )
    other = make_session(
        make_workshop(world.sites["BUC"], world.programmes["STEP"]), site_today(world.sites["BUC"])
    )
    db.session.commit()
    other_site = client.post(f"/sessions/{other.id}/roll", json={"records": [], "hours": "1"})
    api_error(other_site, 403, "forbidden")
    db.session.expire_all()
    assert db.session.get(WorkshopSession, other.id).centihours == 300


def test_the_supervisor_sets_the_usual_length_on_the_workshop_page(client, world, db):
    """2,5 typed in Romanian style becomes the usual 2.5 h, which the session form then
    ticks; a blank clears it; 13 h is refused and changes nothing."""
    sign_in(client, world.users["supervisor"])
    url = f"/workshops/{world.workshop.id}/usual-hours"
    assert client.post(url, data={"default_hours": "2,5"}).status_code == 302
    db.session.expire_all()
    assert world.workshop.default_centihours == 250
    page = client.get(f"/workshops/{world.workshop.id}").get_data(as_text=True)
    assert 'name="default_hours"' in page and 'value="2.5"' in page
    ticked = [t for t in re.findall(r'<input [^>]*name="hours"[^>]*>', page) if "checked" in t]
    assert len(ticked) == 1 and 'value="2.5"' in ticked[0]
    refused = client.post(url, data={"default_hours": "13"}, follow_redirects=True)
    assert "The workshop could not be saved." in refused.get_data(as_text=True)
    db.session.expire_all()
    assert world.workshop.default_centihours == 250
    client.post(url, data={"default_hours": ""})
    db.session.expire_all()
    assert world.workshop.default_centihours is None
    client.post(url, data={"default_hours": ""})  # unchanged: not audited again
    details = db.session.scalars(
        sa.select(AuditEntry.details)
        .where(AuditEntry.action == "workshops.usual_hours")
        .order_by(AuditEntry.id)
    ).all()
    assert [json.loads(d) for d in details] == [
        {"before": None, "hours": "2.5"},
        {"before": "2.5", "hours": None},
    ]
