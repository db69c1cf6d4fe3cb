"""A payslip as a one-page A4 PDF in the maker's language (ReportLab, embedded DejaVu)."""

import io
from xml.sax.saxutils import escape

from flask_babel import force_locale
from flask_babel import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from atelier.formatting import money
from atelier.formatting import month as month_name
from atelier.pdf import register_fonts
from atelier.wages.labels import kind_label


def render(period_row, slip, locale: str) -> bytes:
    """The PDF bytes of one frozen payslip, written in ``locale``."""
    regular, bold = register_fonts()
    title = ParagraphStyle("title", fontName=bold, fontSize=18, leading=24)
    body = ParagraphStyle("body", fontName=regular, fontSize=10, leading=14)
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
        title=f"Payslip {period_row.period} {slip.maker_code}",
    )
    with force_locale(locale):
        month = month_name(period_row.period)
        story = [
            Paragraph(_("Payslip") + f" — {month}", title),
            Paragraph(escape(f"{slip.display_name} · {slip.maker_code}"), body),
            Spacer(1, 6 * mm),
        ]
        rows = [[_("What"), _("Details"), _("Amount")]]
        rows += [
            [
                kind_label(x.kind),
                Paragraph(escape(x.description), body),
                money(x.amount_cents, period_row.currency),
            ]
            for x in slip.lines
        ]
        rows.append([_("Total"), "", money(slip.total_cents, period_row.currency)])
        table = Table(rows, colWidths=[35 * mm, 105 * mm, 34 * mm], repeatRows=1)
        table.setStyle(
            TableStyle(
                [
                    ("FONTNAME", (0, 0), (-1, -1), regular),
                    ("FONTNAME", (0, 0), (-1, 0), bold),
                    ("FONTNAME", (0, -1), (-1, -1), bold),
                    ("FONTSIZE", (0, 0), (-1, -1), 10),
                    ("ALIGN", (2, 0), (2, -1), "RIGHT"),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.black),
                    ("LINEABOVE", (0, -1), (-1, -1), 0.8, colors.black),
                ]
            )
        )
        story.append(table)
        rates = ", ".join(
            f"1 {c} = {r} {period_row.currency}"
            for c, r in sorted((x.currency, x.rate) for x in period_row.rates)
        )
        if rates:
            story += [Spacer(1, 4 * mm), Paragraph(_("Exchange rates") + f": {rates}", body)]
        doc.build(story)
    return buffer.getvalue()
