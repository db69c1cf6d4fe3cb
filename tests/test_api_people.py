"""API: POST /beneficiaries and GET /beneficiaries?site= (API.md, people and training)."""

import pytest
import sqlalchemy as sa

from atelier.audit import AuditEntry
from atelier.people.models import Beneficiary
from atelier.people.rules import MAKER_CODE_ALPHABET
from tests.conftest import bearer
from tests.refusals import api_error, row_counts

ANA = {
    "display_name": "Ana",
    "site": "ORA",
    "programme": "STEP",
    "birth_year": 1990,
    "gender": "female",
    "public_name_consent": False,
}


def test_register_a_beneficiary(client, world):
    """201 with a generated random maker code and the documented fields."""
    response = client.post(
        "/api/v1/beneficiaries", json=ANA, headers=bearer(world.users["supervisor"])
    )
    assert response.status_code == 201
    body = response.get_json()
    assert set(body["maker_code"]) <= set(MAKER_CODE_ALPHABET) and len(body["maker_code"]) == 6
    assert {k: body[k] for k in ANA} == ANA


def test_two_people_get_two_codes(client, world):
    """Codes are random, never handed out twice."""
    headers = bearer(world.users["admin"])
    codes = {
        client.post("/api/v1/beneficiaries", json=ANA, headers=headers).get_json()["maker_code"]
        for _ in range(3)
    }
    assert len(codes) == 3


def test_bad_input_names_the_fields_and_saves_nothing(client, world, db):
    """Unknown fields, wrong types, an empty name and an unknown programme are named."""
    headers = bearer(world.users["admin"])
    response = client.post(
        "/api/v1/beneficiaries", headers=headers, json={**ANA, "surname": "Popescu"}
    )
    assert response.status_code == 400
    assert response.get_json()["error"]["fields"] == {"surname": "unknown field"}
    response = client.post(
        "/api/v1/beneficiaries", headers=headers, json={**ANA, "birth_year": "1990"}
    )
    assert response.status_code == 400 and "birth_year" in response.get_json()["error"]["fields"]
    response = client.post(
        "/api/v1/beneficiaries", headers=headers, json={**ANA, "display_name": "  "}
    )
    assert response.get_json()["error"]["fields"] == {"display_name": "required"}
    response = client.post(
        "/api/v1/beneficiaries", headers=headers, json={**ANA, "programme": "NOPE"}
    )
    assert response.status_code == 400 and "programme" in response.get_json()["error"]["fields"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Beneficiary)) == 2


@pytest.mark.usefixtures("db")
def test_another_sites_supervisor_gets_403(client, world):
    """BUC's supervisor cannot register someone at ORA."""
    before = row_counts(Beneficiary)
    response = client.post(
        "/api/v1/beneficiaries", json=ANA, headers=bearer(world.users["supervisor_other"])
    )
    api_error(response, 403, "forbidden")
    assert row_counts(Beneficiary) == before


def test_list_by_site_is_scoped_and_audited(client, world, db):
    """ORA's list has Elena; BUC's list is refused to ORA's supervisor; the read is logged."""
    headers = bearer(world.users["supervisor"])
    response = client.get("/api/v1/beneficiaries?site=ORA", headers=headers)
    assert response.status_code == 200
    assert [p["maker_code"] for p in response.get_json()] == [world.elena.maker_code]
    api_error(client.get("/api/v1/beneficiaries?site=BUC", headers=headers), 403, "forbidden")
    assert [
        p["display_name"] for p in client.get("/api/v1/beneficiaries", headers=headers).get_json()
    ] == ["Elena"]
    api_error(client.get("/api/v1/beneficiaries?site=XXX", headers=headers), 400, "invalid")
    assert (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(AuditEntry)
            .where(AuditEntry.action == "people.list")
        )
        == 2
    )


def test_shop_staff_and_makers_cannot_list_people(client, world):
    """Shop staff never see maker identity."""
    for role in ("shop", "beneficiary"):
        response = client.get("/api/v1/beneficiaries?site=ORA", headers=bearer(world.users[role]))
        api_error(response, 403, "forbidden")
