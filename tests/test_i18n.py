"""Languages: the user's choice, else the session's, else the browser's."""

from tests.conftest import sign_in


def test_browser_language_is_used(client):
    """A Dutch browser gets the sign-in page in Dutch."""
    page = client.get("/sign-in", headers={"Accept-Language": "nl-NL,nl;q=0.9"})
    assert 'lang="nl"' in page.get_data(as_text=True)


def test_switch_is_remembered_on_the_account(client, db, world):
    """A maker who picks Ukrainian keeps it on her next visit, whatever the browser says."""
    maker = world.users["beneficiary"]
    sign_in(client, maker)
    client.post("/language", data={"lang": "uk", "next": "/me"})
    db.session.refresh(maker)
    assert maker.locale == "uk"
    fresh = client.application.test_client()
    sign_in(fresh, maker)
    page = fresh.get("/me", headers={"Accept-Language": "en"})
    assert 'lang="uk"' in page.get_data(as_text=True)


def test_unknown_language_is_ignored(client):
    """A made-up language code changes nothing."""
    client.post("/language", data={"lang": "xx"})
    page = client.get("/sign-in", headers={"Accept-Language": "en"})
    assert 'lang="en"' in page.get_data(as_text=True)


def test_language_switch_on_every_page(client, world):
    """Every page has the four language buttons."""
    assert 'name="lang" value="uk"' in client.get("/sign-in").get_data(as_text=True)
    sign_in(client, world.users["admin"])
    for url in ("/admin/", "/admin/audit", "/admin/sites"):
        html = client.get(url).get_data(as_text=True)
        for code in ("en", "ro", "uk", "nl"):
            assert f'name="lang" value="{code}"' in html
