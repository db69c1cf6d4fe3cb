"""People use cases: register, list by site, audited reads, edit, exit, anonymise."""

import json

import pytest
import sqlalchemy as sa

from atelier.audit import AuditEntry
from atelier.auth.models import User
from atelier.errors import Conflict, Forbidden, Invalid
from atelier.people import services
from atelier.people.rules import MAKER_CODE_ALPHABET
from atelier.wages.models import PayPeriod, Payslip
from atelier.wages.payees import set_payee
from tests.factories import make_user


@pytest.fixture(autouse=True)
def _request(app):
    """Services translate their messages, which needs a request's language."""
    with app.test_request_context():
        yield


def test_a_supervisor_registers_someone_with_a_fresh_maker_code(db, world):
    """She gets a random code from the safe alphabet; the audit log has no name."""
    sup = world.users["supervisor"]
    person = services.create_beneficiary("  Ana  ", "ORA", "STEP", 1990, "female", actor=sup)
    assert person.display_name == "Ana"
    assert set(person.maker_code) <= set(MAKER_CODE_ALPHABET)
    assert person.public_name_consent is False
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "people.create"))
    assert "Ana" not in entry.details and person.maker_code in entry.details


@pytest.mark.usefixtures("db")
def test_a_supervisor_cannot_register_at_another_site(world):
    """BUC is not her site."""
    with pytest.raises(Forbidden):
        services.create_beneficiary("Ana", "BUC", "STEP", actor=world.users["supervisor"])


@pytest.mark.usefixtures("db")
def test_bad_fields_are_named(world):
    """Empty name, a toddler's birth year and an unknown gender are each named."""
    with pytest.raises(Invalid) as caught:
        services.create_beneficiary(" ", "ORA", "STEP", 2025, "robot", actor=world.users["admin"])
    assert set(caught.value.fields) == {"display_name", "birth_year", "gender"}


@pytest.mark.usefixtures("db")
def test_people_live_at_an_atelier(world):
    """A shop is no place to register a person."""
    with pytest.raises(Invalid) as caught:
        services.create_beneficiary("Ana", "AMS", "STEP", actor=world.users["admin"])
    assert "site" in caught.value.fields


@pytest.mark.usefixtures("db")
def test_supervisors_see_only_their_sites(world):
    """ORA's supervisor sees Elena, not Oksana; the admin sees both."""
    names = [p.display_name for p in services.list_beneficiaries(world.users["supervisor"])]
    assert names == ["Elena"]
    everyone = services.list_beneficiaries(world.users["admin"])
    assert {p.display_name for p in everyone} == {"Elena", "Oksana"}
    with pytest.raises(Forbidden):
        services.list_beneficiaries(world.users["supervisor"], "BUC")


def test_reading_a_record_is_audited_and_site_checked(db, world):
    """Every staff read lands in the audit log; another site's person is refused."""
    services.read_beneficiary(world.users["supervisor"], world.elena.id)
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "people.view"))
    assert entry.entity_id == str(world.elena.id)
    assert entry.user_id == world.users["supervisor"].id
    with pytest.raises(Forbidden):
        services.read_beneficiary(world.users["supervisor_other"], world.elena.id)


def test_editing_logs_which_fields_changed_not_their_values(db, world):
    """The audit log says "display_name changed", never the old or new name."""
    services.update_beneficiary(
        world.users["supervisor"],
        world.elena.id,
        display_name="Lena",
        site="ORA",
        programme="STEP",
        birth_year=1988,
        gender="female",
        public_name_consent=True,
    )
    assert world.elena.display_name == "Lena"
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "people.update"))
    assert "display_name" in entry.details and "Lena" not in entry.details


@pytest.mark.usefixtures("db")
def test_a_supervisor_cannot_move_someone_to_a_site_she_does_not_run(world):
    """Moving Elena to BUC needs BUC."""
    with pytest.raises(Forbidden):
        services.update_beneficiary(
            world.users["supervisor"],
            world.elena.id,
            display_name="Elena",
            site="BUC",
            programme="STEP",
            birth_year=None,
            gender="female",
            public_name_consent=False,
        )


