"""A database outage a test can cause and end: the way from a second app to the test database.

On SQLite the way is a symbolic link to the database's folder (no link: the file cannot be
opened); on PostgreSQL a small TCP relay (down: it hangs up on every connection). Taking it
away and putting it back breaks nothing else: the suite's own app never goes through it.
"""

import socket
import threading
from pathlib import Path

import sqlalchemy as sa

from atelier import create_app
from atelier.extensions import db
from tests.conftest import TEST_SETTINGS, Client, on_postgres


class Way:
    """What both ways share: the apps behind them, whose idle pooled connections are
    dropped when the way goes down (an open SQLite file would otherwise stay readable)."""

    def __init__(self):
        self.apps: list = []

    def forget_connections(self):
        """Close the pooled connections of every app behind this way."""
        for other in self.apps:
            with other.app_context():
                db.engine.dispose()


class Relay(Way):
    """A TCP relay to PostgreSQL on a port of its own; ``up`` forwards, down hangs up."""

    def __init__(self, url: sa.engine.URL):
        super().__init__()
        self.target = (url.host or "127.0.0.1", url.port or 5432)
        self.is_up = False
        self.listener = socket.create_server(("127.0.0.1", 0))
        port = self.listener.getsockname()[1]
        self.url = url.set(host="127.0.0.1", port=port).render_as_string(hide_password=False)
        self.open: list[socket.socket] = []
        self.lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return  # closed at the end of the test
            if not self.is_up:
                client.close()
                continue
            upstream = socket.create_connection(self.target)
            with self.lock:
                self.open += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    @staticmethod
    def _pump(source, sink):
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for s in (source, sink):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def up(self):
        """Forward new connections."""
        self.is_up = True

    def down(self):
        """Cut every open connection and hang up on new ones."""
        self.is_up = False
        self.forget_connections()
        with self.lock:
            for s in self.open:
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                s.close()
            self.open.clear()

    def close(self):
        """Stop listening."""
        self.down()
        self.listener.close()


class Link(Way):
    """A symbolic link to the SQLite database's folder: removed, the file cannot be opened."""

    def __init__(self, database: Path, where: Path):
        super().__init__()
        self.folder, self.link = database.parent, where / "db"
        self.url = f"sqlite:///{self.link / database.name}"

    def up(self):
        """Put the link back."""
        self.link.symlink_to(self.folder, target_is_directory=True)

    def down(self):
        """Take the link away."""
        self.link.unlink(missing_ok=True)
        self.forget_connections()

    def close(self):
        """Leave nothing behind."""
        self.down()


def database_switch(app, tmp_path: Path):
    """A way to the suite's database that the caller can take away (it starts down)."""
    url = sa.engine.make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if on_postgres():
        return Relay(url)
    return Link(Path(url.database), tmp_path)


def app_behind(switch):
    """An app like the suite's that reaches the database only through ``switch``."""
    other = create_app({**TEST_SETTINGS, "SQLALCHEMY_DATABASE_URI": switch.url})
    other.test_client_class = Client
    switch.apps.append(other)
    return other


def close_app(other, db) -> list:
    """Dispose of the app's connections; returns the 500s it answered (none expected)."""
    with other.app_context():
        db.engine.dispose()
    return other.extensions.get("unexpected_errors") or []
