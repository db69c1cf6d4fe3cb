"""API calls for the wages area (see API.md)."""

from typing import Annotated

from flask import jsonify
from flask_login import current_user
from pydantic import ConfigDict, Field, RootModel, field_validator

from atelier.api.core import CSV, Body, Out, api_route, parse
from atelier.enums import PayPeriodStatus, literal
from atelier.extensions import db
from atelier.people.rules import normal_code
from atelier.wages import earnings, payees, services, web

MAX_CURRENCIES = 50  # sale currencies in one month


class Rates(RootModel[Annotated[dict[str, str], Field(max_length=MAX_CURRENCIES)]]):
    """``{"EUR": "4.9770"}``: units of payroll currency per unit of each sale currency."""

    model_config = ConfigDict(strict=True)


class PayeeBody(Body):
    """Where a maker's pay goes."""

    account_holder: str
    iban: str


class CloseBody(Body):
    """Optional rates to set while closing."""

    exchange_rates: dict[str, str] | None = Field(None, max_length=MAX_CURRENCIES)


class RatesOut(Out):
    """A month's exchange rates into the payroll currency."""

    period: str
    status: literal(PayPeriodStatus)
    currency: str
    exchange_rates: dict[str, str] = Field(validation_alias="rates")

    @field_validator("exchange_rates", mode="before")
    @classmethod
    def _by_currency(cls, rates):
        return {r.currency: r.rate for r in rates}


class PayeeOut(Out):
    """Where a maker's pay goes."""

    beneficiary: str
    account_holder: str
    iban: str


class PayslipLineOut(Out):
    """One line of a payslip; ``amount_cents`` is null while its rate is not set."""

    kind: str
    description: str
    amount_cents: int | None
    source_type: str | None
    source_id: int | None


class PayslipOut(Out):
    """One maker's pay for the month."""

    beneficiary: str = Field(validation_alias="maker_code")
    display_name: str
    lines: list[PayslipLineOut]
    total_cents: int


class PeriodOut(Out):
    """A month's payslips: frozen once closed, a live preview while open; the makers with
    money due and no bank details."""

    period: str
    status: literal(PayPeriodStatus)
    currency: str
    exchange_rates: dict[str, str] = Field(validation_alias="rates")
    missing_rates: list[str]
    missing_bank_details: list[str]
    total_cents: int
    payslips: list[PayslipOut] = Field(validation_alias="slips")


class MonthOut(Out):
    """One month's total for her."""

    period: str
    status: literal(PayPeriodStatus)
    total_cents: int


class EarningLineOut(Out):
    """One line of this month so far."""

    kind: str
    description: str
    amount_cents: int | None


class CurrentOut(Out):
    """This month so far, line by line."""

    period: str
    accrued_cents: int
    lines: list[EarningLineOut]


class EarningsOut(Out):
    """Her months and this month so far."""

    currency: str
    periods: list[MonthOut]
    current: CurrentOut


@api_route(
    "/exchange-rates/<period>",
    "PUT",
    "Set a month's exchange rates",
    body=Rates,
    response=RatesOut,
    errors=(409,),
)
def put_exchange_rates(period):
    """Store the month's rates into the payroll currency; 409 once it is closed."""
    services.check_period(period)
    rates = parse(Rates).root
    row = services.set_rates(period, rates)
    db.session.commit()
    return jsonify(RatesOut.of(row))


@api_route(
    "/pay-periods/<period>",
    "GET",
    "A month's payslips, or its live preview",
    response=PeriodOut,
    errors=(400,),
)
def get_pay_period(period):
    """A closed month as frozen, an open month as a live preview."""
    view = payees.check_bank_details(services.view_period(period))
    services.audit_read(view)
    db.session.commit()
    return jsonify(PeriodOut.of(view))


@api_route(
    "/pay-periods/<period>/close",
    "POST",
    "Close a month and freeze its payslips",
    body=CloseBody,
    response=PeriodOut,
    errors=(409,),
)
def close_pay_period(period):
    """Close the month: 409 if closed or not over, 400 naming a missing rate."""
    services.check_period(period)
    body = parse(CloseBody)
    view = payees.check_bank_details(
        services.close_period(period, body.exchange_rates, current_user)
    )
    db.session.commit()
    return jsonify(PeriodOut.of(view))


@api_route(
    "/me/earnings",
    "GET",
    "The signed-in maker's own earnings",
    roles=("beneficiary",),
    response=EarningsOut,
    errors=(404,),
)
def my_earnings():
    """Her months and this month so far; only ever her own."""
    summary = earnings.summary(earnings.own_beneficiary_id(current_user))
    current = {
        "period": summary.current.period,
        "accrued_cents": summary.current.total_cents,
        "lines": summary.lines,
    }
    return jsonify(
        EarningsOut.of(
            {"currency": summary.currency, "periods": summary.periods, "current": current}
        )
    )


@api_route(
    "/pay-periods/<period>/bank-transfers.csv",
    "GET",
    "A closed month's bank transfers (CSV); 409 while makers with money due lack bank details",
    media=CSV,
    errors=(409,),
    query={"skip_missing": {"type": "string", "enum": ["0", "1"]}},
)
def get_bank_transfers(period):
    """One row per maker with a positive total; ``?skip_missing=1`` leaves out those without
    bank details (paid by hand), else 409 naming them; 409 for an open month."""
    return web.bank_transfers_csv(period)


@api_route(
    "/beneficiaries/<maker_code>/payee",
    "PUT",
    "Set where a maker's pay goes",
    body=PayeeBody,
    response=PayeeOut,
    errors=(404,),
)
def put_payee(maker_code):
    """Store (or replace) a maker's bank details; 400 ``fields.iban`` for a bad IBAN."""
    body = parse(PayeeBody)
    payee = payees.set_payee(maker_code, body.account_holder, body.iban)
    db.session.commit()
    return jsonify(
        PayeeOut.of(
            {
                "beneficiary": normal_code(maker_code),
                "account_holder": payee.account_holder,
                "iban": payee.iban,
            }
        )
    )
