"""The account lifecycle: the coordinator disables, re-enables, moves and resets accounts;
a maker who leaves is signed out; erasure forgets where she signed in from."""

import json

import pytest
import sqlalchemy as sa

from atelier.audit import AuditEntry
from atelier.auth.models import User
from tests.conftest import bearer, sign_in
from tests.factories import PASSWORD, make_beneficiary, make_people, make_user
from tests.refusals import api_error, error_page

NEW_PASSWORD = "a brand new password"


def _admin(app, world):
    """A client signed in as the coordinator."""
    client = app.test_client()
    sign_in(client, world.users["admin"])
    return client


def _actions(db, user_id) -> list[dict]:
    """The audit entries about one account: action and parsed details, oldest first."""
    rows = db.session.execute(
        sa.select(AuditEntry.action, AuditEntry.details)
        .where(AuditEntry.entity_type == "users", AuditEntry.entity_id == str(user_id))
        .order_by(AuditEntry.id)
    ).all()
    return [{"action": action, **json.loads(details)} for action, details in rows]


def _last(db, user_id, action) -> dict | None:
    """The latest audit entry of this action about one account (its details), or None."""
    found = [e for e in _actions(db, user_id) if e["action"] == action]
    return found[-1] if found else None


def _signs_in(app, username, password) -> bool:
    """True if the sign-in page lets this username and password in."""
    response = app.test_client().post("/sign-in", data={"username": username, "password": password})
    return response.status_code == 302


def test_disabling_signs_a_supervisor_out_of_her_open_session_and_her_tokens(app, db, world):
    """A supervisor who leaves: her signed-in tablet is sent to sign in, her token is refused,
    and she cannot sign in again."""
    supervisor = world.users["supervisor"]
    tablet = app.test_client()
    sign_in(tablet, supervisor)
    headers = bearer(supervisor)
    assert tablet.get("/people").status_code == 200
    assert tablet.get("/api/v1/beneficiaries?site=ORA", headers=headers).status_code == 200

    page = _admin(app, world).get(f"/admin/users/{supervisor.id}")
    assert page.status_code == 200 and b"Disable account" in page.data
    done = _admin(app, world).post(f"/admin/users/{supervisor.id}/disable", follow_redirects=True)
    assert b"signed out everywhere" in done.data and b"Enable account" in done.data

    again = tablet.get("/people")
    assert again.status_code == 302 and "/sign-in" in again.headers["Location"]
    api_error(tablet.get("/api/v1/beneficiaries?site=ORA", headers=headers), 401, "unauthorized")
    assert not _signs_in(app, supervisor.username, PASSWORD)
    assert _last(db, supervisor.id, "users.disable")["tokens_revoked"] == 1


def test_an_enabled_account_signs_in_again(app, db, world):
    """Enabling a disabled account lets its owner back in with her password."""
    shop = world.users["shop"]
    admin = _admin(app, world)
    admin.post(f"/admin/users/{shop.id}/disable")
    assert not _signs_in(app, shop.username, PASSWORD)
    response = admin.post(f"/admin/users/{shop.id}/enable", follow_redirects=True)
    assert b"Account enabled." in response.data
    assert _signs_in(app, shop.username, PASSWORD)
    changes = [
        e["action"]
        for e in _actions(db, shop.id)
        if e["action"] in ("users.disable", "users.enable")
    ]
    assert changes[-2:] == ["users.disable", "users.enable"]


def test_a_phone_signed_in_before_disabling_stays_signed_out_after_enabling(app, db, world):
    """Her phone was taken, so the coordinator disabled her account; enabling it again (for
    her new phone) must not sign the old phone back in."""
    maker = world.users["beneficiary"]
    old_phone = app.test_client()
    sign_in(old_phone, maker)
    assert old_phone.get("/me/earnings").status_code == 200
    admin = _admin(app, world)
    admin.post(f"/admin/users/{maker.id}/disable")
    admin.post(f"/admin/users/{maker.id}/enable")
    assert db.session.get(User, maker.id).is_enabled
    assert old_phone.get("/me/earnings").status_code == 302  # to the sign-in page
    assert _signs_in(app, maker.username, PASSWORD)


