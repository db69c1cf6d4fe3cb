"""What the wages pages and the API send alike: a payslip's PDF, a month's bank transfers."""

from flask import Response, request

from atelier.extensions import db
from atelier.wages import payouts
from atelier.wages import payslip_pdf as pdf_doc


def payslip_pdf(row, slip, locale: str) -> Response:
    """A payslip PDF download, written in ``locale``."""
    body = pdf_doc.render(row, slip, locale)
    return Response(
        body,
        mimetype="application/pdf",
        headers={
            "Content-Disposition": f'inline; filename="payslip-{row.period}-{slip.maker_code}.pdf"'
        },
    )


def bank_transfers_csv(period: str) -> Response:
    """A closed month's bank transfers as CSV (``?skip_missing=1`` leaves out makers without
    bank details, else 409 naming them); the read is audited, so it is committed."""
    body, _left_out = payouts.bank_transfers(period, request.args.get("skip_missing") == "1")
    db.session.commit()
    return Response(
        body,
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="bank-transfers-{period}.csv"'},
    )
