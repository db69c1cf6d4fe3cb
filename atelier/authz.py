"""Role and site checks shared by pages and the API."""

from functools import wraps

from flask import request
from flask_babel import gettext as _
from flask_login import current_user

from atelier.errors import Forbidden, NotAuthenticated, NotFound
from atelier.extensions import db, login_manager


def roles_required(*roles: str):
    """Allow a view only to signed-in users with one of ``roles`` (admin always passes)."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                if request.path.startswith("/api/"):
                    raise NotAuthenticated(_("Sign in first: send a bearer token."))
                return login_manager.unauthorized()
            if current_user.role != "admin" and current_user.role not in roles:
                raise Forbidden(_("Your role may not do this."))
            return view(*args, **kwargs)

        wrapped.allowed_roles = ("admin", *roles)
        return wrapped

    return decorator


def admin_required(view):
    """Allow a view only to the coordinator (role ``admin``)."""
    return roles_required()(view)


def can_access_site(user, site_id: int) -> bool:
    """True if the user may act on records of this site."""
    if user.role == "admin":
        return True
    if user.role in ("supervisor", "shop"):
        return site_id in user.site_ids
    return False


def require_site(user, site_id: int) -> None:
    """Raise Forbidden unless the user works at the site (admins work everywhere)."""
    if not can_access_site(user, site_id):
        raise Forbidden(_("This belongs to another site."))


def visible_site_ids(user) -> set[int] | None:
    """Sites whose records the user may see; None means all (admin)."""
    if user.role == "admin":
        return None
    return user.site_ids


def get_of_site(user, model, record_id: int, not_found: str, site_of=None):
    """The ``model`` row with this id if the user works at its site: NotFound (with the
    area's own message) for an unknown id, Forbidden for another site's record."""
    record = db.session.get(model, record_id)
    if record is None:
        raise NotFound(not_found)
    require_site(user, site_of(record) if site_of else record.site_id)
    return record
