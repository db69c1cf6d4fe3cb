"""Paying a closed month: the bank transfers, refused while a maker with money due has no
bank details, unless the coordinator leaves those makers out to pay them by hand."""

from flask_babel import gettext as _

from atelier import audit
from atelier.errors import Conflict
from atelier.wages import exports, services
from atelier.wages.payees import check_bank_details, payee_map


class MissingBankDetails(Conflict):
    """Makers with money due have no bank details (409, naming them)."""

    code = "missing_bank_details"


def closed_view(period: str) -> services.PeriodView:
    """A closed month's payslips (the read audited), or 409 for an open one."""
    view = services.view_period(services.check_period(period))
    if view.status != "closed":
        raise Conflict(_("Close the month first."))
    services.audit_read(view)
    return view


def bank_transfers(period: str, skip_missing: bool = False) -> tuple[str, list[str]]:
    """The bank transfers of a closed month as CSV, and the maker codes left out.

    409 naming the makers with money due and no bank details, unless ``skip_missing``:
    then they are left out of the file, to be paid by hand."""
    view = check_bank_details(closed_view(period))
    missing = view.missing_bank_details
    if missing and not skip_missing:
        raise MissingBankDetails(
            _(
                "No bank details for: %(codes)s. Add them, or leave these makers out "
                "and pay them by hand.",
                codes=", ".join(missing),
            ),
            {code: _("No bank details.") for code in missing},
        )
    payees = payee_map(s.beneficiary_id for s in view.slips if s.maker_code not in missing)
    body = exports.bank_csv(view, payees, leave_out=set(missing))
    audit.record(
        "wages.bank_transfers",
        entity_type="pay_periods",
        entity_id=period,
        left_out=missing,
    )
    return body, missing
