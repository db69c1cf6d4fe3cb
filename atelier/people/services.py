"""Use cases for beneficiaries: register, list, read (audited), edit, exit and anonymise."""

import json
from collections.abc import Callable

import sqlalchemy as sa
from flask_babel import gettext as _

from atelier import audit
from atelier.audit import AuditEntry
from atelier.auth.models import ApiToken, User
from atelier.auth.services import disable_user
from atelier.authz import require_site, visible_site_ids
from atelier.db import utcnow
from atelier.enums import Gender
from atelier.errors import Conflict, Forbidden, Invalid, NotFound
from atelier.extensions import db
from atelier.org.models import Programme, Site
from atelier.org.services import programme_by_code, site_by_code
from atelier.people import rules
from atelier.people.models import Beneficiary
from atelier.text import bidi_problem
from atelier.timeutil import local_date


class PersonGone(Conflict):
    """The person was anonymised: her record can no longer change."""

    code = "anonymised"


def _today(site: Site):
    """Today's date at a site."""
    return local_date(utcnow(), site.timezone)


def _unique_maker_code() -> str:
    """A maker code no one has yet (collisions are rare: ~27 bits)."""
    for _attempt in range(20):
        code = rules.new_maker_code()
        if not db.session.scalar(sa.select(Beneficiary.id).where(Beneficiary.maker_code == code)):
            return code
    raise Conflict(_("Could not find a free maker code; try again."))  # pragma: no cover


def _check_fields(display_name, site, birth_year, gender, errors: dict) -> str:
    """Validate the editable fields into ``errors``; returns the cleaned display name."""
    name = rules.clean_display_name(display_name)
    problem = rules.display_name_problem(name) or bidi_problem(name)
    if problem:
        errors["display_name"] = problem
    if site is not None and site.kind != "atelier":
        errors["site"] = "people belong to an atelier site"
    if site is not None:
        problem = rules.birth_year_problem(birth_year, _today(site))
        if problem:
            errors["birth_year"] = problem
    if gender not in Gender.values():
        errors["gender"] = f"one of {', '.join(Gender.values())}"
    return name


def _checked(user, display_name, site, programme, birth_year, gender):
    """Resolve site and programme codes, check the user may use the site and the fields are
    valid (Invalid naming each bad one); returns (clean name, site, programme)."""
    site = site_by_code(site) if isinstance(site, str) else site
    programme = programme_by_code(programme) if isinstance(programme, str) else programme
    require_site(user, site.id)
    errors: dict[str, str] = {}
    name = _check_fields(display_name, site, birth_year, gender, errors)
    if errors:
        raise Invalid(_("The person could not be saved."), errors)
    return name, site, programme


def create_beneficiary(
    display_name: str,
    site: Site | str,
    programme: Programme | str,
    birth_year: int | None = None,
    gender: str = "undisclosed",
    public_name_consent: bool = False,
    *,
    actor,
) -> Beneficiary:
    """Register a person at a site the actor works at; she gets a fresh random maker code."""
    name, site, programme = _checked(actor, display_name, site, programme, birth_year, gender)
    person = Beneficiary(
        display_name=name,
        maker_code=_unique_maker_code(),
        site=site,
        programme=programme,
        birth_year=birth_year,
        gender=gender,
        public_name_consent=bool(public_name_consent),
    )
    db.session.add(person)
    db.session.flush()
    # never the display name: the audit log outlives an anonymisation
    audit.record("people.create", person, user=actor, maker_code=person.maker_code, site=site.code)
    return person


def browse_beneficiaries(
    user, site: str | None = None, *, awaiting_erasure: bool = False
) -> list[Beneficiary]:
    """The people list a member of staff opens (page or API): listed, and the read audited.
    ``awaiting_erasure`` keeps those who left and are not anonymised yet."""
    people = list_beneficiaries(user, site, awaiting_erasure=awaiting_erasure)
    audit.record(
        "people.list",
        entity_type="beneficiaries",
        user=user,
        site=site,
        count=len(people),
        **({"awaiting_erasure": True} if awaiting_erasure else {}),
    )
    return people


def list_beneficiaries(
    user,
    site: Site | str | None = None,
    *,
    include_exited: bool = True,
    awaiting_erasure: bool = False,
) -> list[Beneficiary]:
    """The people the user may see (one site if given), by name; one query."""
    query = sa.select(Beneficiary).order_by(Beneficiary.display_name, Beneficiary.id)
    if site is not None:
        site = site_by_code(site) if isinstance(site, str) else site
        require_site(user, site.id)
        query = query.where(Beneficiary.site_id == site.id)
    else:
        allowed = visible_site_ids(user)
        if allowed is not None:
            query = query.where(Beneficiary.site_id.in_(allowed or {-1}))
    if not include_exited:
        query = query.where(Beneficiary.is_exited.is_(False))
    if awaiting_erasure:
        query = query.where(Beneficiary.is_exited.is_(True), Beneficiary.anonymised_at.is_(None))
    return list(db.session.scalars(query))


def beneficiary_by_code(maker_code: str) -> Beneficiary:
    """A maker by her code (any letter case), or NotFound naming the field."""
    maker = db.session.scalar(
        sa.select(Beneficiary).where(Beneficiary.maker_code == rules.normal_code(maker_code))
    )
    if maker is None:
        raise NotFound(_("No maker has this code."), {"maker_code": _("Unknown maker code.")})
    return maker


def get_beneficiary(user, beneficiary_id: int) -> Beneficiary:
    """A person of the user's sites, or NotFound / Forbidden (no audit: use read_beneficiary)."""
    person = db.session.get(Beneficiary, beneficiary_id)
    if person is None:
        raise NotFound(_("No such person."))
    if user.role not in ("admin", "supervisor"):
        raise Forbidden(_("Your role may not do this."))
    require_site(user, person.site_id)
    return person


