"""Catalogue pages: adding product types, photo uploads (validated, re-encoded, cached)."""

import io

import pytest
import sqlalchemy as sa
from PIL import Image

from atelier.catalog.models import ProductType
from tests.conftest import sign_in
from tests.factories import give_photo, make_web_item, photo_bytes
from tests.refusals import error_page


def _with_exif() -> bytes:
    """A JPEG carrying EXIF metadata (as phones write: location, camera…)."""
    image = Image.new("RGB", (80, 60), (10, 120, 200))
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # Make
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def test_admin_adds_a_product_with_a_photo(client, world, db):
    """The new product is listed with its price; its photo is re-encoded without metadata."""
    sign_in(client, world.users["admin"])
    response = client.post(
        "/admin/products",
        data={
            "sku": "apron",
            "name": "Kitchen apron",
            "price": "24.00",
            "price_currency": "EUR",
            "piece_rate": "20",
            "maker_share": "20",
            "effective_from": "2026-01-01",
            "photo": (io.BytesIO(_with_exif()), "apron.jpg"),
        },
        follow_redirects=True,
    )
    assert response.status_code == 200
    assert "Kitchen apron" in response.text
    product = db.session.scalar(sa.select(ProductType).where(ProductType.sku == "APRON"))
    assert product.rules[0].price_cents == 2400 and product.rules[0].maker_share_bp == 2000
    stored = Image.open(io.BytesIO(product.photo))
    assert stored.format == "JPEG"
    assert b"SecretCam" not in product.photo and not stored.getexif()


def test_a_file_that_is_not_an_image_is_refused(client, world, db):
    """A text file named .jpg is refused with a message and a 400 status, and nothing
    changes."""
    sign_in(client, world.users["admin"])
    response = client.post(
        f"/admin/products/{world.tote.sku}",
        data={
            "name": "Tote bag",
            "description": "",
            "is_active": "y",
            "photo": (io.BytesIO(b"GIF89a not really"), "evil.jpg"),
        },
    )
    assert response.status_code == 400
    assert "could not be used" in response.text
    db.session.refresh(world.tote)
    assert world.tote.photo_version == 0


def test_the_photo_is_served_with_long_caching_and_etag(client, world, db):
    """The versioned photo URL is cached a year; an If-None-Match revalidation is a 304."""
    give_photo(world.tote)
    db.session.commit()
    url = f"/products/TOTE/photo-{world.tote.photo_version}.jpg"
    response = client.get(url)
    assert response.status_code == 200 and response.mimetype == "image/jpeg"
    assert "immutable" in response.headers["Cache-Control"]
    again = client.get(url, headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304
    error_page(client.get("/products/TOTE/photo-99.jpg"), 404)


@pytest.mark.usefixtures("db")
def test_a_rule_change_from_the_page(client, world):
    """The admin raises the price from a date; the history shows both rules."""
    sign_in(client, world.users["admin"])
    response = client.post(
        "/admin/products/TOTE/rules",
        data={"price": "18.00", "effective_from": "2026-06-01"},
        follow_redirects=True,
    )
    assert "€18.00" in response.text and "€15.00" in response.text


def test_photo_bytes_helper_makes_real_images():
    """The upload helper used by tests produces a decodable PNG."""
    assert Image.open(io.BytesIO(photo_bytes())).format == "PNG"


def test_a_missing_price_is_marked_on_its_field(client, world, db):
    """Saving a product without a price marks the price field and saves nothing."""
    sign_in(client, world.users["admin"])
    response = client.post(
        "/admin/products",
        data={
            "sku": "APRON",
            "name": "Kitchen apron",
            "price_currency": "EUR",
            "piece_rate": "20",
            "maker_share": "20",
            "effective_from": "2026-01-01",
        },
    )
    assert response.status_code == 400
    assert 'class="field has-error"' in response.text and "required" in response.text
    assert db.session.scalar(sa.select(ProductType).where(ProductType.sku == "APRON")) is None


def test_product_names_and_descriptions_per_language(client, world, db):
    """The coordinator gives the tote a Dutch and a Romanian name: Dutch shoppers read the
    Dutch one in the store and on the story page, a supervisor the Romanian one on the
    production screen, and a language left blank falls back to the default name."""
    sign_in(client, world.users["admin"])
    response = client.post(
        f"/admin/products/{world.tote.sku}",
        data={
            "name": "Tote bag",
            "description": "A sturdy tote.",
            "name_nl": "Draagtas",
            "description_nl": "Een stevige tas.",
            "name_ro": "Sacoșă",
            "is_active": "y",
        },
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert world.tote.translations == {
        "nl": {"name": "Draagtas", "description": "Een stevige tas."},
        "ro": {"name": "Sacoșă", "description": ""},
    }
    piece = make_web_item(world)
    db.session.commit()
    shopper = client.application.test_client()
    shopper.post("/language", data={"lang": "nl"})
    store = shopper.get("/store").get_data(as_text=True)
    assert "Draagtas" in store and "Tote bag" not in store
    assert "Een stevige tas." in shopper.get(f"/t/{piece.tag}").get_data(as_text=True)
    shopper.post("/language", data={"lang": "uk"})
    assert "Tote bag" in shopper.get("/store").get_data(as_text=True)  # no Ukrainian name
    supervisor = client.application.test_client()
    sign_in(supervisor, world.users["supervisor"])
    supervisor.post("/language", data={"lang": "ro"})
    assert "Sacoșă" in supervisor.get("/atelier/production").get_data(as_text=True)
