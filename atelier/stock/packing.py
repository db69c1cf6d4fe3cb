"""The packing list of a shipment as a PDF (codes and products; never a maker)."""

from io import BytesIO

from flask_babel import gettext as _
from flask_babel import ngettext
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas

from atelier.pdf import register_fonts
from atelier.stock.models import Shipment
from atelier.timeutil import local_date


def packing_list(shipment: Shipment) -> bytes:
    """An A4 list to pack and check against: one row per piece with a tick box."""
    regular, bold = register_fonts()
    buffer = BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    _width, height = A4
    sent_on = local_date(shipment.sent_at, shipment.from_site.timezone)
    pdf.setTitle(_("Packing list %(number)s", number=shipment.id))

    def header(y):
        pdf.setFont(bold, 16)
        pdf.drawString(20 * mm, y, _("Packing list %(number)s", number=shipment.id))
        pdf.setFont(regular, 11)
        pdf.drawString(20 * mm, y - 8 * mm, f"{shipment.from_site.name} → {shipment.to_site.name}")
        pdf.drawString(
            20 * mm,
            y - 14 * mm,
            ngettext(
                "Sent on %(day)s · %(num)d piece",
                "Sent on %(day)s · %(num)d pieces",
                len(shipment.lines),
                day=sent_on.isoformat(),
            ),
        )
        return y - 26 * mm

    y = header(height - 20 * mm)
    for number, line in enumerate(ln for ln in shipment.lines if ln.state != "unexpected"):
        if y < 20 * mm:
            pdf.showPage()
            y = header(height - 20 * mm)
        pdf.setFont(regular, 11)
        pdf.rect(20 * mm, y - 1 * mm, 4 * mm, 4 * mm)
        pdf.drawString(28 * mm, y, f"{number + 1}.")
        pdf.drawString(38 * mm, y, line.item.code)
        pdf.drawString(80 * mm, y, line.item.product_type.name[:60])
        y -= 8 * mm
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
