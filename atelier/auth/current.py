"""Who the current request acts for, where Flask-Login's public calls do not reach."""

from atelier.extensions import login_manager


def answer_as_visitor() -> None:
    """Answer the rest of this request as for a visitor, whoever is signed in: while the
    database is away her account cannot be read, and the page's language and navigation
    must not try. The session is left alone (``logout_user`` would end it). Flask-Login has
    no public call for this; its own hook is pinned by tests/test_pinned_apis.py."""
    login_manager._update_request_context_with_user()
