"""Workshop use cases: create, sessions, the roll (save and load), overview, her training."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from atelier.errors import Conflict, Forbidden, Invalid
from atelier.workshops import attendance, services, sessions
from atelier.workshops.models import Attendance
from tests.factories import make_attendance, make_beneficiary, make_people, make_session


@pytest.fixture(autouse=True)
def _request(app):
    """Services translate their messages, which needs a request's language."""
    with app.test_request_context():
        yield


@pytest.mark.usefixtures("db")
def test_create_a_workshop_with_people_of_its_site(world):
    """Participants named by maker code join the workshop."""
    w = services.create_workshop(
        "Aprons",
        "vocational",
        "ORA",
        "STEP",
        500,
        [world.elena.maker_code],
        actor=world.users["supervisor"],
    )
    assert [p.display_name for p in w.participants] == ["Elena"]
    assert w.stipend_per_hour_cents == 500


@pytest.mark.usefixtures("db")
def test_a_workshop_refuses_people_of_another_site_naming_them(world):
    """Oksana is at BUC; an unknown code is named too."""
    with pytest.raises(Invalid) as caught:
        services.create_workshop(
            "Aprons",
            "vocational",
            "ORA",
            "STEP",
            0,
            [world.oksana.maker_code, "QQQQQQ"],
            actor=world.users["admin"],
        )
    assert world.oksana.maker_code in caught.value.message and "QQQQQQ" in caught.value.message
    assert set(caught.value.fields) == {"participants.0", "participants.1"}


@pytest.mark.usefixtures("db")
def test_a_supervisor_cannot_open_a_workshop_elsewhere(world):
    """BUC is not hers."""
    with pytest.raises(Forbidden):
        services.create_workshop("X", "parenting", "BUC", "STEP", actor=world.users["supervisor"])


@pytest.mark.usefixtures("db")
def test_sessions_check_hours_and_dates(world):
    """Hours are stored as centihours; 13 hours or a date decades ahead are refused."""
    sup = world.users["supervisor"]
    today = services.site_today(world.sites["ORA"])
    session = sessions.create_session(sup, world.workshop.id, today, "2.5")
    assert session.centihours == 250
    with pytest.raises(Invalid) as caught:
        sessions.create_session(sup, world.workshop.id, today + timedelta(days=3650), "13")
    assert set(caught.value.fields) == {"hours", "date"}


def test_saving_a_roll_writes_and_rewrites_marks(db, world):
    """A second save changes a mark in place (same row, so wages' references hold)."""
    sup = world.users["supervisor"]
    counts = attendance.set_attendance(sup, world.session.id, [(world.elena.maker_code, "present")])
    assert counts == {"present": 1, "absent": 0, "excused": 0}
    first = db.session.scalar(sa.select(Attendance.id))
    counts = attendance.set_attendance(sup, world.session.id, [(world.elena.maker_code, "excused")])
    assert counts == {"present": 0, "absent": 0, "excused": 1}
    row = db.session.scalar(sa.select(Attendance))
    db.session.refresh(row)
    assert (row.id, row.status, row.recorded_by_id) == (first, "excused", sup.id)


def test_someone_of_the_site_joins_the_workshop_by_being_on_the_roll(db, world):
    """Quick-add: a person of ORA marked on the roll becomes a participant."""
    newcomer = make_beneficiary(world.sites["ORA"], world.programmes["STEP"], display_name="Ana")
    attendance.set_attendance(
        world.users["supervisor"], world.session.id, [(newcomer.maker_code, "present")]
    )
    db.session.expire_all()
    assert newcomer.id in services.participant_ids(world.workshop.id)


def test_the_roll_refuses_strangers_and_writes_nothing(db, world):
    """Another site's person and an unknown code are named; Elena's mark is not saved either."""
    with pytest.raises(Invalid) as caught:
        attendance.set_attendance(
            world.users["admin"],
            world.session.id,
            [
                (world.elena.maker_code, "present"),
                (world.oksana.maker_code, "present"),
                ("QQQQQQ", "absent"),
            ],
        )
    assert world.oksana.maker_code in caught.value.message
    assert "QQQQQQ" in caught.value.message
    assert set(caught.value.fields) == {"records.1.beneficiary", "records.2.beneficiary"}
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Attendance)) == 0


@pytest.mark.usefixtures("db")
def test_the_roll_refuses_duplicates_and_unknown_statuses(world):
    """The same person twice, or a status like "late", is named."""
    code = world.elena.maker_code
    with pytest.raises(Invalid) as caught:
        attendance.set_attendance(
            world.users["admin"], world.session.id, [(code, "present"), (code, "late")]
        )
    assert set(caught.value.fields) == {"records.1.beneficiary", "records.1.status"}


@pytest.mark.usefixtures("db")
def test_no_roll_for_a_session_that_has_not_happened(world):
    """Tomorrow's session waits for tomorrow."""
    later = make_session(
        world.workshop, services.site_today(world.sites["ORA"]) + timedelta(days=1)
    )
    with pytest.raises(Conflict):
        attendance.set_attendance(
            world.users["admin"], later.id, [(world.elena.maker_code, "present")]
        )


@pytest.mark.usefixtures("db")
def test_another_sites_supervisor_cannot_touch_the_roll(world):
    """BUC's supervisor gets 403 on ORA's session."""
    with pytest.raises(Forbidden):
        attendance.roll_for(world.users["supervisor_other"], world.session.id)


@pytest.mark.usefixtures("db")
def test_the_roll_lists_participants_and_offers_the_rest_of_the_site(world):
    """Participants with their marks; other active ORA people to add; leavers and BUC hidden."""
    ana, _bo = make_people(world.sites["ORA"], world.programmes["STEP"], 2, prefix="Ana")
    gone = make_beneficiary(world.sites["ORA"], world.programmes["STEP"], is_exited=True)
    make_attendance(world.session, world.elena, "absent")
    roll = attendance.roll_for(world.users["supervisor"], world.session.id)
    assert [(p.display_name, s) for p, s in roll.entries] == [("Elena", "absent")]
    others = [p.display_name for p in roll.others]
    assert others == ["Ana01", "Ana02"] and gone.display_name not in others
    assert roll.counts["absent"] == 1 and ana in roll.others


@pytest.mark.usefixtures("db")
def test_the_workshop_overview_gives_each_persons_rate_and_hours(world):
    """Elena: 2 present, 1 absent, 1 excused → 67 %, 6 hours."""
    sessions = [
        make_session(world.workshop, world.session.held_on + timedelta(days=i)) for i in range(1, 4)
    ]
    for session, status in zip(
        [world.session, *sessions], ["present", "present", "absent", "excused"], strict=True
    ):
        make_attendance(session, world.elena, status)
    _workshop, session_rows, people = services.workshop_overview(
        world.users["supervisor"], world.workshop.id
    )
    (row,) = people
    assert (row.tally.present, row.tally.absent, row.tally.excused) == (2, 1, 1)
    assert row.rate == 67 and row.centihours_present == 600
    assert len(session_rows) == 4 and session_rows[0].tally.excused == 1


@pytest.mark.usefixtures("db")
def test_her_training_shows_her_sessions_and_hours(world):
    """Elena sees her two sessions and 3 hours present; Oksana's marks are not hers."""
    other = make_session(world.workshop, world.session.held_on + timedelta(days=1), 150)
    make_attendance(world.session, world.elena, "present")
    make_attendance(other, world.elena, "absent")
    record = attendance.my_training(world.elena.id)
    assert [s for _session, s in record.rows] == ["absent", "present"]
    assert record.centihours_present == 300
    assert attendance.my_training(world.oksana.id).rows == []