def test_the_coordinator_cannot_disable_herself(app, db, world):
    """Locking the only coordinator out is refused with a clear message."""
    admin = world.users["admin"]
    response = _admin(app, world).post(f"/admin/users/{admin.id}/disable", follow_redirects=True)
    assert b"You cannot disable your own account." in response.data
    assert db.session.get(User, admin.id).is_enabled
    assert _admin(app, world).get("/admin/users").status_code == 200
    own_page = _admin(app, world).get(f"/admin/users/{admin.id}").get_data(as_text=True)
    assert "Disable account" not in own_page  # not offered at all


def test_moving_a_supervisor_changes_whose_records_she_reads(app, db, world):
    """Moved from Oradea to Bucharest, a supervisor no longer opens Oradea's makers; the
    move is audited with the sites before and after."""
    supervisor = world.users["supervisor"]
    tablet = app.test_client()
    sign_in(tablet, supervisor)
    assert tablet.get(f"/people/{world.elena.id}").status_code == 200
    response = _admin(app, world).post(
        f"/admin/users/{supervisor.id}/sites", data={"sites": ["BUC"]}, follow_redirects=True
    )
    assert b"Sites saved." in response.data
    error_page(tablet.get(f"/people/{world.elena.id}"), 403)
    assert tablet.get(f"/people/{world.oksana.id}").status_code == 200
    assert _last(db, supervisor.id, "users.sites") == {
        "action": "users.sites",
        "before": ["ORA"],
        "after": ["BUC"],
    }


def test_sites_follow_the_role(app, db, world):
    """Shop staff get shops, supervisors ateliers, and nobody is left without a site: a
    refused change keeps the old sites and says why."""
    admin = _admin(app, world)
    shop, supervisor = world.users["shop"], world.users["supervisor"]
    page = admin.get(f"/admin/users/{shop.id}").get_data(as_text=True)
    assert "RTM" in page and "WEB" in page and 'value="ORA"' not in page
    none = admin.post(f"/admin/users/{supervisor.id}/sites", data={})
    assert none.status_code == 200 and b"at least one site" in none.data
    wrong = admin.post(f"/admin/users/{shop.id}/sites", data={"sites": ["ORA"]})
    assert wrong.status_code == 200 and b"Save sites" in wrong.data
    assert [s.code for s in db.session.get(User, shop.id).sites] == ["AMS"]
    assert [s.code for s in db.session.get(User, supervisor.id).sites] == ["ORA"]


def test_a_maker_who_forgot_her_password_gets_a_new_one(app, db, world):
    """The coordinator sets a new password: the old one stops working, the new one works,
    every token of hers is revoked, and the password is nowhere in the audit log."""
    maker = world.users["beneficiary"]
    headers = bearer(maker)
    assert app.test_client().get("/api/v1/me/earnings", headers=headers).status_code == 200
    short = _admin(app, world).post(f"/admin/users/{maker.id}/password", data={"password": "short"})
    assert short.status_code == 200 and _signs_in(app, maker.username, PASSWORD)
    response = _admin(app, world).post(
        f"/admin/users/{maker.id}/password", data={"password": NEW_PASSWORD}, follow_redirects=True
    )
    assert b"New password set" in response.data
    assert not _signs_in(app, maker.username, PASSWORD)
    assert _signs_in(app, maker.username, NEW_PASSWORD)
    api_error(app.test_client().get("/api/v1/me/earnings", headers=headers), 401, "unauthorized")
    assert _last(db, maker.id, "users.password_reset") == {
        "action": "users.password_reset",
        "tokens_revoked": 1,
    }
    details = " ".join(db.session.scalars(sa.select(AuditEntry.details)))
    assert NEW_PASSWORD not in details and "argon2" not in details


@pytest.mark.usefixtures("db")
def test_a_new_password_ends_sessions_opened_with_the_old_one(app, world):
    """Someone who knew her old password and is signed in on another phone is signed out
    when the coordinator sets a new one; the new password signs in as usual."""
    maker = world.users["beneficiary"]
    other_phone = app.test_client()
    assert (
        other_phone.post(
            "/sign-in", data={"username": maker.username, "password": PASSWORD}
        ).status_code
        == 302
    )
    assert other_phone.get("/me").status_code == 200
    _admin(app, world).post(f"/admin/users/{maker.id}/password", data={"password": NEW_PASSWORD})
    again = other_phone.get("/me")
    assert again.status_code == 302 and "/sign-in" in again.headers["Location"]
    her_phone = app.test_client()
    her_phone.post("/sign-in", data={"username": maker.username, "password": NEW_PASSWORD})
    assert her_phone.get("/me").status_code == 200


