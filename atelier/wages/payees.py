"""Bank details of makers: one admin-only table, read for bank transfers, erased on exit."""

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from atelier import audit
from atelier.errors import Conflict, Invalid
from atelier.extensions import db
from atelier.people.models import Beneficiary
from atelier.people.services import beneficiary_by_code, on_anonymise
from atelier.wages.models import Payee
from atelier.wages.rules import normalise_iban


def list_payees() -> list[tuple[Payee, Beneficiary]]:
    """Every stored payee with her maker record (admin only), in one select."""
    audit.record("wages.payees_read", entity_type="payees")
    return list(
        db.session.execute(
            sa.select(Payee, Beneficiary)
            .join(Beneficiary, Beneficiary.id == Payee.beneficiary_id)
            .order_by(Beneficiary.display_name)
        ).all()
    )


def payee_map(ids) -> dict[int, tuple[str, str]]:
    """Holder and IBAN per beneficiary id, for the bank-transfer export."""
    rows = db.session.execute(
        sa.select(Payee.beneficiary_id, Payee.account_holder, Payee.iban).where(
            Payee.beneficiary_id.in_(list(ids))
        )
    )
    return {r.beneficiary_id: (r.account_holder, r.iban) for r in rows}


def with_bank_details(ids) -> set[int]:
    """Which of these beneficiaries have bank details kept (one select)."""
    ids = list(ids)
    if not ids:
        return set()
    return set(
        db.session.scalars(sa.select(Payee.beneficiary_id).where(Payee.beneficiary_id.in_(ids)))
    )


def missing_bank_details(slips, paid_by_bank: set[int]) -> list[str]:
    """Maker codes of the slips with money due (a positive total) and no bank details."""
    return sorted(
        s.maker_code for s in slips if s.total_cents > 0 and s.beneficiary_id not in paid_by_bank
    )


def check_bank_details(view):
    """Mark on a month's view who can be paid by bank and who cannot (one select)."""
    view.paid_by_bank = with_bank_details(s.beneficiary_id for s in view.slips)
    view.missing_bank_details = missing_bank_details(view.slips, view.paid_by_bank)
    return view


def set_payee(maker_code: str, account_holder: str, iban: str) -> Payee:
    """Store (or replace) where a maker's pay goes; 400 naming a bad field."""
    maker = beneficiary_by_code(maker_code)
    holder = (account_holder or "").strip()
    clean = normalise_iban(iban)
    errors = {}
    if not holder or len(holder) > 120:
        errors["account_holder"] = _("Write the account holder's name.")
    if clean is None:
        errors["iban"] = _("This IBAN is not valid.")
    if errors:
        raise Invalid(_("Some fields are missing or invalid."), errors)
    payee = db.session.scalar(sa.select(Payee).where(Payee.beneficiary_id == maker.id))
    if payee is None:
        payee = Payee(beneficiary_id=maker.id, account_holder=holder, iban=clean)
        db.session.add(payee)
    else:
        payee.account_holder, payee.iban = holder, clean
    try:
        db.session.flush()
    except IntegrityError:  # saved twice at the same moment: the other one won
        db.session.rollback()
        raise Conflict(_("Saved at the same moment by someone else. Please try again.")) from None
    audit.record("wages.payee_set", payee, maker_code=maker.maker_code)
    return payee


def forget_payee(beneficiary) -> bool:
    """Erase a maker's bank details (anonymisation); True if there were any."""
    beneficiary_id = getattr(beneficiary, "id", beneficiary)
    gone = db.session.execute(sa.delete(Payee).where(Payee.beneficiary_id == beneficiary_id))
    if gone.rowcount:
        audit.record("wages.payee_forgotten", entity_type="beneficiaries", entity_id=beneficiary_id)
    return bool(gone.rowcount)


@on_anonymise
def _forget_payee_on_anonymise(person, _removed_strings, _actor) -> None:
    """Anonymising a maker erases her bank details too (holder name and IBAN identify her)."""
    forget_payee(person)
