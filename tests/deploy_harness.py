"""The deployment test's harness: deploy/ read as systemd and nginx read it, and run on
loopback (gunicorn instances as the unit starts them, nginx with the rendered site, a till
that retries a lost answer with the same client_id)."""

import http.client
import json
import os
import shlex
import shutil
import signal
import socket
import ssl
import string
import subprocess
import sys
import threading
import time
from pathlib import Path

import sqlalchemy as sa

from atelier import create_app
from atelier.auth.services import issue_token
from atelier.config import ROOT, normalise_database_url
from atelier.extensions import db
from tests.conftest import TEST_SETTINGS
from tests.factories import make_item, make_world

DEPLOY = ROOT / "deploy"
UNIT = DEPLOY / "systemd" / "atelier@.service"
SITE_TEMPLATE = DEPLOY / "nginx" / "atelier.conf.template"
CHECK_SCRIPT = DEPLOY / "nginx" / "atelier-upstreams-check"
BIN = Path(sys.executable).parent


def env_example() -> dict[str, str]:
    """deploy/.env.example as systemd reads it (KEY=value lines, # comments)."""
    pairs = {}
    for line in (DEPLOY / ".env.example").read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            key, _, value = line.partition("=")
            pairs[key.strip()] = value.strip()
    return pairs


def unit_values(path: Path, key: str) -> list[str]:
    """Every ``key=`` value of a systemd unit file, in order."""
    return [
        line.split("=", 1)[1].strip()
        for line in path.read_text().splitlines()
        if line.startswith(f"{key}=")
    ]


def missing_tools() -> str | None:
    """Why the run cannot happen here, or None."""
    path = os.environ.get("PATH", "") + os.pathsep + "/usr/sbin" + os.pathsep + "/sbin"
    for tool in ("nginx", "openssl", "curl"):
        if not shutil.which(tool, path=path):
            return f"{tool} is not installed (.ci/run installs it)"
    if not (BIN / "gunicorn").exists():
        return "gunicorn is not installed in this virtualenv"
    url = os.environ.get("TEST_DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql")):
        return "needs PostgreSQL: set TEST_DATABASE_URL (make test does in CI)"
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
    except OSError:
        return "needs Redis on 127.0.0.1:6379"
    return None


def free_port() -> int:
    """A port free on 127.0.0.1 right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(check, what: str, seconds: float = 30):
    """Poll ``check`` until it is true; fail naming ``what`` after ``seconds``."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except OSError:
            pass
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def http_status(port: int, path: str) -> int:
    """The status of a plain GET on 127.0.0.1:port."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        conn.request("GET", path)
        return conn.getresponse().status
    finally:
        conn.close()


class Instance:
    """One gunicorn app server started as deploy/systemd/atelier@.service starts it."""

    def __init__(self, port: int, env: dict, log: Path):
        self.port, self.env, self.log = port, env, log
        self.process: subprocess.Popen | None = None

    def command(self) -> list[str]:
        """The unit's ExecStart, with the checkout for /srv/atelier and this port for %i."""
        (start,) = unit_values(UNIT, "ExecStart")
        start = start.replace("/srv/atelier/.venv/bin/", f"{BIN}/").replace(
            "/srv/atelier", str(ROOT)
        )
        start = start.replace("${ATELIER_LISTEN_ADDRESS}", self.env["ATELIER_LISTEN_ADDRESS"])
        return shlex.split(start.replace("%i", str(self.port)))

    def start(self, wait: bool = True):
        """Start it as systemd would (working directory, environment), logging to a file."""
        (workdir,) = unit_values(UNIT, "WorkingDirectory")
        with self.log.open("a") as out:
            self.process = subprocess.Popen(
                self.command(),
                cwd=workdir.replace("/srv/atelier", str(ROOT)),
                env=self.env,
                stdout=out,
                stderr=out,
                start_new_session=True,  # its own process group: killed as a whole
            )
        if wait:
            self.wait_ready()

    def wait_ready(self):
        """Wait until its /readyz says ready."""
        wait_for(lambda: http_status(self.port, "/readyz") == 200, f"instance :{self.port}", 120)

    def kill(self):
        """The host dies: the arbiter and its workers at once, requests in flight lost."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self):
        """Stop it (and what it started), if it still runs."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)

    def request_lines(self) -> list[dict]:
        """The app's JSON request lines from this instance's standard error."""
        lines = []
        for line in self.log.read_text().splitlines():
            if line.startswith("{"):
                record = json.loads(line)
                if record.get("logger") == "atelier.request":
                    lines.append(record)
        return lines


