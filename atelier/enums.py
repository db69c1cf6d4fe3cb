"""Every closed vocabulary of the domain, spelled once: CHECKs, pydantic fields and choices
are derived from these (bottom floor: imports nothing of the app)."""

from enum import StrEnum
from typing import Literal


class Vocabulary(StrEnum):
    """A closed set of words. ``values()`` is their tuple: on Python 3.11 ``"x" in Enum``
    raises, so membership is tested on it."""

    @classmethod
    def values(cls) -> tuple[str, ...]:
        """Every value, in declaration order."""
        return tuple(member.value for member in cls)


class ItemStatus(Vocabulary):
    """Where a piece is in its life (the transitions are in :mod:`atelier.production.lifecycle`)."""

    IN_ATELIER = "in_atelier"
    IN_TRANSIT = "in_transit"
    IN_SHOP = "in_shop"
    RESERVED = "reserved"
    SOLD = "sold"
    WRITTEN_OFF = "written_off"
    REJECTED = "rejected"
    VOIDED = "voided"


class ItemEventKind(Vocabulary):
    """What happened to a piece: one event per move of its status."""

    MADE = "made"
    REJECTED = "rejected"
    VOIDED = "voided"
    SHIPPED = "shipped"
    RECEIVED = "received"
    RESERVED = "reserved"
    RELEASED = "released"
    SOLD = "sold"
    RETURNED = "returned"
    WRITTEN_OFF = "written_off"


class QC(Vocabulary):
    """The quality check of a production entry."""

    PASSED = "passed"
    REJECTED = "rejected"


class SaleChannel(Vocabulary):
    """Where a sale was made."""

    TILL = "till"
    ONLINE = "online"


class PaymentMethod(Vocabulary):
    """How a sale was paid (``stripe`` only online)."""

    CASH = "cash"
    CARD = "card"
    STRIPE = "stripe"


#: what a till accepts
TILL_PAYMENT_METHODS = (PaymentMethod.CASH, PaymentMethod.CARD)


class SiteKind(Vocabulary):
    """What a site is."""

    ATELIER = "atelier"
    SHOP = "shop"
    WEBSHOP = "webshop"


class Role(Vocabulary):
    """What an account may do."""

    ADMIN = "admin"
    SUPERVISOR = "supervisor"
    SHOP = "shop"
    BENEFICIARY = "beneficiary"


class WorkshopKind(Vocabulary):
    """The kind of a workshop (course)."""

    VOCATIONAL = "vocational"
    LIFE_SKILLS = "life_skills"
    PARENTING = "parenting"


class AttendanceStatus(Vocabulary):
    """One person at one session."""

    PRESENT = "present"
    ABSENT = "absent"
    EXCUSED = "excused"


class PayPeriodStatus(Vocabulary):
    """A pay period is open until it is closed, once."""

    OPEN = "open"
    CLOSED = "closed"


class PayslipLineKind(Vocabulary):
    """What a payslip line pays for."""

    PIECE = "piece"
    SALES_SHARE = "sales_share"
    STIPEND = "stipend"
    ADJUSTMENT = "adjustment"


class OrderStatus(Vocabulary):
    """An online order's state."""

    PENDING = "pending"
    PAID = "paid"
    EXPIRED = "expired"
    FAILED = "failed"
    FLAGGED = "flagged"
    REFUNDED = "refunded"


class ShipmentStatus(Vocabulary):
    """A shipment travels until it is received."""

    IN_TRANSIT = "in_transit"
    RECEIVED = "received"


class ShipmentLineState(Vocabulary):
    """A piece on a shipment."""

    SENT = "sent"
    RECEIVED = "received"
    MISSING = "missing"
    UNEXPECTED = "unexpected"


class Gender(Vocabulary):
    """A maker's gender, as she gives it."""

    FEMALE = "female"
    MALE = "male"
    OTHER = "other"
    UNDISCLOSED = "undisclosed"


def check_in(column: str, values) -> str:
    """The text of a CHECK that ``column`` holds one of ``values`` (an enum or its members),
    in their order: ``status IN ('open', 'closed')``."""
    return f"{column} IN ({', '.join(repr(str(v)) for v in values)})"


def literal(values):
    """A ``typing.Literal`` of the values, for a pydantic field (its JSON schema is an enum)."""
    return Literal[tuple(str(v) for v in values)]  # type: ignore[valid-type]


def choices(values) -> dict[str, str]:
    """WTForms choices ``{value: value}`` for the values (labels translated elsewhere)."""
    return {str(v): str(v) for v in values}
