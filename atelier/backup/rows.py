"""The engine-neutral form of a row: one JSON array per line, each value by its column's kind.

A value is written the same way whichever engine it came from, so a table's checksum (sha256
of its lines, rows in primary-key order) is the same on SQLite and PostgreSQL:
null; booleans as true/false; integers as numbers; text as strings; instants as ISO 8601 in
UTC with ``+00:00``; dates as ``YYYY-MM-DD``; decimals as strings; bytes as base64; JSON
documents as their canonical text (keys sorted, no spaces), so the checksum cannot depend on
how an engine keeps them.
"""

import base64
import json
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from json.encoder import c_make_encoder, encode_basestring

import sqlalchemy as sa
from psycopg import sql
from sqlalchemy.types import TypeDecorator

from atelier.db import UTCDateTime

#: column kinds, and the PostgreSQL type COPY reads and writes them as
PG_TYPES = {
    "bool": "bool",
    "int": "int8",
    "text": "text",
    "instant": "timestamptz",
    "datetime": "timestamp",
    "date": "date",
    "decimal": "numeric",
    "bytes": "bytea",
    "json": "text",  # read and written as its text; the column parses it
}


def kind(column: sa.Column) -> str:
    """What a column holds, as far as the backup format is concerned."""
    ctype = column.type
    if isinstance(ctype, TypeDecorator) and not isinstance(ctype, UTCDateTime):
        ctype = ctype.impl_instance  # e.g. a status enum stored as an integer
    if isinstance(ctype, UTCDateTime) or (
        isinstance(ctype, sa.DateTime) and getattr(ctype, "timezone", False)
    ):
        return "instant"
    if isinstance(ctype, sa.DateTime):
        return "datetime"
    if isinstance(ctype, sa.Date):
        return "date"
    if isinstance(ctype, sa.Boolean):
        return "bool"
    if isinstance(ctype, sa.Integer):
        return "int"
    if isinstance(ctype, sa.Numeric):
        return "decimal"
    if isinstance(ctype, sa.LargeBinary):
        return "bytes"
    if isinstance(ctype, sa.JSON):
        return "json"
    if isinstance(ctype, sa.String | sa.Enum):
        return "text"
    raise TypeError(f"no backup form for {column.table.name}.{column.name} ({ctype!r})")


_NO_OFFSET = timedelta(0)


def _instant(value: datetime) -> str:
    offset = value.utcoffset()
    if offset == _NO_OFFSET:  # UTC already (PostgreSQL's are, in the snapshot's session)
        return value.isoformat()
    if offset is None:  # SQLite keeps no offset: UTC by construction
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat()


def _decimal(value) -> str:
    return str(Decimal(value))


_CANONICAL_JSON = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode


def _json(value) -> str:
    """A JSON document (parsed, or as PostgreSQL's COPY gives its text) in canonical text."""
    return _CANONICAL_JSON(json.loads(value) if isinstance(value, str) else value)


ENCODERS: dict[str, Callable] = {
    "bool": bool,
    "int": int,
    "text": str,
    "instant": _instant,
    "datetime": lambda v: v.isoformat(),
    "date": lambda v: v.isoformat(),
    "decimal": _decimal,
    "bytes": lambda v: base64.b64encode(bytes(v)).decode("ascii"),
    "json": _json,
}

DECODERS: dict[str, Callable] = {
    "bool": bool,
    "int": int,
    "text": str,
    "instant": lambda v: datetime.fromisoformat(v).astimezone(UTC),
    "datetime": datetime.fromisoformat,
    "date": date.fromisoformat,
    "decimal": Decimal,
    "bytes": base64.b64decode,
    "json": json.loads,
}


#: one encoder and one decoder for every row (``json.dumps`` with options, and
#: ``json.loads`` of bytes, pay set-up costs on each call)
_JSON = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def _no_default(value):
    raise TypeError(f"no JSON form for {type(value).__name__}")