@pytest.mark.usefixtures("db")
def test_exit_is_recorded_once(world):
    """She is marked as left today; doing it again is a conflict."""
    services.exit_beneficiary(world.users["admin"], world.elena.id)
    assert world.elena.is_exited and world.elena.exited_on is not None
    with pytest.raises(Conflict):
        services.exit_beneficiary(world.users["admin"], world.elena.id)


def _dump(db) -> str:
    """Every row of every table in the database, as text (SQLite and PostgreSQL alike)."""
    inspector = sa.inspect(db.engine)
    parts = []
    with db.engine.connect() as conn:
        for name in inspector.get_table_names():
            for row in conn.execute(sa.text(f'SELECT * FROM "{name}"')):
                parts.append(repr(tuple(row)))
                parts.append(" ".join(str(v) for v in row))
    return "\n".join(parts)


def test_anonymisation_leaves_no_trace_of_her_name_anywhere(db, world):
    """After erasure, no table holds her name or her account's sign-in name; payroll stays."""
    admin = world.users["admin"]
    person = services.create_beneficiary(
        "Zoryana", "ORA", "REFUGEE", 1990, "female", True, actor=admin
    )
    account = make_user("beneficiary", beneficiary=person, username="zoryana.k")
    # things that could carry her name: reads, edits, a failed sign-in under her username
    services.read_beneficiary(world.users["supervisor"], person.id)
    services.update_beneficiary(
        admin,
        person.id,
        display_name="Zoryana Kovalenko",
        site="ORA",
        programme="REFUGEE",
        birth_year=1990,
        gender="female",
        public_name_consent=True,
    )
    db.session.add(
        AuditEntry(
            action="auth.sign_in_failed",
            entity_type="users",
            details=json.dumps({"username": "zoryana.k"}),
        )
    )
    period = PayPeriod(period="2026-02", status="closed", currency="RON")
    db.session.add(period)
    db.session.flush()
    db.session.add(
        Payslip(
            pay_period_id=period.id, beneficiary_id=person.id, currency="RON", total_cents=12345
        )
    )
    set_payee(person.maker_code, "Zoryana Kovalenko", "RO49 AAAA 1B31 0075 9384 0000")
    db.session.commit()
    assert "Zoryana" in _dump(db) and "RO49AAAA1B31007593840000" in _dump(db)

    services.anonymise(db.session.get(type(person), person.id), admin)
    db.session.commit()

    dump = _dump(db)
    for removed in ("Zoryana", "Kovalenko", "zoryana.k", "RO49AAAA1B31007593840000"):
        assert removed not in dump
    person = db.session.get(type(person), person.id)
    assert person.anonymised_at is not None and person.is_exited
    assert person.birth_year is None and not person.public_name_consent
    assert db.session.get(User, account.id).is_enabled is False
    slip = db.session.scalar(sa.select(Payslip).where(Payslip.beneficiary_id == person.id))
    assert slip.total_cents == 12345  # payroll rows stay, pseudonymous
    with pytest.raises(Conflict):
        services.anonymise(person, admin)


def test_anonymisation_scrubs_cyrillic_names_from_json_too(db, world):
    """A name stored JSON-escaped (\\u0417…) is scrubbed as well."""
    admin = world.users["admin"]
    person = services.create_beneficiary("Зоряна", "ORA", "REFUGEE", actor=admin)
    make_user("beneficiary", beneficiary=person, username="Зоряна")
    db.session.add(
        AuditEntry(action="auth.sign_in_failed", details=json.dumps({"username": "Зоряна"}))
    )
    db.session.commit()
    services.anonymise(person, admin)
    db.session.commit()
    dump = _dump(db)
    assert "Зоряна" not in dump and json.dumps("Зоряна")[1:-1] not in dump


@pytest.mark.usefixtures("db")
def test_only_an_admin_anonymises_and_other_areas_can_hook_in(world):
    """Supervisors cannot erase; a hook registered by another area runs with what was removed."""
    with pytest.raises(Forbidden):
        services.anonymise(world.elena, world.users["supervisor"])
    seen = []
    username = world.users["beneficiary"].username
    hook = services.on_anonymise(lambda _person, removed, _actor: seen.append(set(removed)))
    try:
        services.anonymise(world.elena, world.users["admin"])
    finally:
        services.ANONYMISE_HOOKS.remove(hook)
    assert seen == [{"Elena", username}]
