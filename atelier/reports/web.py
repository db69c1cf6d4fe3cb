"""What the report's pages and the API read and send alike: year, options, the files."""

from flask import Response, request

from atelier.indicators import web as indicator_web
from atelier.reports import pdf, services, sheet, word

XLSX = indicator_web.XLSX
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
#: how each file is written and sent
FILES = {
    "pdf": (pdf.render, "application/pdf"),
    "docx": (word.render, DOCX),
    "xlsx": (sheet.render, XLSX),
}
ON = ("1", "true", "on", "yes")


def compare_arg() -> bool:
    """True when ``compare`` asks for the previous year's column pair."""
    return request.args.get("compare", "") in ON


def report_arg(user) -> services.Report:
    """The report the query string asks for: ``year``, ``suppress``, ``compare``."""
    return services.build(
        indicator_web.year_arg(), user, indicator_web.suppress_arg(), compare_arg()
    )


def download(kind: str, user) -> Response:
    """The year's report as a ``pdf``, ``docx`` or ``xlsx`` attachment."""
    write, mimetype = FILES[kind]
    report = report_arg(user)
    return Response(
        write(report),
        mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="results-{report.year}.{kind}"'},
    )