class Nginx:
    """nginx in the foreground with the rendered site and paths of its own."""

    def __init__(self, where: Path, values: dict):
        self.where = where
        self.site = where / "atelier.conf"
        rendered = string.Template(SITE_TEMPLATE.read_text()).safe_substitute(values)
        assert "${ATELIER_" not in rendered, "a variable of the template was not set"
        self.site.write_text(rendered)
        user = "user root;" if os.geteuid() == 0 else ""
        temp = " ".join(
            f"{kind}_temp_path {where / kind};"
            for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
        )
        self.conf = where / "nginx.conf"
        self.conf.write_text(
            f"daemon off; {user} worker_processes 1; pid {where / 'nginx.pid'};\n"
            f"error_log {where / 'error.log'} warn;\n"
            "events { worker_connections 256; }\n"
            "http { include /etc/nginx/mime.types; default_type application/octet-stream;\n"
            f"  {temp}\n  include {self.site};\n}}\n"
        )
        self.binary = shutil.which("nginx", path=os.environ["PATH"] + ":/usr/sbin:/sbin")
        self.base = [
            self.binary,
            "-p",
            str(where),
            "-c",
            str(self.conf),
            "-e",
            str(where / "error.log"),
        ]
        self.process: subprocess.Popen | None = None

    def check(self):
        """``nginx -t``: the rendered recipe is a valid configuration."""
        result = subprocess.run([*self.base, "-t"], capture_output=True, text=True)
        assert result.returncode == 0, result.stderr

    def start(self, https_port: int):
        """Run nginx in the foreground until its HTTPS port answers."""
        self.process = subprocess.Popen(self.base, stderr=subprocess.DEVNULL)
        wait_for(
            lambda: socket.create_connection(("127.0.0.1", https_port), 1).close() is None, "nginx"
        )

    def reload_command(self) -> str:
        """The command that reloads this nginx (for the upstream check script)."""
        return shlex.join([*self.base, "-s", "reload"])

    def stop(self):
        """Stop it (and what it started), if it still runs."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGQUIT)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


class Till:
    """A till talking HTTPS to nginx, retrying a lost answer with the same client_id."""

    def __init__(self, port: int, cafile: Path, token: str):
        self.port, self.token = port, token
        self.context = ssl.create_default_context(cafile=str(cafile))
        self.retries = 0
        self.lock = threading.Lock()

    def call(self, method: str, path: str, body: dict | None = None, headers=None):
        """One HTTPS request with the shop's token: (status, headers, body bytes)."""
        conn = http.client.HTTPSConnection("127.0.0.1", self.port, context=self.context, timeout=15)
        try:
            data = json.dumps(body).encode() if body is not None else None
            sent = {"Authorization": f"Bearer {self.token}", **(headers or {})}
            if data is not None:
                sent["Content-Type"] = "application/json"
            conn.request(method, path, body=data, headers=sent)
            response = conn.getresponse()
            return response.status, dict(response.getheaders()), response.read()
        finally:
            conn.close()

    def sell(self, code: str, client_id: str) -> dict:
        """One sale; a 502/503/504 or a broken connection is sent again, same client_id."""
        body = {
            "shop": "AMS",
            "payment_method": "card",
            "lines": [{"scan": code}],
            "client_id": client_id,
        }
        for _attempt in range(20):
            try:
                status, _headers, raw = self.call("POST", "/api/v1/sales", body)
            except (OSError, http.client.HTTPException):
                status, raw = None, b""
            if status in (200, 201):
                return json.loads(raw)
            assert status in (None, 502, 503, 504), (status, raw[:300])
            with self.lock:
                self.retries += 1
            time.sleep(0.2)
        raise AssertionError(f"sale {client_id} never went through")


def seed(url: str, env: dict, pieces: int) -> tuple[str, list[str], str]:
    """``flask db upgrade`` as the recipe runs it, then a world and pieces in the AMS shop;
    returns the shop's token, the pieces' codes and one piece's tag."""
    upgraded = subprocess.run(
        [str(BIN / "flask"), "--app", "wsgi", "db", "upgrade"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert upgraded.returncode == 0, upgraded.stderr[-2000:]
    app = create_app({**TEST_SETTINGS, "SQLALCHEMY_DATABASE_URI": normalise_database_url(url)})
    with app.app_context():
        world = make_world()
        pieces = [
            make_item(world.tote, world.elena, site=world.sites["AMS"], status="in_shop")
            for _ in range(pieces)
        ]
        db.session.commit()
        secret, _ = issue_token(world.users["shop"])
        db.session.commit()
        codes, tag = [p.code for p in pieces], world.item_shop.tag
        db.session.remove()
        db.engine.dispose()
    return secret, codes, tag


def counts(url: str) -> dict:
    engine = sa.create_engine(normalise_database_url(url))
    with engine.connect() as conn:
        row = conn.execute(
            sa.text(
                "SELECT (SELECT count(*) FROM sales) AS sales,"
                " (SELECT count(DISTINCT client_id) FROM sales) AS client_ids,"
                " (SELECT count(*) FROM sale_lines) AS lines,"
                " (SELECT count(DISTINCT item_id) FROM sale_lines) AS pieces,"
                " (SELECT count(*) FROM items WHERE status = 'sold') AS sold"
            )
        ).one()
    engine.dispose()
    return dict(row._mapping)