def read_beneficiary(user, beneficiary_id: int) -> Beneficiary:
    """A person's record for staff to look at; the read goes into the audit log."""
    person = get_beneficiary(user, beneficiary_id)
    audit.record("people.view", person, user=user, maker_code=person.maker_code)
    return person


def update_beneficiary(
    user,
    beneficiary_id: int,
    *,
    display_name: str,
    site: Site | str,
    programme: Programme | str,
    birth_year: int | None,
    gender: str,
    public_name_consent: bool,
) -> Beneficiary:
    """Change a person's record; moving her needs access to both sites."""
    person = get_beneficiary(user, beneficiary_id)
    if person.anonymised_at is not None:
        raise PersonGone(_("This person was anonymised; her record cannot change."))
    name, site, programme = _checked(user, display_name, site, programme, birth_year, gender)
    values = {
        "display_name": name,
        "site_id": site.id,
        "programme_id": programme.id,
        "birth_year": birth_year,
        "gender": gender,
        "public_name_consent": bool(public_name_consent),
    }
    changed = sorted(k for k, v in values.items() if getattr(person, k) != v)
    for key, value in values.items():
        setattr(person, key, value)
    person.site, person.programme = site, programme
    db.session.flush()
    # field names only, never their values (a name must not outlive anonymisation)
    audit.record("people.update", person, user=user, changed=changed)
    return person


def exit_beneficiary(user, beneficiary_id: int) -> Beneficiary:
    """Mark a person as having left the programme, today."""
    person = get_beneficiary(user, beneficiary_id)
    if person.is_exited:
        raise Conflict(_("This person has already left."), {"is_exited": "already"})
    person.is_exited = True
    person.exited_on = _today(person.site)
    db.session.flush()
    audit.record("people.exit", person, user=user, exited_on=person.exited_on)
    _close_account(person, user)
    return person


def _close_account(person: Beneficiary, actor) -> None:
    """She has left the programme: her account (if any) is disabled, her tokens revoked."""
    account = db.session.scalar(sa.select(User).where(User.beneficiary_id == person.id))
    if account is not None:
        disable_user(account, actor=actor, reason="exit")


#: functions(person, removed_strings, actor) other areas add to scrub their own copies
#: of a person's identifying text (e.g. wages: payslip line descriptions). They run inside
#: the same transaction, after the person's own fields are replaced, and only ``flush()``.
ANONYMISE_HOOKS: list[Callable] = []


def on_anonymise(hook: Callable) -> Callable:
    """Decorator: run ``hook(person, removed_strings, actor)`` whenever someone is anonymised."""
    if hook not in ANONYMISE_HOOKS:
        ANONYMISE_HOOKS.append(hook)
    return hook


def may_erase(user) -> bool:
    """Erasure is the coordinator's alone (and so is the list of those awaiting it)."""
    return user.role == "admin"


def anonymise(beneficiary: Beneficiary, actor) -> Beneficiary:
    """Erase a person's identity; her pseudonymous records (wages, pieces) stay.

    Replaces the display name, forgets birth year, gender and consent, marks her exited,
    disables and renames her account and scrubs its sign-in name from the audit log.
    """
    person = beneficiary
    if not may_erase(actor):
        raise Forbidden(_("Only a coordinator may anonymise someone."))
    if person.anonymised_at is not None:
        raise PersonGone(_("This person was anonymised already."))
    removed = {person.display_name}
    person.display_name = rules.anonymous_name(person.maker_code)
    person.birth_year = None
    person.gender = "undisclosed"
    person.public_name_consent = False
    if not person.is_exited:
        person.is_exited, person.exited_on = True, _today(person.site)
    person.anonymised_at = utcnow()
    _anonymise_account(person, removed)
    db.session.flush()
    _scrub_audit(removed)
    for hook in ANONYMISE_HOOKS:
        hook(person, frozenset(removed), actor)
    db.session.flush()
    audit.record("people.anonymise", person, user=actor, maker_code=person.maker_code)
    return person


def _anonymise_account(person: Beneficiary, removed: set[str]) -> None:
    """Her sign-in account: disabled, renamed, tokens revoked (its name may be her name)."""
    account = db.session.scalar(sa.select(User).where(User.beneficiary_id == person.id))
    if account is None:
        return
    removed.add(account.username)
    account.username = rules.anonymous_username(person.maker_code)
    account.is_enabled = False
    account.locale = None
    db.session.execute(
        sa.update(ApiToken)
        .where(ApiToken.user_id == account.id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )
    _forget_whereabouts(account.id)


def _forget_whereabouts(user_id: int) -> None:
    """Blank the network address on every audit entry her account made: an address can
    locate her. What was done, and when, stays."""
    db.session.execute(
        sa.update(AuditEntry)
        .where(AuditEntry.user_id == user_id, AuditEntry.remote_addr != "")
        .values(remote_addr="")
        .execution_options(synchronize_session=False)
    )


def _scrub_audit(removed: set[str]) -> None:
    """Replace removed strings where the audit log kept them (e.g. a failed sign-in's name)."""
    forms = {form for text in removed for form in (text, json.dumps(text)[1:-1])}
    for text in sorted(forms, key=len, reverse=True):
        if len(text) < 2:
            continue
        # an entry that names her (a failed sign-in under her username) also keeps where
        # it came from: that goes too
        db.session.execute(
            sa.update(AuditEntry)
            .where(AuditEntry.details.contains(text, autoescape=True))
            .values(details=sa.func.replace(AuditEntry.details, text, "[removed]"), remote_addr="")
            .execution_options(synchronize_session=False)
        )
