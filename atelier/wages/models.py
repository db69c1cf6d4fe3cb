"""Pay periods (calendar months in the payroll timezone), rates and frozen payslips."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from atelier.db import UTCDateTime, utcnow
from atelier.enums import PayPeriodStatus, PayslipLineKind, check_in
from atelier.extensions import db


class PayPeriod(db.Model):
    """A month, ``open`` (a live preview) or ``closed`` (frozen payslips)."""

    __tablename__ = "pay_periods"
    __table_args__ = (sa.CheckConstraint(check_in("status", PayPeriodStatus), name="status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: YYYY-MM
    period: Mapped[str] = mapped_column(sa.String(7), unique=True)
    status: Mapped[str] = mapped_column(sa.String(8), default="open")
    currency: Mapped[str] = mapped_column(sa.String(3))
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    rates: Mapped[list["ExchangeRate"]] = relationship(back_populates="pay_period", lazy="selectin")
    payslips: Mapped[list["Payslip"]] = relationship(back_populates="pay_period")


class ExchangeRate(db.Model):
    """Units of payroll currency per unit of a sale currency, for one month."""

    __tablename__ = "exchange_rates"
    __table_args__ = (sa.UniqueConstraint("pay_period_id", "currency"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    pay_period_id: Mapped[int] = mapped_column(sa.ForeignKey("pay_periods.id"))
    currency: Mapped[str] = mapped_column(sa.String(3))
    #: a decimal string such as "4.9770", kept exactly as given
    rate: Mapped[str] = mapped_column(sa.String(32))

    pay_period: Mapped[PayPeriod] = relationship(back_populates="rates")


class Payslip(db.Model):
    """One maker's pay for a closed month."""

    __tablename__ = "payslips"
    __table_args__ = (sa.UniqueConstraint("pay_period_id", "beneficiary_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    pay_period_id: Mapped[int] = mapped_column(sa.ForeignKey("pay_periods.id"), index=True)
    beneficiary_id: Mapped[int] = mapped_column(sa.ForeignKey("beneficiaries.id"), index=True)
    currency: Mapped[str] = mapped_column(sa.String(3))
    total_cents: Mapped[int]

    pay_period: Mapped[PayPeriod] = relationship(back_populates="payslips")
    lines: Mapped[list["PayslipLine"]] = relationship(
        back_populates="payslip", lazy="selectin", order_by="PayslipLine.id"
    )


class PayslipLine(db.Model):
    """A line of a payslip, traceable to its piece, sale line, session or return.

    The unique (kind, source) pair means nothing is ever paid twice: a piece logged late
    for a closed month lands, once, in the next open one.
    """

    __tablename__ = "payslip_lines"
    __table_args__ = (
        sa.UniqueConstraint("kind", "source_type", "source_id"),
        sa.CheckConstraint(check_in("kind", PayslipLineKind), name="kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    payslip_id: Mapped[int] = mapped_column(sa.ForeignKey("payslips.id"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(16))
    description: Mapped[str] = mapped_column(sa.String(200))
    amount_cents: Mapped[int]
    #: item, sale_line, attendance or return
    source_type: Mapped[str] = mapped_column(sa.String(16))
    source_id: Mapped[int]

    payslip: Mapped[Payslip] = relationship(back_populates="lines")


class Payee(db.Model):
    """Where a maker's pay goes: the ONE admin-only place for her bank details.

    Erased by :func:`atelier.wages.payees.forget_payee` when she is anonymised.
    """

    __tablename__ = "payees"

    id: Mapped[int] = mapped_column(primary_key=True)
    beneficiary_id: Mapped[int] = mapped_column(sa.ForeignKey("beneficiaries.id"), unique=True)
    account_holder: Mapped[str] = mapped_column(sa.String(120))
    #: stored without spaces, upper case
    iban: Mapped[str] = mapped_column(sa.String(34))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
