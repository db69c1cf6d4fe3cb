"""API: sites, programmes and users, created by the coordinator."""

from tests.conftest import bearer
from tests.factories import make_beneficiary


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
    assert bad.status_code == 400
    assert set(bad.get_json()["error"]["fields"]) == {"code", "currency", "timezone"}
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
    assert taken.status_code == 409


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
    assert again.status_code == 409
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
    assert unknown.status_code == 400
    assert "NOPE99" in unknown.get_json()["error"]["fields"]["beneficiary"]


def test_password_never_comes_back(client, world):
    """The response to creating a user holds no password or hash."""
    response = client.post(
        "/api/v1/users",
        headers=bearer(world.users["admin"]),
        json={"username": "pieter", "password": "a long password", "role": "admin"},
    )
    assert "password" not in response.get_data(as_text=True)
