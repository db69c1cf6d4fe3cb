"""What the dashboard pages and the API read and send alike: year, suppression, downloads."""

from flask import Response, request

from atelier.db import utcnow
from atelier.indicators import exports, rules, services

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: how each download is written and sent
DOWNLOADS = {"csv": (exports.to_csv, "text/csv"), "xlsx": (exports.to_xlsx, XLSX)}


def year_arg() -> int:
    """The ``year`` query argument, else this year."""
    this_year = rules.year_of(utcnow(), services.tz_name())
    return services.parse_year(request.args.get("year"), default=this_year)


def suppress_arg() -> bool:
    """True when ``suppress`` asks for small counts as "<5"."""
    return request.args.get("suppress", "") in ("1", "true", "on", "yes")


def download(kind: str, user) -> Response:
    """The funders' table of the year asked for, as a ``csv`` or ``xlsx`` attachment."""
    write, mimetype = DOWNLOADS[kind]
    year = year_arg()
    body = write(services.report(year, user), suppress_arg())
    return Response(
        body,
        mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="indicators-{year}.{kind}"'},
    )
