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
import shutil
import subprocess
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import redis
import sqlalchemy as sa

from atelier import config
from atelier.config import ROOT, normalise_database_url
from tests.deploy_harness import (
    CHECK_SCRIPT,
    DEPLOY,
    SITE_TEMPLATE,
    UNIT,
    Instance,
    Nginx,
    Till,
    counts,
    env_example,
    free_port,
    missing_tools,
    seed,
    unit_values,
)

REDIS_DB = 14  # this test's own Redis database, emptied at its start
SALES = 24  # pieces sold through nginx, one sale each
KILL_AFTER = 8  # sales answered before one instance is killed


# --- the recipe as written (no services needed) ---------------------------------------------


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


class _Ready(BaseHTTPRequestHandler):
    """An app server whose /readyz says ready."""

    def do_GET(self):  # the http.server API names it
        self.send_response(200 if self.path == "/readyz" else 404)
        self.end_headers()

    def log_message(self, *args):
        """Quiet."""


@pytest.mark.skipif(not shutil.which("curl"), reason="curl is not installed")
def test_the_upstream_check_takes_out_a_server_that_is_not_ready(tmp_path):
    """The /readyz check marks a server that does not answer "down" and reloads nginx; when
    no server is ready (the shared database is away) it leaves them all in."""
    ready = ThreadingHTTPServer(("127.0.0.1", 0), _Ready)
    threading.Thread(target=ready.serve_forever, daemon=True).start()
    alive, dead = f"127.0.0.1:{ready.server_port}", f"127.0.0.1:{free_port()}"
    site = tmp_path / "atelier.conf"
    template = SITE_TEMPLATE.read_text().replace("${ATELIER_APP_1}", dead)
    site.write_text(template.replace("${ATELIER_APP_2}", alive))
    env = {**os.environ, "ATELIER_NGINX_RELOAD": f"touch {tmp_path / 'reloaded'}"}

    subprocess.run([str(CHECK_SCRIPT), str(site)], env=env, check=True, timeout=30)
    assert f"server {dead} down max_fails" in site.read_text()
    assert f"server {alive} max_fails" in site.read_text()
    assert (tmp_path / "reloaded").exists()

    ready.shutdown()
    ready.server_close()
    subprocess.run([str(CHECK_SCRIPT), str(site)], env=env, check=True, timeout=30)
    assert " down " not in site.read_text()


# --- the recipe run on loopback ----------------------------------------------------------------


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


MISSING = missing_tools()
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
    ports = {name: free_port() for name in ("app1", "app2", "http", "https")}
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
    token, codes, tag = seed(url, env, SALES)

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
        assert counts(url) == {
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
        access = (tmp_path / "access.log").read_text()
        assert f":{ports['app1']}" in access and f":{ports['app2']}" in access
        # nginx's id is the app's id for the same request; neither log has a path or a tag
        nginx_ids = {json.loads(line)["request_id"] for line in access.splitlines()}
        app_ids = {line["request_id"] for app in apps for line in app.request_lines()}
        assert len(nginx_ids & app_ids) >= SALES
        assert "/t/" not in access and "/api/" not in access
        for text in (access, *(app.log.read_text() for app in apps)):
            assert tag not in text
            assert codes[0] not in text

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