def _row_json() -> Callable[[list], str]:
    """``_JSON`` for a row's list of values, with the standard library's C encoder made
    once, not once per row as ``JSONEncoder.encode`` does (that set-up was a third of a
    backup's time). The same text, byte for byte (tested); ``_JSON`` where there is no C
    encoder."""
    if c_make_encoder is None:  # pragma: no cover - CPython has it
        return _JSON
    # (markers, default, encoder, indent, key and item separators, sort_keys, skipkeys,
    # allow_nan): the arguments JSONEncoder.iterencode gives it for _JSON's options
    options = (None, _no_default, encode_basestring, None, ":", ",", False, False, True)
    chunks = c_make_encoder(*options)
    return lambda values: "".join(chunks(values, 0))


_ROW_JSON = _row_json()
_PARSE = json.JSONDecoder().decode
#: kinds whose JSON value is the Python value already (nothing to convert, row by row)
_AS_IS = {"int", "text"}


def _conversions(kinds: list[str], table: dict[str, Callable]) -> list[tuple[int, Callable]]:
    return [(i, table[k]) for i, k in enumerate(kinds) if k not in _AS_IS]


def encoder(kinds: list[str]) -> Callable[[tuple], bytes]:
    """A function turning one row (values in column order) into its canonical line."""
    steps = _conversions(kinds, ENCODERS)
    width = len(kinds)

    def encode(row) -> bytes:
        values = list(row)
        if len(values) != width:
            raise ValueError("a row with the wrong number of values")
        for i, convert in steps:
            if values[i] is not None:
                values[i] = convert(values[i])
        return (_ROW_JSON(values) + "\n").encode()

    return encode


def parse_block(block: bytes) -> list[list]:
    """A block of whole lines (each ending in a newline) as one list of rows, in one parse."""
    return _PARSE("[" + block.rstrip(b"\n").replace(b"\n", b",").decode() + "]")


def decoder(kinds: list[str]) -> Callable[[bytes], tuple]:
    """A function turning one canonical line back into Python values in column order."""
    steps = _conversions(kinds, DECODERS)
    width = len(kinds)

    def decode(line: bytes) -> tuple:
        values = _PARSE(line.decode())
        if len(values) != width:
            raise ValueError("a row with the wrong number of values")
        for i, convert in steps:
            if values[i] is not None:
                values[i] = convert(values[i])
        return tuple(values)

    return decode


#: PostgreSQL's rendering of one value of a kind as its JSON text in a line, byte for byte
#: what :func:`encoder` writes (pinned by a test on PostgreSQL): ``to_json`` escapes text as
#: the standard library does with ``ensure_ascii=False`` (``\" \\ \b \f \n \r \t``, other
#: controls as lowercase ``\u00xx``); instants are ``isoformat()``'s (below), days ISO 8601;
#: base64 without the line breaks PostgreSQL's ``encode`` puts in.
#: Decimals (``str(Decimal)`` may use an exponent) and JSON documents (keys sorted in
#: Python's order) have none: a table holding one is encoded in Python.

#: ``to_json`` of an instant, in the snapshot's UTC session, is ``isoformat()``'s but for the
#: microseconds' trailing zeros, which it drops: they are put back to six digits
_INSTANT = (
    "CASE WHEN date_trunc('second', {c}) = {c} THEN to_json({c})::text"
    " ELSE rpad(left(to_json({c})::text, -7), 27, '0') || '+00:00\"' END"
)
PG_JSON: dict[str, str] = {
    "bool": "CASE WHEN {c} THEN 'true' WHEN NOT {c} THEN 'false' END",
    "int": "{c}::text",
    "text": "to_json({c})::text",
    "instant": _INSTANT,
    "date": "to_json({c})::text",
    "bytes": "'\"' || translate(encode({c}, 'base64'), E'\\n', '') || '\"'",
}


