"""The deployment recipe in deploy/, checked as written and then run on loopback.

The run (``deploy`` marker) needs nginx, gunicorn, openssl, curl, PostgreSQL
(``TEST_DATABASE_URL``) and Redis on 127.0.0.1:6379; without one of them it skips and says
which. It renders deploy/nginx/atelier.conf.template (TLS with a certificate made here), starts
two gunicorn instances exactly as deploy/systemd/atelier@.service does, with the settings of
deploy/.env.example, on one scratch PostgreSQL database, sells through nginx, kills one
instance mid-run, and checks in the database that no sale was lost or made twice.
"""

import http.client
import json
import os
import re
import secrets
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
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import sqlalchemy as sa

from atelier import config
from atelier.config import ROOT, normalise_database_url

DEPLOY = ROOT / "deploy"
UNIT = DEPLOY / "systemd" / "atelier@.service"
SITE_TEMPLATE = DEPLOY / "nginx" / "atelier.conf.template"
CHECK_SCRIPT = DEPLOY / "nginx" / "atelier-upstreams-check"
BIN = Path(sys.executable).parent
REDIS_DB = 14  # this test's own Redis database, emptied at its start
SALES = 24  # pieces sold through nginx, one sale each
KILL_AFTER = 8  # sales answered before one instance is killed


# --- the recipe as written (no services needed) ---------------------------------------------


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


def test_env_example_lists_every_setting():
    """Every environment variable the app and gunicorn's settings read is in .env.example."""
    sources = [*ROOT.joinpath("atelier").rglob("*.py"), DEPLOY / "gunicorn.conf.py"]
    pattern = re.compile(
        r"""(?:os\.environ(?:\.get)?[\(\[]|os\.getenv\()\s*["']([A-Z][A-Z0-9_]*)["']"""
    )
    read = {name for path in sources for name in pattern.findall(path.read_text())}
    read |= set(re.findall(r"\$\{([A-Z_]+)\}", UNIT.read_text()))
    assert {"DATABASE_URL", "SECRET_KEY", "GUNICORN_WORKERS", "ATELIER_LISTEN_ADDRESS"} <= read
    missing = sorted(read - env_example().keys())
    assert not missing, f"settings missing from deploy/.env.example: {missing}"


def test_the_units_run_the_documented_commands_on_schedule():
    """gunicorn with the recipe's settings and the env file; expiry every 5 minutes; the
    nightly backup, then its rotation, in that order."""
    systemd = DEPLOY / "systemd"
    (start,) = unit_values(UNIT, "ExecStart")
    assert "gunicorn --config /srv/atelier/deploy/gunicorn.conf.py" in start
    assert unit_values(UNIT, "EnvironmentFile") == ["/etc/atelier/atelier.env"]
    expire = systemd / "atelier-expire.service"
    assert unit_values(expire, "ExecStart")[0].endswith("flask --app wsgi reservations expire")
    assert unit_values(systemd / "atelier-expire.timer", "OnCalendar") == ["*:0/5"]
    backup = [
        c.split("wsgi ", 1)[1] for c in unit_values(systemd / "atelier-backup.service", "ExecStart")
    ]
    assert backup == ["backup create", "backup prune --keep-daily 14 --keep-monthly 12"]
    (nightly,) = unit_values(systemd / "atelier-backup.timer", "OnCalendar")
    if shutil.which("systemd-analyze"):
        for spec in (nightly, "*:0/5"):
            checked = subprocess.run(["systemd-analyze", "calendar", spec], capture_output=True)
            assert checked.returncode == 0, checked.stderr


def test_nginx_takes_bodies_as_large_as_the_app_does():
    """client_max_body_size is the app's MAX_CONTENT_LENGTH: a photo the app accepts is not
    refused by nginx first, and nothing larger reaches an app server."""
    size = re.search(r"client_max_body_size (\d+)m;", SITE_TEMPLATE.read_text())
    app_limit = config.from_environment(str(ROOT / "instance"))["MAX_CONTENT_LENGTH"]
    assert size and int(size.group(1)) * 1024 * 1024 == app_limit


# --- the recipe run on loopback ----------------------------------------------------------------


