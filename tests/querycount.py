"""Count SQL statements, for query budgets on hot pages."""

import sqlalchemy as sa

_IGNORED = ("SAVEPOINT", "RELEASE", "ROLLBACK", "BEGIN", "COMMIT")


class QueryCounter:
    """Context manager: ``with QueryCounter(engine) as q: ...; q.count``."""

    def __init__(self, engine):
        self.engine = engine
        self.statements: list[str] = []

    def _record(self, _conn, _cursor, statement, _parameters, _context, _executemany):
        if not statement.lstrip().upper().startswith(_IGNORED):
            self.statements.append(statement)

    @property
    def count(self) -> int:
        """How many statements ran."""
        return len(self.statements)

    def __enter__(self):
        sa.event.listen(self.engine, "before_cursor_execute", self._record)
        return self

    def __exit__(self, *exc):
        sa.event.remove(self.engine, "before_cursor_execute", self._record)
        return False

    def report(self) -> str:
        """The statements, numbered, for a failing budget's message."""
        return "\n".join(
            f"{i + 1}: {s.splitlines()[0][:160]}" for i, s in enumerate(self.statements)
        )
