"""What a refused call shows (API.md: "a refused call changes nothing"): the API's error code
and message, or the error page's heading and message; and row counts to show nothing was
kept."""

import html

import sqlalchemy as sa

from atelier.extensions import db

#: the heading of the error page for each refusal (templates/error.html)
HEADINGS = {
    400: "Please check",
    403: "Not allowed",
    404: "Not found",
    409: "Not possible right now",
    429: "Too many attempts",
}


def api_error(response, status: int, code: str) -> dict:
    """The documented error of a refused JSON call, after checking its status, its ``code``
    and that it carries a message."""
    assert response.status_code == status, response.get_data(as_text=True)[:300]
    error = response.get_json()["error"]
    assert error["code"] == code and error["message"], error
    return error


def error_page(response, status: int, message: str | None = None) -> str:
    """The error page a person reads: its status, its heading and (if given) the reason."""
    assert response.status_code == status, response.get_data(as_text=True)[:300]
    text = html.unescape(response.get_data(as_text=True))
    assert f"<h1>{HEADINGS[status]}</h1>" in text, text[:2000]
    if message is not None:
        assert message in text, text[:2000]
    return text


def row_counts(*models) -> list[int]:
    """The number of rows of each model, read from the database."""
    db.session.expire_all()
    return [db.session.scalar(sa.select(sa.func.count()).select_from(m)) for m in models]


def status_of(item) -> str:
    """A piece's status as stored now."""
    db.session.expire_all()
    return db.session.scalar(sa.text("SELECT status FROM items WHERE id = :id"), {"id": item.id})
