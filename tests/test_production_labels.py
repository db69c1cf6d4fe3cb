"""Label sheets: every QR decodes to exactly its piece's URL, and no maker is named."""

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import zxingcpp

from atelier.production import items as item_services
from atelier.production.labels import Grid, render_labels
from tests.factories import make_beneficiary, make_item, make_product_type

BASE = "https://atelier.test"


def _decode(pdf: bytes) -> tuple[list[str], str, int]:
    """Every QR text, the whole text layer, and the number of raster images in the PDF."""
    document = pdfium.PdfDocument(pdf)
    texts, words, images = [], [], 0
    try:
        for page in document:
            bitmap = page.render(scale=2.5)
            texts += [r.text for r in zxingcpp.read_barcodes(bitmap.to_pil())]
            textpage = page.get_textpage()
            words.append(textpage.get_text_range())
            images += sum(1 for _ in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE]))
            textpage.close()
            bitmap.close()
            page.close()
    finally:
        document.close()
    return texts, "\n".join(words), images


def _mixed_batch(world, db):
    """Pieces of three products by two makers, with Romanian and Cyrillic names."""
    bag = make_product_type(sku="BAG", name="Geantă ștrandă", price_cents=2250)
    cushion = make_product_type(sku="CUSH", name="Подушка", price_cents=1990)
    other = make_beneficiary(world.sites["ORA"], world.programmes["TEENS"], display_name="Mariana")
    pieces = [
        make_item(p, m)
        for p in (world.tote, bag, cushion)
        for m in (world.elena, other)
        for _ in range(5)
    ]
    db.session.commit()
    return pieces


def test_every_qr_on_a_mixed_sheet_decodes_to_its_piece(app, world, db):
    """30 labels over two pages: each QR gives exactly that piece's URL, once."""
    pieces = _mixed_batch(world, db)
    with app.test_request_context():
        pdf = render_labels(item_services.label_data(pieces), BASE)
    texts, words, images = _decode(pdf)
    assert sorted(texts) == sorted(f"{BASE}/t/{p.tag}" for p in pieces)
    assert images == 0  # vector QR codes, no bitmaps
    for piece in pieces:
        assert piece.code in words
    assert "Geantă ștrandă" in words and "Подушка" in words
    assert "22.50 EUR" in words


def test_labels_never_name_the_maker(app, world, db):
    """The label text carries codes, names and prices, and no maker's name or code."""
    pieces = _mixed_batch(world, db)
    with app.test_request_context():
        pdf = render_labels(item_services.label_data(pieces), BASE, Grid(columns=2, rows=5))
    _texts, words, _images = _decode(pdf)
    for piece in pieces:
        assert piece.beneficiary.display_name not in words
        assert piece.beneficiary.maker_code not in words
    assert "Elena" not in words and "Mariana" not in words
