"""People pages: the list, adding someone, an audited record, edit, exit and anonymise."""

import pytest
import sqlalchemy as sa

from atelier.audit import AuditEntry
from atelier.people.models import Beneficiary
from tests.conftest import sign_in
from tests.factories import make_people


def test_the_list_shows_only_her_sites_people(client, world):
    """ORA's supervisor sees Elena, not Oksana of BUC."""
    sign_in(client, world.users["supervisor"])
    page = client.get("/people").get_data(as_text=True)
    assert "Elena" in page and "Oksana" not in page and world.elena.maker_code in page


def test_adding_someone_shows_her_new_code(client, world, db):
    """The form registers her and the flash names her maker code."""
    sign_in(client, world.users["supervisor"])
    response = client.post(
        "/people",
        data={
            "display_name": "Ana",
            "site": "ORA",
            "programme": "STEP",
            "birth_year": "1995",
            "gender": "female",
        },
        follow_redirects=True,
    )
    person = db.session.scalar(sa.select(Beneficiary).where(Beneficiary.display_name == "Ana"))
    assert person is not None and person.birth_year == 1995
    assert person.maker_code in response.get_data(as_text=True)


def test_a_bad_form_says_what_is_wrong(client, world, db):
    """A birth year of 2025 is refused on the form itself."""
    sign_in(client, world.users["supervisor"])
    response = client.post(
        "/people",
        data={
            "display_name": "Ana",
            "site": "ORA",
            "programme": "STEP",
            "birth_year": "2025",
            "gender": "female",
        },
    )
    assert response.status_code == 200
    assert "Please correct the marked fields." in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Beneficiary)) == 2


def test_opening_a_record_is_audited(client, world, db):
    """The read is in the audit log with who read it."""
    sign_in(client, world.users["supervisor"])
    assert client.get(f"/people/{world.elena.id}").status_code == 200
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "people.view"))
    assert entry.user_id == world.users["supervisor"].id


def test_editing_a_record(client, world, db):
    """The edit form saves and returns to the record."""
    sign_in(client, world.users["supervisor"])
    response = client.post(
        f"/people/{world.elena.id}/edit",
        data={
            "display_name": "Lena",
            "site": "ORA",
            "programme": "STEP",
            "birth_year": "1988",
            "gender": "female",
            "public_name_consent": "y",
        },
        follow_redirects=True,
    )
    assert "Lena" in response.get_data(as_text=True)
    db.session.refresh(world.elena)
    assert world.elena.display_name == "Lena" and world.elena.public_name_consent


@pytest.mark.usefixtures("db")
def test_admin_marks_exit_then_anonymises(client, world):
    """Both ask for confirmation; afterwards her name is gone from her page."""
    sign_in(client, world.users["admin"])
    page = client.get(f"/people/{world.elena.id}").get_data(as_text=True)
    assert page.count("data-confirm") == 2
    client.post(f"/people/{world.elena.id}/exit")
    response = client.post(f"/people/{world.elena.id}/anonymise", follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "Anonymised" in page and "Elena" not in page and world.elena.maker_code in page


def test_a_supervisor_sees_no_erase_button(client, world):
    """Only a coordinator may anonymise."""
    sign_in(client, world.users["supervisor"])
    page = client.get(f"/people/{world.elena.id}").get_data(as_text=True)
    assert "/anonymise" not in page


def test_the_people_list_runs_a_fixed_number_of_queries(client, world, count_queries):
    """No query per person."""
    sign_in(client, world.users["supervisor"])
    counts = []
    for n in (5, 30):
        make_people(world.sites["ORA"], world.programmes["STEP"], n, prefix=f"P{n}-")
        with count_queries() as q:
            assert client.get("/people").status_code == 200
        counts.append(q.count)
    assert counts[0] == counts[1]
