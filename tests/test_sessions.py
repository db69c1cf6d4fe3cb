"""Browser sessions end on the server: sign-out, idle timeouts, one lookup per page."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from atelier.auth import rules
from atelier.auth.models import UserSession
from atelier.config import from_environment
from atelier.db import utcnow
from tests.factories import PASSWORD


def _signed_in(app, user):
    """A browser signed in through the real sign-in page."""
    browser = app.test_client()
    response = browser.post("/sign-in", data={"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    return browser


def _copy(app, browser):
    """Another browser holding a copy of ``browser``'s session cookie."""
    cookie = browser.get_cookie("session")
    thief = app.test_client()
    thief.set_cookie(cookie.key, cookie.value)
    return thief


def _sent_to_sign_in(response) -> bool:
    return response.status_code == 302 and "/sign-in" in response.headers["Location"]


def test_a_copied_cookie_stops_working_after_sign_out(app, db, world):
    """A supervisor signs out on the shared tablet: a copy of her cookie taken before no
    longer opens her pages; it is sent to sign in."""
    tablet = _signed_in(app, world.users["supervisor"])
    copy = _copy(app, tablet)
    assert copy.get("/atelier").status_code == 200
    assert copy.get("/people").status_code == 200
    assert _sent_to_sign_in(tablet.post("/sign-out"))
    assert _sent_to_sign_in(copy.get("/atelier"))
    assert _sent_to_sign_in(copy.get("/people"))
    assert db.session.scalar(sa.select(sa.func.count(UserSession.id))) == 0


@pytest.mark.usefixtures("db")
def test_signing_out_one_browser_keeps_the_others(app, world):
    """The coordinator signed in on her laptop and a tablet signs out on the tablet only."""
    admin = world.users["admin"]
    laptop, tablet = _signed_in(app, admin), _signed_in(app, admin)
    tablet.post("/sign-out")
    assert laptop.get("/admin/users").status_code == 200
    assert _sent_to_sign_in(tablet.get("/admin/users"))


def _age_sessions(db, by: timedelta) -> None:
    """Pretend every browser session was last used ``by`` ago."""
    db.session.execute(sa.update(UserSession).values(last_seen_at=utcnow() - by))
    db.session.commit()


def test_an_idle_staff_session_times_out(app, db, world):
    """A till PC left signed in overnight (13 hours, the limit is 12) is signed out."""
    till = _signed_in(app, world.users["shop"])
    _age_sessions(db, timedelta(hours=11))
    assert till.get("/shop").status_code == 200
    _age_sessions(db, timedelta(hours=13))
    assert _sent_to_sign_in(till.get("/shop"))


def test_a_maker_stays_signed_in_on_her_phone_for_weeks_but_not_forever(app, db, world):
    """A maker's own phone keeps her signed in for 30 idle days, not 31."""
    phone = _signed_in(app, world.users["beneficiary"])
    _age_sessions(db, timedelta(days=29))
    assert phone.get("/me").status_code == 200
    _age_sessions(db, timedelta(days=31))
    assert _sent_to_sign_in(phone.get("/me"))


def test_using_a_session_keeps_it_alive(app, db, world):
    """A tablet in use all day is not signed out: a page seen after a few minutes moves
    the session's last use on (at most every five minutes, not on every page)."""
    tablet = _signed_in(app, world.users["supervisor"])
    _age_sessions(db, timedelta(hours=11, minutes=59))
    assert tablet.get("/atelier").status_code == 200
    seen = db.session.scalar(sa.select(UserSession.last_seen_at))
    assert utcnow() - seen < timedelta(minutes=1)
    _age_sessions(db, timedelta(minutes=2))
    before = db.session.scalar(sa.select(UserSession.last_seen_at))
    assert tablet.get("/atelier").status_code == 200
    assert db.session.scalar(sa.select(UserSession.last_seen_at)) == before


@pytest.mark.usefixtures("db")
def test_a_page_looks_the_session_up_once(app, world, count_queries):
    """The session check adds no query to a page: the user and her session come in one."""
    tablet = _signed_in(app, world.users["supervisor"])
    with count_queries() as q:
        assert tablet.get("/atelier").status_code == 200
    lookups = [s for s in q.statements if "user_sessions" in s]
    assert len(lookups) == 1 and "users" in lookups[0]


def test_the_idle_timeouts_are_read_from_the_environment(monkeypatch, tmp_path):
    """``SESSION_IDLE_HOURS_STAFF`` and ``SESSION_IDLE_DAYS_MAKER`` set the timeouts."""
    monkeypatch.setenv("SESSION_IDLE_HOURS_STAFF", "2")
    monkeypatch.setenv("SESSION_IDLE_DAYS_MAKER", "7")
    config = from_environment(str(tmp_path))
    staff = rules.session_idle_limit("shop", *_limits(config))
    maker = rules.session_idle_limit("beneficiary", *_limits(config))
    assert (staff, maker) == (timedelta(hours=2), timedelta(days=7))


def _limits(config):
    return config["SESSION_IDLE_HOURS_STAFF"], config["SESSION_IDLE_DAYS_MAKER"]


@pytest.mark.parametrize(
    ("role", "idle", "over"),
    [
        ("admin", timedelta(hours=12), False),
        ("supervisor", timedelta(hours=12, seconds=1), True),
        ("beneficiary", timedelta(days=30), False),
        ("beneficiary", timedelta(days=30, seconds=1), True),
    ],
)
def test_session_idle_rule(role, idle, over):
    """Staff sessions end after 12 idle hours, makers' after 30 idle days."""
    now = utcnow()
    limit = rules.session_idle_limit(role, 12, 30)
    assert rules.session_is_idle(now - idle, now, limit) is over


def test_signing_in_clears_sessions_that_timed_out(app, db, world):
    """Timed-out sessions do not pile up: the next sign-in removes them, live ones stay."""
    _signed_in(app, world.users["shop"])
    _age_sessions(db, timedelta(days=31))
    laptop = _signed_in(app, world.users["admin"])
    _signed_in(app, world.users["supervisor"])
    assert db.session.scalar(sa.select(sa.func.count(UserSession.id))) == 2
    assert laptop.get("/admin/users").status_code == 200
