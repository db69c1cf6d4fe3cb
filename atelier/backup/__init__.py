"""Backups: encrypted, engine-neutral snapshots that restore on SQLite or PostgreSQL, and the
erasure ledger that keeps forgotten people forgotten across a restore."""
