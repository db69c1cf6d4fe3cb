"""Versioned static URLs: ``/static/css/app.css?v=<content hash>``.

Every ``url_for('static', ...)`` carries a short hash of the file's bytes, so a proxy (nginx,
see deploy/) or a browser may keep a static file for a year: a changed file gets a new URL.
A file that does not exist gets no version (the request will 404 as before).
"""

import hashlib
from pathlib import Path

from flask import Flask, request
from werkzeug.security import safe_join

#: a year, the longest max-age browsers honour in practice
ONE_YEAR = 365 * 24 * 3600
_VERSIONS: dict[tuple[str, int, int], str] = {}


def file_version(folder: Path, filename: str) -> str | None:
    """A 12-hex-digit hash of a static file's content, cached while its size and mtime hold;
    None for a name outside the folder (``..``) or anything but a regular file."""
    joined = safe_join(str(folder), filename)
    path = Path(joined) if joined else None
    try:
        stat = path.stat() if path and path.is_file() else None
    except OSError:
        stat = None
    if stat is None:
        return None
    key = (str(path), stat.st_mtime_ns, stat.st_size)
    if key not in _VERSIONS:
        _VERSIONS[key] = hashlib.sha256(path.read_bytes()).hexdigest()[:12]
    return _VERSIONS[key]


def register(app: Flask) -> None:
    """Add ``v`` to static URLs; when Flask serves a versioned URL itself (no proxy in
    front), it may be cached for a year too."""
    folder = Path(app.static_folder)
    serve_max_age = app.get_send_file_max_age

    @app.url_defaults
    def version_static_urls(endpoint: str, values: dict) -> None:
        if endpoint == "static" and "filename" in values and "v" not in values:
            version = file_version(folder, values["filename"])
            if version:
                values["v"] = version

    def max_age(filename: str | None) -> int | None:
        """A year for a URL whose version matches the file, else Flask's default."""
        version = request.args.get("v") if filename else None
        if version and version == file_version(folder, filename):
            return ONE_YEAR
        return serve_max_age(filename)

    app.get_send_file_max_age = max_age
