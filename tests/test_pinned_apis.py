"""Flask-Login has no public call that Atelier needs in one place: these tests fail if the
private hook it relies on changes, before a page does (pyproject pins Flask-Login < 0.7)."""

from flask import session
from flask_login import current_user, login_user

from atelier.auth.current import answer_as_visitor


def test_during_an_outage_a_signed_in_page_is_answered_as_for_a_visitor_and_she_stays_signed_in(
    app, world
):
    """The outage page must not read her account, yet her session cookie is kept, so the
    page she reloads once the database is back is hers again."""
    admin = world.users["admin"]
    with app.test_request_context("/"):
        login_user(admin)
        assert current_user.is_authenticated
        answer_as_visitor()
        assert not current_user.is_authenticated
        assert session["_user_id"] == admin.get_id()
