"""Gunicorn settings for an Atelier app server (used by deploy/systemd/atelier@.service).

The bind address comes from the unit's command line (``--bind``). The app writes its own
JSON line per request on standard error, so gunicorn's access log stays off.
"""

import multiprocessing
import os

#: sync workers: each takes one request at a time; several per host, several hosts
workers = int(os.environ.get("GUNICORN_WORKERS") or multiprocessing.cpu_count() * 2 + 1)
worker_class = "sync"
#: a request longer than this is killed (a report or a PDF takes a few seconds at most)
timeout = int(os.environ.get("GUNICORN_TIMEOUT") or 30)
#: on stop or reload, requests in progress get this long to finish
graceful_timeout = 20
#: recycle workers now and then so memory stays flat over weeks
max_requests = 2000
max_requests_jitter = 200
accesslog = None
errorlog = "-"
loglevel = "info"
#: gunicorn trusts X-Forwarded-Proto only from the proxy (the app's TRUSTED_PROXIES does the rest)
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
#: gunicorn ≥ 24's control socket (one default path per user) is not used; two instances on
#: one host would fight over it (older gunicorn ignores this setting)
control_socket_disable = True
