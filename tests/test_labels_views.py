"""Pages show stored keys as words: roles, audit actions, the notes the app writes itself."""

import pytest

from atelier.production.models import ItemEvent
from tests.conftest import sign_in
from tests.factories import make_item


def test_users_page_names_roles_in_words(client, world):
    """The coordinator reads "Shop staff", not the key ``shop``, in every language."""
    sign_in(client, world.users["admin"])
    page = client.get("/admin/users").get_data(as_text=True)
    assert "<td>Shop staff</td>" in page and "<td>shop</td>" not in page
    assert "<td>Atelier supervisor</td>" in page
    client.post("/language", data={"lang": "ro"})
    page = client.get("/admin/users").get_data(as_text=True)
    assert "<td>Personal magazin</td>" in page


@pytest.mark.usefixtures("db")
def test_audit_log_names_actions_in_words(client, world):
    """ "wages.close" reads as "Pay period closed" on the audit page (here: a sign-in)."""
    client.post("/sign-in", data={"username": world.users["admin"].username, "password": "x"})
    sign_in(client, world.users["admin"])
    page = client.get("/admin/audit").get_data(as_text=True)
    assert "Sign-in failed" in page and "auth.sign_in_failed" not in page


def test_item_history_note_of_a_shipment_is_translated(client, world, db):
    """The history says "Zending 7" to a Dutch reader, not the stored "shipment 7"."""
    item = make_item(world.tote, world.elena)
    db.session.add(
        ItemEvent(item_id=item.id, kind="shipped", site_id=item.site_id, note="shipment 7")
    )
    db.session.commit()
    sign_in(client, world.users["supervisor"])
    client.post("/language", data={"lang": "nl"})
    page = client.get(f"/items/{item.code}").get_data(as_text=True)
    assert "Zending 7" in page and "shipment 7" not in page


def test_a_makers_home_greets_her_by_her_display_name(client, world):
    """ "Signed in as Elena", never her account's username."""
    maker = world.users["beneficiary"]
    sign_in(client, maker)
    page = client.get("/me").get_data(as_text=True)
    assert f"Signed in as {world.elena.display_name}." in page
    assert f"Signed in as {maker.username}." not in page
