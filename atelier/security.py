"""Security headers, including a Content-Security-Policy with no inline script or style."""

from flask import g, request

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
    directives = {k: list(v) for k, v in BASE_POLICY.items()}
    for directive, sources in g.get("csp_extra", {}).items():
        known = directives.setdefault(directive, [])
        known.extend(s for s in sources if s not in known)
    return "; ".join(f"{k} {' '.join(v)}" for k, v in directives.items())


def register(app) -> None:
    """Add the headers to every response."""

    @app.after_request
    def set_headers(response):
        headers = response.headers
        headers.setdefault("Content-Security-Policy", policy())
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Referrer-Policy", "same-origin")
        headers.setdefault("Permissions-Policy", "camera=(self), microphone=(), geolocation=()")
        headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        if request.is_secure:
            headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        if request.path.startswith("/api/") or response.mimetype == "text/html":
            headers.setdefault("Cache-Control", "no-store")
        return response
