"""Every signed-in page carries what the offline stores need (issue #15): the signed-in
user's id for their keys, the outbox script, and its messages in the user's language."""

import re

import pytest

from tests.conftest import sign_in


def test_signed_in_pages_carry_the_user_and_the_outbox(client, world):
    """The user id is a data attribute (no inline script under the strict CSP)."""
    supervisor = world.users["supervisor"]
    sign_in(client, supervisor)
    for url in ("/atelier", f"/sessions/{world.session.id}/roll", "/atelier/production"):
        html = client.get(url).get_data(as_text=True)
        assert f'data-user="{supervisor.id}"' in html, url
        assert "js/outbox.js" in html, url
        assert "<script>" not in html


@pytest.mark.usefixtures("world")
def test_signed_out_pages_carry_no_user(client):
    """The sign-in page belongs to nobody: no user id, no outbox."""
    html = client.get("/sign-in").get_data(as_text=True)
    assert "data-user=" not in html and "js/outbox.js" not in html


def test_the_waiting_message_has_its_plural_forms_in_every_language(client, world):
    """'1 entry waiting to be sent…' for each plural form the page's script may need."""
    sign_in(client, world.users["supervisor"])
    for lang in ("en", "ro", "uk", "nl"):
        client.post("/language", data={"lang": lang, "next": "/"})
        html = client.get("/atelier").get_data(as_text=True)
        found = dict(re.findall(r'data-msg-waiting-(\d+)="([^"]*)"', html))
        assert set(found) == {"1", "2", "5", "20"} and all("{n}" in t for t in found.values())
        if lang == "uk":  # one, few, many
            assert len({found["1"], found["2"], found["5"]}) == 3
