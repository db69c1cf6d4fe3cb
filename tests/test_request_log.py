"""The request log: one JSON line per request on standard error, a request id on each, and
no personal data (names, maker codes, tags, IBANs, bodies) whatever the request carried."""

import json

import pytest
import sqlalchemy as sa

from atelier import create_app
from atelier.extensions import db as _db
from atelier.wages.payees import set_payee
from tests.conftest import TEST_SETTINGS, bearer, sign_in

IBAN = "RO49AAAA1B31007593840000"
HOLDER = "Elena Vasilescu"


def log_lines(capsys) -> list[dict]:
    """What was written to standard error since the last read; every line must be JSON."""
    return [json.loads(line) for line in capsys.readouterr().err.splitlines() if line.strip()]


def requests_in(lines: list[dict]) -> list[dict]:
    """The per-request lines."""
    return [line for line in lines if line["logger"] == "atelier.request"]


def test_a_sale_and_an_earnings_read_leave_no_personal_data_in_the_log(client, world, capsys):
    """A till sale (scanning the maker's piece), the story page its tag opens, the maker
    reading her earnings, and the coordinator's payee page: the log holds each request with
    its route rule, status, time taken and account, and nothing that names or finds her."""
    set_payee(world.elena.maker_code, HOLDER, IBAN)
    _db.session.commit()
    shop, maker, admin = world.users["shop"], world.users["beneficiary"], world.users["admin"]
    item = world.item_shop
    secrets = [world.elena.display_name, world.elena.maker_code, item.tag, item.code]
    secrets += [IBAN, HOLDER, "RO49 AAAA"]
    shop_headers, maker_headers = bearer(shop), bearer(maker)
    capsys.readouterr()

    sale = {"shop": "AMS", "payment_method": "cash", "lines": [{"scan": item.code}]}
    sold = client.post(
        "/api/v1/sales", json=sale, headers={**shop_headers, "X-Request-ID": "till-7-0001"}
    )
    assert sold.status_code == 201
    assert client.get(f"/t/{item.tag}").status_code == 200
    earnings = client.get("/api/v1/me/earnings", headers=maker_headers)
    assert earnings.status_code == 200
    sign_in(client, maker)
    assert client.get("/me/earnings").status_code == 200
    sign_in(client, admin)
    payees = client.get("/admin/wages/payees")
    assert IBAN in payees.get_data(as_text=True).replace(" ", "")  # the page shows it…

    lines = log_lines(capsys)
    text = json.dumps(lines)
    for secret in secrets:
        assert secret not in text, f"{secret!r} is in the log"  # …the log never does
    assert all(line.get("request_id") for line in lines)
    seen = requests_in(lines)
    assert [(line["method"], line["route"], line["status"]) for line in seen] == [
        ("POST", "/api/v1/sales", 201),
        ("GET", "/t/<tag>", 200),
        ("GET", "/api/v1/me/earnings", 200),
        ("GET", "/me/earnings", 200),
        ("GET", "/admin/wages/payees", 200),
    ]
    assert seen[0]["request_id"] == "till-7-0001"
    assert (seen[0]["user_id"], seen[0]["role"]) == (shop.id, "shop")
    assert (seen[1]["user_id"], seen[1]["role"]) == (None, None)
    assert (seen[2]["user_id"], seen[2]["role"]) == (maker.id, "beneficiary")
    assert (seen[4]["user_id"], seen[4]["role"]) == (admin.id, "admin")
    assert all(isinstance(line["duration_ms"], int | float) for line in seen)
    assert all(line["time"].endswith("+00:00") for line in seen)


@pytest.mark.parametrize(
    "offered",
    ["", "two words", "x" * 129, "id-\u00e9t\u00e9", "line\nbreak"],
    ids=["empty", "space", "too long", "not ascii", "control"],
)
def test_an_insane_request_id_is_replaced(client, capsys, offered):
    """A caller's id that is not 1–128 visible ASCII characters is not kept: a new one is
    made, answered in the header and written in the log line."""
    capsys.readouterr()
    headers = {"X-Request-ID": offered} if "\n" not in offered else {}
    response = client.get("/healthz", headers=headers)
    made = response.headers["X-Request-ID"]
    assert made != offered and len(made) == 32
    assert requests_in(log_lines(capsys))[0]["request_id"] == made


def test_a_sane_request_id_is_echoed_on_every_kind_of_answer(client):
    """The caller's id comes back on a page, an API refusal and a missing page alike."""
    rid = "a" * 120 + "-B~!#$%"
    for url in ("/sign-in", "/api/v1/items/ORA-000001", "/no-such-page"):
        response = client.get(url, headers={"X-Request-ID": rid})
        assert response.headers["X-Request-ID"] == rid, url
    assert client.get("/healthz").headers["X-Request-ID"] != rid  # one per request


@pytest.mark.usefixtures("db")
def test_an_unhandled_error_logs_its_traceback_with_the_request_id_and_no_values(capsys):
    """A defect answers 500 and logs the traceback, tagged with the request's id; the
    refused statement's values (which may be a person's name) are not in it."""
    app = create_app({**TEST_SETTINGS, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    name = HOLDER  # a traceback shows source lines: the value must not be spelled in them

    @app.get("/boom")
    def boom():
        session = _db.session
        session.execute(sa.text("CREATE TABLE people_test (name TEXT UNIQUE)"))
        for _ in range(2):
            session.execute(sa.text("INSERT INTO people_test VALUES (:n)"), {"n": name})
        return "unreachable"

    capsys.readouterr()
    response = app.test_client().get("/boom", headers={"X-Request-ID": "boom-1"})
    assert response.status_code == 500
    assert response.headers["X-Request-ID"] == "boom-1"
    lines = log_lines(capsys)
    error = next(line for line in lines if line["level"] == "ERROR")
    assert error["request_id"] == "boom-1"
    assert "IntegrityError" in error["exc_info"]
    assert HOLDER not in json.dumps(lines)
    assert requests_in(lines)[0]["status"] == 500
    app.extensions.pop("unexpected_errors", None)
    with app.app_context():
        _db.engine.dispose()
