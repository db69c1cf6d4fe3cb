"""Words for the keys the app stores: roles and audit actions, as people read them."""

from flask_babel import lazy_gettext as _l

ROLE_LABELS = {
    "admin": _l("Coordinator"),
    "supervisor": _l("Atelier supervisor"),
    "shop": _l("Shop staff"),
    "beneficiary": _l("Maker"),
}

#: every action the audit log records; an action missing here shows as its key
AUDIT_ACTIONS = {
    "auth.sign_in": _l("Signed in"),
    "auth.sign_in_failed": _l("Sign-in failed"),
    "auth.token_revoked": _l("API token revoked"),
    "catalog.change_rule": _l("Wage rule changed"),
    "catalog.create": _l("Product type created"),
    "catalog.photo": _l("Product photo changed"),
    "catalog.update": _l("Product type changed"),
    "indicators.target": _l("Target set"),
    "indicators.target_deleted": _l("Target deleted"),
    "indicators.trace": _l("Indicator traced to people"),
    "people.anonymise": _l("Person anonymised"),
    "people.create": _l("Person registered"),
    "people.exit": _l("Person left the programme"),
    "people.list": _l("List of people read"),
    "people.update": _l("Person changed"),
    "people.view": _l("Person's record read"),
    "production.log": _l("Pieces logged"),
    "production.view_item": _l("Piece's maker read"),
    "production.void": _l("Piece voided"),
    "programmes.create": _l("Programme created"),
    "sites.create": _l("Site created"),
    "stock.late_arrival": _l("Missing piece arrived late"),
    "stock.receive": _l("Shipment received"),
    "till.return": _l("Piece taken back"),
    "users.create": _l("Account created"),
    "users.disable": _l("Account disabled"),
    "users.enable": _l("Account enabled"),
    "users.password_reset": _l("Password reset"),
    "users.sites": _l("Account's sites changed"),
    "users.view": _l("Account read"),
    "wages.close": _l("Pay period closed"),
    "wages.payee_forgotten": _l("Bank details removed"),
    "wages.payee_set": _l("Bank details set"),
    "wages.payees_read": _l("Bank details read"),
    "wages.rates": _l("Exchange rates set"),
    "wages.read": _l("Payslips read"),
    "webshop.paid": _l("Online order paid"),
    "webshop.refund": _l("Online order refunded"),
    "workshops.create": _l("Workshop created"),
    "workshops.participants": _l("Workshop participants changed"),
    "workshops.roll": _l("Roll-call saved"),
    "workshops.roll_view": _l("Roll-call read"),
    "workshops.session_create": _l("Session added"),
    "workshops.view": _l("Workshop's people read"),
}


def role_label(role: str) -> str:
    """A role in words."""
    return str(ROLE_LABELS.get(role, role))


def audit_action_label(action: str) -> str:
    """An audit action in words (its key when it has none yet)."""
    return str(AUDIT_ACTIONS.get(action, action))


def register(app) -> None:
    """Template filters ``role_label`` and ``audit_action``."""
    app.add_template_filter(role_label, "role_label")
    app.add_template_filter(audit_action_label, "audit_action")
