"""A fake Stripe API on 127.0.0.1 for tests: Checkout Sessions, refunds, a payment page.

The SDK is pointed at it through ``STRIPE_API_BASE``; every request is recorded so tests
can check what was sent (amounts, metadata, expiry, idempotency keys).
"""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit


def _nest(pairs: list[tuple[str, str]]) -> dict:
    """Stripe's form encoding (``a[b][0][c]=1``) back into nested dicts (lists as dicts)."""
    out: dict = {}
    for key, value in pairs:
        parts = key.replace("]", "").split("[")
        node = out
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = value
    return out


class FakeStripe:
    """The server, its base URL, and what it received."""

    def __init__(self):
        """Bind a server to a free loopback port (not started yet)."""
        self.requests: list[dict] = []
        self.sessions: dict[str, dict] = {}
        self.refunds: list[dict] = []
        self.failing = False
        fake = self

        class Handler(BaseHTTPRequestHandler):
            """The HTTP side: a few Stripe endpoints."""

            def log_message(self, *args):  # keep test output quiet
                """Say nothing."""

            def _reply(self, status, body, content_type="application/json", headers=None):
                """Send a JSON (or given) body."""
                data = body if isinstance(body, bytes) else json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(data)))
                for key, value in (headers or {}).items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self):
                """Create a Checkout Session or a refund."""
                raw = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode()
                params = _nest(parse_qsl(raw, keep_blank_values=True))
                path = urlsplit(self.path).path
                fake.requests.append(
                    {
                        "path": path,
                        "params": params,
                        "idempotency_key": self.headers.get("Idempotency-Key"),
                        "auth": self.headers.get("Authorization", ""),
                    }
                )
                if fake.failing:
                    return self._reply(500, {"error": {"message": "boom", "type": "api_error"}})
                if path == "/v1/checkout/sessions":
                    sid = f"cs_test_{len(fake.sessions) + 1}"
                    session = {
                        "id": sid,
                        "object": "checkout.session",
                        "status": "open",
                        "payment_status": "unpaid",
                        "url": f"{fake.base}/pay/{sid}",
                        "metadata": params.get("metadata", {}),
                        "expires_at": int(params.get("expires_at", 0)),
                        "success_url": params.get("success_url", ""),
                        "cancel_url": params.get("cancel_url", ""),
                    }
                    fake.sessions[sid] = session
                    return self._reply(200, session)
                if path == "/v1/refunds":
                    refund = {
                        "id": f"re_test_{len(fake.refunds) + 1}",
                        "object": "refund",
                        "status": "succeeded",
                        "payment_intent": params.get("payment_intent"),
                    }
                    fake.refunds.append(refund)
                    return self._reply(200, refund)
                return self._reply(
                    404, {"error": {"message": "unknown", "type": "invalid_request_error"}}
                )

            def do_GET(self):
                """The payment page: the buyer is sent straight back, as if paid."""
                path = urlsplit(self.path).path
                sid = path.rsplit("/", 1)[-1]
                if path.startswith("/pay/") and sid in fake.sessions:
                    # Stripe's page, reduced to "paid": straight back to the success URL
                    return self._reply(
                        303, b"", "text/plain", {"Location": fake.sessions[sid]["success_url"]}
                    )
                return self._reply(404, {"error": {"message": "unknown"}})

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self) -> "FakeStripe":
        """Serve in a background thread."""
        self.thread.start()
        return self

    def stop(self) -> None:
        """Shut the server down."""
        self.server.shutdown()
        self.server.server_close()

    def session_requests(self) -> list[dict]:
        """The Checkout Session creations received, oldest first."""
        return [r for r in self.requests if r["path"] == "/v1/checkout/sessions"]