def pg_lines(table: sa.Table, kinds: list[str]) -> sql.Composed | None:
    """A query of ``table``'s canonical lines (``bytea``, each ending in a newline) in
    primary-key order, rendered by PostgreSQL: no Python value per row or field. None if a
    column's kind has no rendering in SQL (the table is then encoded in Python)."""
    if any(k not in PG_JSON for k in kinds):
        return None
    values = [
        sql.SQL("COALESCE({}, 'null')").format(
            sql.SQL(PG_JSON[k]).format(c=sql.Identifier(column.name))
        )
        for column, k in zip(table.columns, kinds, strict=True)
    ]
    line = sql.SQL(" || ',' || ").join(values)
    return sql.SQL(
        "SELECT convert_to('[' || {line} || E']\\n', 'UTF8') FROM {table} ORDER BY {keys}"
    ).format(
        line=line,
        table=sql.Identifier(table.name),
        keys=sql.SQL(", ").join(sql.Identifier(c.name) for c in order_by(table)),
    )


#: SQLite's rendering of a value of a kind as its JSON text, as SQLAlchemy keeps it: its
#: ``json_quote`` escapes as the standard library does; instants are naive UTC text with six
#: decimals (``YYYY-MM-DD HH:MM:SS.ffffff``), days ``YYYY-MM-DD``, booleans 0 and 1. Each
#: shape is checked over the whole column first (:data:`SQLITE_SHAPES`): a table holding a
#: value of another shape is encoded in Python. No base64 in SQLite: bytes neither.
SQLITE_JSON: dict[str, str] = {
    "bool": "CASE WHEN {c} IS NULL THEN 'null' WHEN {c} THEN 'true' ELSE 'false' END",
    "int": "json_quote({c})",
    "text": "json_quote({c})",
    "instant": (
        "CASE WHEN {c} IS NULL THEN 'null' WHEN substr({c}, 20) = '.000000'"
        " THEN '\"' || substr({c}, 1, 10) || 'T' || substr({c}, 12, 8) || '+00:00\"'"
        " ELSE '\"' || substr({c}, 1, 10) || 'T' || substr({c}, 12) || '+00:00\"' END"
    ),
    "date": "CASE WHEN {c} IS NULL THEN 'null' ELSE '\"' || {c} || '\"' END",
}
_DIGITS = {"d4": "[0-9]" * 4, "d2": "[0-9]" * 2, "d6": "[0-9]" * 6}
#: what every value of a kind must look like in SQLite for :data:`SQLITE_JSON` to render it
SQLITE_SHAPES: dict[str, str] = {
    "bool": "typeof({c}) IN ('integer', 'null')",
    "int": "typeof({c}) IN ('integer', 'null')",
    "text": "typeof({c}) IN ('text', 'null')",
    "instant": "{c} IS NULL OR {c} GLOB '{d4}-{d2}-{d2} {d2}:{d2}:{d2}.{d6}'".format(
        c="{c}", **_DIGITS
    ),
    "date": "{c} IS NULL OR {c} GLOB '{d4}-{d2}-{d2}'".format(c="{c}", **_DIGITS),
}


def sqlite_lines(table: sa.Table, kinds: list[str]) -> tuple[str, str] | None:
    """(a query of ``table``'s canonical lines as text, each ending in a newline, in
    primary-key order, rendered by SQLite; a query of whether every value has the shape the
    rendering reads), or None if a column's kind has no rendering in SQLite."""
    if any(k not in SQLITE_JSON for k in kinds):
        return None
    names = [f'"{c.name}"' for c in table.columns]
    values = " || ',' || ".join(
        SQLITE_JSON[k].format(c=n) for n, k in zip(names, kinds, strict=True)
    )
    keys = ", ".join(f'"{c.name}"' for c in order_by(table))
    lines = f"SELECT '[' || {values} || ']' || char(10) FROM \"{table.name}\" ORDER BY {keys}"  # noqa: S608 (names from the metadata)
    odd = " OR ".join(
        f"NOT ({SQLITE_SHAPES[k].format(c=n)})" for n, k in zip(names, kinds, strict=True)
    )
    check = f'SELECT EXISTS (SELECT 1 FROM "{table.name}" WHERE {odd})'  # noqa: S608
    return lines, check


def order_by(table: sa.Table) -> list[sa.Column]:
    """Rows are written in primary-key order (every table has one), so checksums agree."""
    return list(table.primary_key.columns) or list(table.columns)
