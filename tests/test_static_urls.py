"""Static URLs carry a version of the file's content, so a proxy may cache them for a year."""

import re

from flask import url_for

from atelier import staticfiles
from atelier.staticfiles import ONE_YEAR


def test_pages_link_static_files_by_content_version(client):
    """The sign-in page's stylesheet and script URLs carry ``?v=<hash>``; that URL may be
    kept a year, while the bare URL keeps Flask's short default."""
    html = client.get("/sign-in").get_data(as_text=True)
    css = re.search(r'href="(/static/css/app\.css\?v=[0-9a-f]{12})"', html)
    assert css, "the stylesheet URL has no version"
    assert re.search(r'src="/static/js/app\.js\?v=[0-9a-f]{12}"', html)
    versioned = client.get(css.group(1))
    assert versioned.status_code == 200
    assert versioned.cache_control.max_age == ONE_YEAR
    versioned.close()
    bare = client.get("/static/css/app.css?v=000000000000")
    assert bare.cache_control.max_age != ONE_YEAR
    bare.close()


def test_a_changed_file_gets_a_new_url(tmp_path):
    """Editing a static file changes its version, so no cache serves the old one; nothing
    outside the folder is ever read."""
    target = tmp_path / "site.css"
    target.write_text("body { color: black }")
    first = staticfiles.file_version(tmp_path, "site.css")
    target.write_text("body { color: navy }")
    assert staticfiles.file_version(tmp_path, "site.css") != first
    assert staticfiles.file_version(tmp_path, "../etc/passwd") is None
    assert staticfiles.file_version(tmp_path, "missing.css") is None


def test_a_missing_static_file_gets_no_version(app):
    """A link to a file that is not there stays as it was (and 404s)."""
    with app.test_request_context():
        assert url_for("static", filename="no/such.css") == "/static/no/such.css"
