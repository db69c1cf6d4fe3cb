"""Every scan field offers the camera (camera-scan.js), and its page's CSP lets it read."""

import re

import pytest

from atelier.extensions import db
from tests.conftest import sign_in
from tests.factories import make_item, make_shipment

#: (user, page, the scan field's id, what a decoded code does there)
SCAN_PAGES = [
    ("shop", "/till/AMS", "scan-input", "custom"),
    ("shop", "/till/AMS/returns", "scan", "fill"),
    ("shop", "/items", "q", "submit"),
    ("shop", "/shipments/{shipment}", "scan", "submit"),
    ("supervisor", "/shipments/new", "scans", "append"),
]


@pytest.mark.parametrize(("role", "path", "field", "mode"), SCAN_PAGES)
def test_each_scan_field_has_a_camera_button(client, world, role, path, field, mode):
    """The button names its field, is hidden until the script finds a camera (so nothing
    changes without JavaScript), and the page loads the script and allows its reader."""
    shipment = make_shipment(
        world.sites["ORA"], world.sites["AMS"], [make_item(world.tote, world.elena)]
    )
    db.session.commit()
    sign_in(client, world.users[role])
    response = client.get(path.format(shipment=shipment.id))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert f'id="{field}"' in html
    button = re.search(rf'<button[^>]*data-camera-for="{field}"[^>]*>', html, re.S)
    assert button, "no camera button for the scan field"
    assert f'data-camera-mode="{mode}"' in button.group(0)
    assert " hidden" in button.group(0)
    assert f'id="{field}-camera"' in html
    assert "js/camera-scan.js" in html
    if "data-polyfill-url" in button.group(0):
        assert "'wasm-unsafe-eval'" in response.headers["Content-Security-Policy"]


def test_a_received_shipment_offers_no_camera(client, world):
    """Nothing left to receive: no scan field, no camera, no widened CSP."""
    shipment = make_shipment(
        world.sites["ORA"],
        world.sites["AMS"],
        [make_item(world.tote, world.elena)],
        status="received",
    )
    db.session.commit()
    sign_in(client, world.users["shop"])
    response = client.get(f"/shipments/{shipment.id}")
    assert response.status_code == 200
    assert "data-camera-for" not in response.get_data(as_text=True)
    assert "wasm-unsafe-eval" not in response.headers["Content-Security-Policy"]