def _missing_tools() -> str | None:
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


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for(check, what: str, seconds: float = 30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except OSError:
            pass
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def _http_status(port: int, path: str) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        conn.request("GET", path)
        return conn.getresponse().status
    finally:
        conn.close()


@pytest.fixture
def scratch_database():
    """A PostgreSQL database of this test's own, dropped afterwards."""
    base = sa.engine.make_url(normalise_database_url(os.environ["TEST_DATABASE_URL"]))
    name = f"{base.database}_deploy"
    admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    yield base.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


class Instance:
    """One gunicorn app server started as deploy/systemd/atelier@.service starts it."""

    def __init__(self, port: int, env: dict, log: Path):
        self.port, self.env, self.log = port, env, log
        self.process: subprocess.Popen | None = None

    def command(self) -> list[str]:
        (start,) = unit_values(UNIT, "ExecStart")
        start = start.replace("/srv/atelier/.venv/bin/", f"{BIN}/").replace(
            "/srv/atelier", str(ROOT)
        )
        start = start.replace("${ATELIER_LISTEN_ADDRESS}", self.env["ATELIER_LISTEN_ADDRESS"])
        return shlex.split(start.replace("%i", str(self.port)))

    def start(self, wait: bool = True):
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
        _wait_for(lambda: _http_status(self.port, "/readyz") == 200, f"instance :{self.port}", 120)

    def kill(self):
        """The host dies: the arbiter and its workers at once, requests in flight lost."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self):
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
        self.process = subprocess.Popen(self.base, stderr=subprocess.DEVNULL)
        _wait_for(
            lambda: socket.create_connection(("127.0.0.1", https_port), 1).close() is None, "nginx"
        )

    def reload_command(self) -> str:
        return shlex.join([*self.base, "-s", "reload"])

    def stop(self):
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


def _seed(url: str, env: dict) -> tuple[str, list[str], str]:
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
    from atelier import create_app
    from atelier.auth.services import issue_token
    from atelier.extensions import db
    from tests.conftest import TEST_SETTINGS
    from tests.factories import make_item, make_world

    app = create_app({**TEST_SETTINGS, "SQLALCHEMY_DATABASE_URI": normalise_database_url(url)})
    with app.app_context():
        world = make_world()
        pieces = [
            make_item(world.tote, world.elena, site=world.sites["AMS"], status="in_shop")
            for _ in range(SALES)
        ]
        db.session.commit()
        secret, _ = issue_token(world.users["shop"])
        db.session.commit()
        codes, tag = [p.code for p in pieces], world.item_shop.tag
        db.session.remove()
        db.engine.dispose()
    return secret, codes, tag


def _counts(url: str) -> dict:
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


MISSING = _missing_tools()
if MISSING and "PostgreSQL" not in MISSING and os.environ.get("ATELIER_REQUIRE_DEPLOY"):
    # CI installs the tools: there, a missing one is a failure, not a quiet skip
    raise RuntimeError(f"the deployment test cannot run: {MISSING}")


@pytest.mark.deploy
@pytest.mark.skipif(MISSING is not None, reason=MISSING or "")
def test_the_recipe_on_loopback_loses_no_sale_when_an_instance_dies(scratch_database, tmp_path):
    """nginx (TLS) → two gunicorn instances → one PostgreSQL, Redis for limits. Sales are
    spread over both; one instance is killed mid-run; sales go on through the other; every
    piece is sold exactly once. /readyz, through the recipe's check script, takes the dead
    instance out of nginx and puts it back when it is up again."""
    url = scratch_database
    ports = {name: _free_port() for name in ("app1", "app2", "http", "https")}
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-keyout",
            str(key),
            "-out",
            str(cert),
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )
    import redis

    redis.Redis(host="127.0.0.1", port=6379, db=REDIS_DB).flushdb()
    env = {
        **os.environ,
        **env_example(),
        "SECRET_KEY": secrets.token_urlsafe(32),
        "DATABASE_URL": url,
        "PUBLIC_BASE_URL": f"https://127.0.0.1:{ports['https']}",
        "RATELIMIT_STORAGE_URI": f"redis://127.0.0.1:6379/{REDIS_DB}",
        "PUBLIC_RATE_LIMIT": "5 per minute",
        "BACKUP_DIR": str(tmp_path / "backups"),
        "GUNICORN_WORKERS": "2",
        "STRIPE_SECRET_KEY": "",
        "STRIPE_WEBHOOK_SECRET": "",
    }
    token, codes, tag = _seed(url, env)

    apps = [Instance(ports[n], env, tmp_path / f"{n}.log") for n in ("app1", "app2")]
    nginx = Nginx(
        tmp_path,
        {
            "ATELIER_SERVER_NAME": "127.0.0.1",
            "ATELIER_HTTP_LISTEN": f"127.0.0.1:{ports['http']}",
            "ATELIER_HTTPS_LISTEN": f"127.0.0.1:{ports['https']}",
            "ATELIER_TLS_CERT": str(cert),
            "ATELIER_TLS_KEY": str(key),
            "ATELIER_STATIC_ROOT": str(ROOT / "static"),
            "ATELIER_ACCESS_LOG": str(tmp_path / "access.log"),
            "ATELIER_APP_1": f"127.0.0.1:{ports['app1']}",
            "ATELIER_APP_2": f"127.0.0.1:{ports['app2']}",
        },
    )
    try:
        nginx.check()
        for app in apps:
            app.start(wait=False)  # both boot at once
        for app in apps:
            app.wait_ready()
        nginx.start(ports["https"])
        till = Till(ports["https"], cert, token)

        # plain HTTP is sent to HTTPS
        conn = http.client.HTTPConnection("127.0.0.1", ports["http"], timeout=5)
        conn.request("GET", "/sign-in")
        redirect = conn.getresponse()
        assert redirect.status == 301 and redirect.getheader("Location").startswith("https://")
        conn.close()

        # static files come from nginx (no app header), cached a year when versioned
        status, headers, page = till.call("GET", "/sign-in")
        assert status == 200 and headers["X-Request-ID"]
        css = re.search(rb'href="(/static/css/app\.css\?v=[0-9a-f]+)"', page).group(1).decode()
        status, headers, _ = till.call("GET", css)
        assert status == 200 and "X-Request-ID" not in headers
        assert "max-age=31536000" in headers["Cache-Control"]
        assert till.call("GET", "/static/css/app.css")[1]["Cache-Control"] == "no-cache"

        # both instances count public requests in the one Redis: the 6th is throttled
        statuses = [till.call("GET", f"/t/{tag}")[0] for _ in range(6)]
        assert statuses == [200] * 5 + [429]
        story = [{line["route"] for line in app.request_lines()} for app in apps]
        assert all("/t/<tag>" in routes for routes in story), "one instance served them all"

        # sell, and kill the first instance once KILL_AFTER sales are answered
        done = threading.Semaphore(0)
        results: dict[str, dict] = {}

        def sell(index_code):
            index, code = index_code
            results[code] = till.sell(code, str(uuid.UUID(int=index + 1)))
            done.release()

        def killer():
            if all(done.acquire(timeout=60) for _ in range(KILL_AFTER)):
                apps[0].kill()

        assassin = threading.Thread(target=killer, daemon=True)
        assassin.start()
        with ThreadPoolExecutor(max_workers=3) as pool:
            list(pool.map(sell, enumerate(codes)))
        assassin.join(timeout=30)
        assert apps[0].process.poll() is not None, "the first instance was not killed"

        # every sale answered, one sale per piece, none twice
        assert sorted(results) == sorted(codes)
        assert len({sale["id"] for sale in results.values()}) == SALES
        assert _counts(url) == {
            "sales": SALES,
            "client_ids": SALES,
            "lines": SALES,
            "pieces": SALES,
            "sold": SALES,
        }
        served = [
            sum(
                1
                for line in app.request_lines()
                if line["route"] == "/api/v1/sales" and line["status"] in (200, 201)
            )
            for app in apps
        ]
        assert served[0] >= 1 and served[1] >= 1, f"sales were not spread: {served}"
        assert served[1] >= SALES - served[0]
        upstreams = (tmp_path / "access.log").read_text()
        assert f":{ports['app1']}" in upstreams and f":{ports['app2']}" in upstreams

        # /readyz drives the upstream: the check script marks the dead one down...
        check_env = {**os.environ, "ATELIER_NGINX_RELOAD": nginx.reload_command()}
        subprocess.run([str(CHECK_SCRIPT), str(nginx.site)], env=check_env, check=True, timeout=30)
        assert f"server 127.0.0.1:{ports['app1']} down " in nginx.site.read_text()
        assert f"server 127.0.0.1:{ports['app2']} max_fails" in nginx.site.read_text()
        assert till.call("GET", "/readyz")[0] == 200
        # ...and back in once it is ready again
        apps[0].start()
        subprocess.run([str(CHECK_SCRIPT), str(nginx.site)], env=check_env, check=True, timeout=30)
        assert " down " not in nginx.site.read_text()
    finally:
        nginx.stop()
        for app in apps:
            app.stop()
