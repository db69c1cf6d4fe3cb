"""API: sites, programmes and users, created by the coordinator."""

import sqlalchemy as sa

from atelier.auth.models import User
from atelier.extensions import db
from atelier.org.models import Site
from tests.conftest import bearer
from tests.factories import make_beneficiary
from tests.refusals import api_error, row_counts


def test_create_site(client, world):
    """A site is created with its currency and timezone."""
    response = client.post(
        "/api/v1/sites",
        headers=bearer(world.users["admin"]),
        json={
            "code": "UTR",
            "name": "Reshare Utrecht",
            "kind": "shop",
            "currency": "EUR",
            "timezone": "Europe/Amsterdam",
        },
    )
    assert response.status_code == 201
    assert response.get_json()["code"] == "UTR"


def test_site_with_bad_values_names_each_field(client, world):
    """A bad code, currency and timezone are each named; a taken code is a conflict."""
    headers = bearer(world.users["admin"])
    bad = client.post(
        "/api/v1/sites",
        headers=headers,
        json={
            "code": "a b",
            "name": "X",
            "kind": "shop",
            "currency": "euro",
            "timezone": "Mars/Base",
        },
    )
    assert set(api_error(bad, 400, "invalid")["fields"]) == {"code", "currency", "timezone"}
    before = row_counts(Site)
    taken = client.post(
        "/api/v1/sites",
        headers=headers,
        json={
            "code": "AMS",
            "name": "X",
            "kind": "shop",
            "currency": "EUR",
            "timezone": "Europe/Amsterdam",
        },
    )
    api_error(taken, 409, "conflict")
    assert row_counts(Site) == before
    assert db.session.scalar(sa.select(Site.name).where(Site.code == "AMS")) != "X"


def test_create_users_for_each_role(client, world):
    """Supervisors and shop staff need sites; a beneficiary account needs her maker code."""
    headers = bearer(world.users["admin"])
    shop = client.post(
        "/api/v1/users",
        headers=headers,
        json={"username": "joke", "password": "a long password", "role": "shop", "sites": ["AMS"]},
    )
    assert shop.status_code == 201
    assert shop.get_json() | {"id": 0} == {
        "id": 0,
        "username": "joke",
        "role": "shop",
        "sites": ["AMS"],
    }
    no_site = client.post(
        "/api/v1/users",
        headers=headers,
        json={"username": "sup2", "password": "a long password", "role": "supervisor"},
    )
    assert no_site.status_code == 400 and "sites" in no_site.get_json()["error"]["fields"]
    newcomer = make_beneficiary(world.sites["ORA"], world.programmes["STEP"])
    maker = client.post(
        "/api/v1/users",
        headers=headers,
        json={
            "username": "mira",
            "password": "a long password",
            "role": "beneficiary",
            "beneficiary": newcomer.maker_code,
        },
    )
    assert maker.status_code == 201
    before = row_counts(User)
    again = client.post(
        "/api/v1/users",
        headers=headers,
        json={
            "username": "oksana2",
            "password": "a long password",
            "role": "beneficiary",
            "beneficiary": world.oksana.maker_code,
        },
    )
    api_error(again, 409, "conflict")
    unknown = client.post(
        "/api/v1/users",
        headers=headers,
        json={
            "username": "who",
            "password": "a long password",
            "role": "beneficiary",
            "beneficiary": "NOPE99",
        },
    )
    assert "NOPE99" in api_error(unknown, 400, "invalid")["fields"]["beneficiary"]
    assert row_counts(User) == before


def test_password_never_comes_back(client, world):
    """The response to creating a user holds no password or hash."""
    response = client.post(
        "/api/v1/users",
        headers=bearer(world.users["admin"]),
        json={"username": "pieter", "password": "a long password", "role": "admin"},
    )
    assert "password" not in response.get_data(as_text=True)
