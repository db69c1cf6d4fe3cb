"""Navigation by role: each area registers its entries when its views are imported."""

from dataclasses import dataclass

from flask_login import current_user


@dataclass(frozen=True)
class NavEntry:
    """One link in the navigation and on the role's home page."""

    endpoint: str
    label: object  # a lazy_gettext string
    roles: tuple[str, ...]
    order: int = 50
    icon: str = ""


_ENTRIES: list[NavEntry] = []


def register(endpoint: str, label, roles, order: int = 50, icon: str = "") -> None:
    """Add a navigation entry (idempotent, so re-created apps do not duplicate it)."""
    entry = NavEntry(endpoint, label, tuple(roles), order, icon)
    if all(e.endpoint != endpoint for e in _ENTRIES):
        _ENTRIES.append(entry)


def entries_for(role: str | None) -> list[NavEntry]:
    """The entries a role sees, in order."""
    if role is None:
        return []
    return sorted(
        (e for e in _ENTRIES if role in e.roles or (role == "admin" and "admin" in e.roles)),
        key=lambda e: e.order,
    )


#: icon names that exist in static/icons.svg (as ``#i-<name>``); the values are text fallbacks
ICONS = {
    "site": "🏠",
    "programme": "🎯",
    "user": "👤",
    "audit": "📜",
    "people": "👥",
    "workshop": "🧵",
    "roll": "✅",
    "catalog": "🏷️",
    "production": "🪡",
    "labels": "🖨️",
    "shipment": "📦",
    "stock": "🗃️",
    "till": "🛒",
    "return": "↩️",
    "orders": "🧾",
    "wages": "💶",
    "earnings": "💰",
    "training": "📅",
    "indicators": "📊",
    "shop": "🛍️",
    "find": "🔍",
}


def init_app(app) -> None:
    """Give every template the signed-in user's navigation and the icon table."""

    @app.context_processor
    def navigation():
        role = current_user.role if current_user and current_user.is_authenticated else None
        return {"nav_entries": entries_for(role), "icons": ICONS}
