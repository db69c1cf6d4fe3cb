"""Weak passwords are refused wherever a password is set, with zxcvbn's advice."""

import pytest
import sqlalchemy as sa
from babel.messages.pofile import read_po

from atelier.auth import rules
from atelier.auth.advice import ADVICE
from atelier.auth.models import User
from atelier.auth.passwords import verify_password
from atelier.config import ROOT
from tests.conftest import bearer, sign_in
from tests.factories import PASSWORD


def _catalogue(lang: str):
    with (ROOT / f"atelier/translations/{lang}/LC_MESSAGES/messages.po").open("rb") as po:
        return read_po(po)


CATALOGUES = {lang: _catalogue(lang) for lang in ("ro", "uk", "nl")}

WEAK = "aaaaaaaaaa"  # ten characters: long enough, trivially guessed


def _accounts(db) -> int:
    return db.session.scalar(sa.select(sa.func.count(User.id)))


def test_the_api_refuses_a_weak_password_naming_the_field(client, db, world):
    """POST /users with "aaaaaaaaaa": 400, ``fields.password`` says why, no account."""
    before = _accounts(db)
    response = client.post(
        "/api/v1/users",
        headers=bearer(world.users["admin"]),
        json={"username": "marit", "password": WEAK, "role": "shop", "sites": ["AMS"]},
    )
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["code"] == "invalid"
    assert "too easy to guess" in error["fields"]["password"]
    assert "Repeats" in error["fields"]["password"]
    assert _accounts(db) == before


@pytest.mark.usefixtures("db")
def test_a_password_made_of_the_username_is_refused(client, world):
    """The username counts as known to a guesser: "zeynepkaya2026" would pass for anyone
    else, but not for the account called zeynepkaya."""
    response = client.post(
        "/api/v1/users",
        headers=bearer(world.users["admin"]),
        json={"username": "zeynepkaya", "password": "zeynepkaya2026", "role": "admin"},
    )
    assert response.status_code == 400
    assert "too easy to guess" in response.get_json()["error"]["fields"]["password"]


def test_the_users_page_shows_the_advice_on_the_field(client, db, world):
    """The coordinator's new-account form shows zxcvbn's advice under the password."""
    sign_in(client, world.users["admin"])
    before = _accounts(db)
    response = client.post(
        "/admin/users",
        data={"username": "marit", "password": WEAK, "role": "shop", "sites": ["AMS"]},
    )
    assert 'class="field has-error"' in response.text
    assert "too easy to guess" in response.text and "Repeats like" in response.text
    assert _accounts(db) == before


def test_a_weak_new_password_is_refused_and_the_old_one_kept(client, db, world):
    """Setting "aaaaaaaaaa" as someone's new password is refused; hers still works."""
    sign_in(client, world.users["admin"])
    shop = world.users["shop"]
    response = client.post(f"/admin/users/{shop.id}/password", data={"password": WEAK})
    assert "too easy to guess" in response.text
    db.session.refresh(shop)
    assert verify_password(shop.password_hash, PASSWORD)


def test_the_console_refuses_weak_passwords(runner, db, world):
    """``flask users create`` and ``flask users password`` refuse a weak password."""
    created = runner.invoke(
        args=["users", "create", "marit", "--role", "admin", "--password", WEAK]
    )
    assert created.exit_code == 1 and "too easy to guess" in created.output
    assert db.session.scalar(sa.select(User).where(User.username == "marit")) is None
    shop = world.users["shop"]
    reset = runner.invoke(args=["users", "password", shop.username, "--password", WEAK])
    assert reset.exit_code == 1 and "too easy to guess" in reset.output
    db.session.refresh(shop)
    assert verify_password(shop.password_hash, PASSWORD)


def test_password_rule():
    """Short or guessable passwords have a problem, with advice; a passphrase has none."""
    assert rules.password_problem("short") == ("short", [])
    kind, advice = rules.password_problem("password123")
    assert kind == "guessable" and advice
    assert rules.password_problem("correct horse battery") is None
    assert rules.password_problem("a" * 500)[0] == "guessable"
    assert rules.password_problem("zeynepkaya2026") is None
    assert rules.password_problem("zeynepkaya2026", ["zeynepkaya"]) is not None


@pytest.mark.usefixtures("db")
def test_the_advice_is_in_the_users_language(client, world):
    """A Romanian coordinator reads why the password is refused in Romanian."""
    response = client.post(
        "/api/v1/users",
        headers={**bearer(world.users["admin"]), "Accept-Language": "ro"},
        json={"username": "marit", "password": WEAK, "role": "admin"},
    )
    why = response.get_json()["error"]["fields"]["password"]
    assert "prea ușor de ghicit" in why and "Repeats" not in why


@pytest.mark.parametrize(
    "password",
    [
        "password1234",
        "qwertyuiopas",
        "aaaaaaaaaaaa",
        "abcdefgh1234",
        "jennifer1234",
        "drowssapdrowssap",
        "P@ssw0rd1234",
        "2024-01-01x1",
    ],
)
def test_every_advice_zxcvbn_gives_is_in_the_catalogues(password):
    """zxcvbn's sentences are translated at run time, so they are listed for extraction
    (``atelier/auth/advice.py``, kept by ``make messages``) and each has ro, uk and nl."""
    _kind, advice = rules.password_problem(password)
    assert advice
    for sentence in advice:
        assert sentence in ADVICE
        for lang in ("ro", "uk", "nl"):
            catalogue = CATALOGUES[lang]
            assert catalogue.get(sentence) and catalogue[sentence].string, (lang, sentence)
