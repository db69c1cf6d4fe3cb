"""Direction control characters (U+202A–U+202E, U+2066–U+2069) cannot spoof what staff read:
refused in usernames, codes and names, with a 400 or a form error, and nothing saved."""

import pytest
import sqlalchemy as sa

from atelier.auth.models import User
from atelier.catalog.models import ProductType
from atelier.org.models import Programme, Site
from atelier.people.models import Beneficiary
from atelier.text import BIDI_CONTROLS, has_bidi_controls
from tests.conftest import bearer, sign_in

RLO = "\u202e"  # RIGHT-TO-LEFT OVERRIDE: "nimd\u202ea" shows as "nimda" reversed


def _count(db, model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def _refused(response, field: str) -> None:
    """400 ``invalid`` naming ``field`` as holding a direction control."""
    assert response.status_code == 400, response.get_json()
    error = response.get_json()["error"]
    assert error["code"] == "invalid"
    assert "direction control" in error["fields"][field]


def test_a_username_with_an_override_is_refused(client, db, world):
    """An account called "adm‮nimda" (shown as "admadmin") is not created."""
    before = _count(db, User)
    response = client.post(
        "/api/v1/users",
        headers=bearer(world.users["admin"]),
        json={"username": f"shop{RLO}nimda", "password": "correct horse battery", "role": "admin"},
    )
    _refused(response, "username")
    assert _count(db, User) == before


def test_the_users_page_refuses_it_on_the_field(client, db, world):
    """The coordinator's form marks the username and creates nothing."""
    sign_in(client, world.users["admin"])
    before = _count(db, User)
    response = client.post(
        "/admin/users",
        data={"username": "mar\u2067it", "password": "correct horse battery", "role": "admin"},
    )
    assert 'class="field has-error"' in response.text and "direction control" in response.text
    assert _count(db, User) == before


@pytest.mark.parametrize("char", sorted(BIDI_CONTROLS))
def test_a_display_name_with_any_direction_control_is_refused(client, db, world, char):
    """Each of the nine controls in a maker's display name: 400 naming the field."""
    before = _count(db, Beneficiary)
    response = client.post(
        "/api/v1/beneficiaries",
        headers=bearer(world.users["supervisor"]),
        json={
            "display_name": f"Ana{char}Maria",
            "site": "ORA",
            "programme": "STEP",
            "birth_year": 1990,
            "gender": "female",
            "public_name_consent": False,
        },
    )
    _refused(response, "display_name")
    assert _count(db, Beneficiary) == before


def test_the_people_page_refuses_a_spoofed_display_name(client, db, world):
    """The supervisor's form refuses it too, and registers nobody."""
    sign_in(client, world.users["supervisor"])
    before = _count(db, Beneficiary)
    response = client.post(
        "/people",
        data={
            "display_name": f"Ana{RLO}anelE",
            "site": "ORA",
            "programme": "STEP",
            "birth_year": "1995",
            "gender": "female",
        },
    )
    assert "direction control" in response.text
    assert _count(db, Beneficiary) == before


def test_site_and_programme_codes_and_names_are_refused(client, db, world):
    """Site and programme codes and names with a control: 400, nothing created."""
    headers = bearer(world.users["admin"])
    site = {"code": "HAG", "name": "Reshare Den Haag", "kind": "shop"}
    site |= {"currency": "EUR", "timezone": "Europe/Amsterdam"}
    sites, programmes = _count(db, Site), _count(db, Programme)
    bad_code = client.post("/api/v1/sites", headers=headers, json={**site, "code": f"H{RLO}AG"})
    assert bad_code.status_code == 400 and "code" in bad_code.get_json()["error"]["fields"]
    bad_name = client.post("/api/v1/sites", headers=headers, json={**site, "name": f"Re{RLO}x"})
    _refused(bad_name, "name")
    bad_city = client.post("/api/v1/sites", headers=headers, json={**site, "city": f"H{RLO}x"})
    _refused(bad_city, "city")
    programme = client.post(
        "/api/v1/programmes", headers=headers, json={"code": "NEW", "name": f"New{RLO}"}
    )
    _refused(programme, "name")
    assert (_count(db, Site), _count(db, Programme)) == (sites, programmes)


def test_skus_and_product_names_are_refused(client, db, world):
    """A product type's SKU or name with a control: 400, nothing created."""
    headers = bearer(world.users["admin"])
    product = {"sku": "APRON", "name": "Kitchen apron", "price_cents": 2400}
    product |= {"price_currency": "EUR", "piece_rate_cents": 2000, "maker_share_bp": 2000}
    before = _count(db, ProductType)
    bad_sku = client.post(
        "/api/v1/product-types", headers=headers, json={**product, "sku": f"AP{RLO}RON"}
    )
    assert bad_sku.status_code == 400 and "sku" in bad_sku.get_json()["error"]["fields"]
    bad_name = client.post(
        "/api/v1/product-types", headers=headers, json={**product, "name": "Apron\u2066x"}
    )
    _refused(bad_name, "name")
    assert _count(db, ProductType) == before


def test_the_rule_knows_the_nine_controls_and_nothing_else():
    """U+202A–U+202E and U+2066–U+2069 are controls; ordinary text (any script) is not."""
    assert {f"{ord(c):04X}" for c in BIDI_CONTROLS} == {
        "202A", "202B", "202C", "202D", "202E", "2066", "2067", "2068", "2069",
    }  # fmt: skip
    assert not has_bidi_controls("Олена Марія — שרה, Zeynep")
    assert not has_bidi_controls("") and not has_bidi_controls(None)
