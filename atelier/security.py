"""Security headers, including a Content-Security-Policy with no inline script or style."""

from flask import g, request
from flask.sessions import SecureCookieSessionInterface

BASE_POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:", "blob:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "media-src": ["'self'", "blob:"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}


def extend_csp(directive: str, *sources: str) -> None:
    """Widen one directive for this response only (e.g. WebAssembly on the till page)."""
    extra = g.setdefault("csp_extra", {})
    extra.setdefault(directive, []).extend(sources)


def policy() -> str:
    """The CSP header value for the current response."""
    extra = g.get("csp_extra")
    if not extra:
        return BASE_HEADER
    directives = {k: list(v) for k, v in BASE_POLICY.items()}
    for directive, sources in extra.items():
        known = directives.setdefault(directive, [])
        known.extend(s for s in sources if s not in known)
    return _header(directives)


def _header(directives: dict) -> str:
    """Directives as a header value."""
    return "; ".join(f"{k} {' '.join(v)}" for k, v in directives.items())


BASE_HEADER = _header(BASE_POLICY)
#: on every response unless the view set its own
STATIC_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Permissions-Policy": "camera=(self), microphone=(), geolocation=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}
#: (lower-cased name, name, value), as :func:`register`'s hook compares and adds them
STATIC_ITEMS = tuple((key.lower(), key, value) for key, value in STATIC_HEADERS.items())
HSTS = (
    "strict-transport-security",
    "Strict-Transport-Security",
    "max-age=31536000; includeSubDomains",
)
NO_STORE = ("cache-control", "Cache-Control", "no-store")


class PagesOnlySessionInterface(SecureCookieSessionInterface):
    """The signed session cookie belongs to the pages. A JSON API call is authenticated by
    its bearer token alone: it gets an empty, read-only session (a cookie sent along is
    not even read, and none is set), which also spares every call the cookie's work."""

    def open_session(self, app, request):
        """No session for ``/api/`` calls."""
        if request.path.startswith("/api/"):
            return self.make_null_session(app)
        return super().open_session(app, request)


def register(app) -> None:
    """Add the headers to every response; keep the session cookie out of the API."""
    app.session_interface = PagesOnlySessionInterface()

    @app.after_request
    def set_headers(response):
        headers = response.headers
        wanted = [*STATIC_ITEMS, ("content-security-policy", "Content-Security-Policy", policy())]
        if request.is_secure:
            wanted.append(HSTS)
        if request.path.startswith("/api/") or response.mimetype == "text/html":
            wanted.append(NO_STORE)
        present = {key.lower() for key, _value in headers.items()}
        # a view's own header wins; the rest in one go (each ``headers[key] =`` scans them all)
        headers.extend([(key, value) for lower, key, value in wanted if lower not in present])
        return response