@pytest.mark.usefixtures("db")
def test_a_session_cookie_with_a_bare_id_is_not_enough(app, world):
    """A session that names only the account id (not its key) is treated as signed out."""
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = str(world.users["admin"].id)
    response = client.get("/admin/users")
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


def test_a_maker_who_leaves_is_signed_out(app, db, world):
    """Marking a maker as left disables her account: her phone's session and her token stop
    working, and the disabling is in the audit log."""
    maker = world.users["beneficiary"]
    phone = app.test_client()
    sign_in(phone, maker)
    headers = bearer(maker)
    assert phone.get("/me").status_code == 200
    _admin(app, world).post(f"/people/{world.elena.id}/exit")
    assert phone.get("/me").status_code == 302
    api_error(phone.get("/api/v1/me/earnings", headers=headers), 401, "unauthorized")
    assert not _signs_in(app, maker.username, PASSWORD)
    assert _last(db, maker.id, "users.disable")["reason"] == "exit"


def test_erasure_forgets_where_she_signed_in_from(app, db, world):
    """After anonymisation her IP address is nowhere in the audit log: not on her sign-ins,
    her API calls, nor a failed sign-in under her username."""
    maker = world.users["beneficiary"]
    where = {"REMOTE_ADDR": "203.0.113.77"}
    phone = app.test_client()
    phone.post(
        "/sign-in",
        data={"username": maker.username, "password": "wrong password"},
        environ_base=where,
    )
    assert (
        phone.post(
            "/sign-in", data={"username": maker.username, "password": PASSWORD}, environ_base=where
        ).status_code
        == 302
    )
    token = phone.post(
        "/api/v1/tokens",
        json={"username": maker.username, "password": PASSWORD},
        environ_base=where,
    )
    assert token.status_code == 201
    staff = make_user("supervisor", sites=[world.sites["ORA"]])
    db.session.add(AuditEntry(action="people.view", user_id=staff.id, remote_addr="198.51.100.9"))
    db.session.commit()
    addresses = db.session.scalars(sa.select(AuditEntry.remote_addr))
    assert "203.0.113.77" in set(addresses)

    _admin(app, world).post(f"/people/{world.elena.id}/anonymise")

    rows = db.session.execute(sa.select(AuditEntry.__table__)).all()
    assert rows and "203.0.113.77" not in repr(rows)
    assert "198.51.100.9" in repr(rows)  # other people's entries keep theirs


def test_an_anonymised_maker_s_account_stays_disabled(app, db, world):
    """Enabling the account of someone erased is refused."""
    maker = world.users["beneficiary"]
    admin = _admin(app, world)
    admin.post(f"/people/{world.elena.id}/anonymise")
    response = admin.post(f"/admin/users/{maker.id}/enable", follow_redirects=True)
    assert b"stays disabled" in response.data
    assert not db.session.get(User, maker.id).is_enabled


def test_the_account_list_shows_who_is_disabled_and_reading_an_account_is_audited(app, db, world):
    """The users list marks disabled accounts and links to each account's page; opening a
    maker's account page is in the audit log."""
    leaver = make_beneficiary(world.sites["ORA"], world.programmes["STEP"])
    account = make_user("beneficiary", beneficiary=leaver, is_enabled=False)
    db.session.commit()
    admin = _admin(app, world)
    listing = admin.get("/admin/users").get_data(as_text=True)
    assert f"/admin/users/{account.id}" in listing and "Disabled" in listing
    page = admin.get(f"/admin/users/{account.id}").get_data(as_text=True)
    assert leaver.maker_code in page and "Enable account" in page
    assert _last(db, account.id, "users.view") is not None


@pytest.mark.usefixtures("db")
def test_the_coordinator_lists_who_left_and_is_not_yet_anonymised(app, world):
    """So that erasure is not forgotten: the filtered list holds exactly those who left and
    still have their name."""
    left, erased, staying = make_people(
        world.sites["ORA"], world.programmes["STEP"], 3, prefix="Zara"
    )
    admin = _admin(app, world)
    admin.post(f"/people/{left.id}/exit")
    admin.post(f"/people/{erased.id}/anonymise")
    page = admin.get("/people?left=1").get_data(as_text=True)
    assert left.display_name in page
    assert staying.display_name not in page and "Elena" not in page
    assert erased.maker_code not in page
    everyone = admin.get("/people").get_data(as_text=True)
    assert staying.display_name in everyone and "Left, not yet anonymised" in everyone
