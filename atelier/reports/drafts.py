"""The report layout as its page edits it: a draft of pillars, rows and parts, read from a
saved layout or from the page's form, and turned into the entries :func:`layouts.define`
takes (the same as ``PUT /indicator-definitions``). No database: a layout is given."""

import re
import unicodedata
from dataclasses import dataclass, field

from atelier.indicators import rules as indicator_rules
from atelier.reports import rules

#: a measure row's source on the page: ``measure:hours``
MEASURE_PREFIX = "measure:"
#: what one page may hold, as the API's body allows
MAX_PILLARS, MAX_ROWS, MAX_PARTS = 20, 100, 50
_NAME = re.compile(r"^p-(\d{1,3})(?:-r-(\d{1,3})(?:-t-(\d{1,3}))?)?-([a-z_]+)$")


@dataclass
class PartDraft:
    """A part below a row as the page shows it."""

    key: str = ""
    label: str = ""
    site: str = ""
    programme: str = ""
    order: str = ""
    remove: bool = False
    #: where define() reports its faults: ``pillars.0.rows.1.parts.2``
    path: str = ""

    def is_blank(self) -> bool:
        """Nothing typed."""
        return not (self.key or self.label or self.site or self.programme)


@dataclass
class RowDraft:
    """A row as the page shows it: source ``manual``, a built-in key or ``measure:…``."""

    key: str = ""
    label: str = ""
    source: str = rules.MANUAL
    kind: str = ""
    site: str = ""
    programme: str = ""
    order: str = ""
    remove: bool = False
    parts: list[PartDraft] = field(default_factory=list)
    path: str = ""

    def is_blank(self) -> bool:
        """Nothing typed (a source chosen alone does not count)."""
        return not (self.key or self.label) and all(p.is_blank() for p in self.parts)

    @property
    def is_measure(self) -> bool:
        """True for a row computed by a measure over filtered workshops."""
        return self.source.startswith(MEASURE_PREFIX)


@dataclass
class PillarDraft:
    """A pillar as the page shows it."""

    name: str = ""
    order: str = ""
    remove: bool = False
    rows: list[RowDraft] = field(default_factory=list)
    path: str = ""

    def is_blank(self) -> bool:
        """Nothing typed."""
        return not self.name and all(r.is_blank() for r in self.rows)


#: the fields each kind of entry takes from the form
_TYPED = {
    PillarDraft: {"name", "order"},
    RowDraft: {"key", "label", "source", "kind", "site", "programme", "order"},
    PartDraft: {"key", "label", "site", "programme", "order"},
}


def _code(x) -> str:
    return x.code if x is not None else ""


def from_layout(layout) -> list[PillarDraft]:
    """A saved layout as a draft (none: an empty one), numbered in its order."""
    pillars = []
    for i, pillar in enumerate(layout.pillars if layout else [], 1):
        rows = []
        for j, row in enumerate(pillar.rows, 1):
            source = MEASURE_PREFIX + row.measure if row.source == rules.MEASURE else row.source
            parts = [
                PartDraft(p.key, p.label, _code(p.site), _code(p.programme), str(k))
                for k, p in enumerate(row.parts, 1)
            ]
            rows.append(
                RowDraft(
                    row.key,
                    row.label,
                    source,
                    row.workshop_kind or "",
                    _code(row.site),
                    _code(row.programme),
                    str(j),
                    parts=parts,
                )
            )
        pillars.append(PillarDraft(pillar.name, str(i), rows=rows))
    return _paths(pillars)


def from_form(form) -> list[PillarDraft]:
    """The draft the page's form sent (``p-0-name``, ``p-0-r-1-key``, ``p-0-r-1-t-2-site``…),
    in the order shown; indices past the API's limits are left out."""
    pillars: dict[int, PillarDraft] = {}
    rows: dict[tuple[int, int], RowDraft] = {}
    parts: dict[tuple[int, int, int], PartDraft] = {}
    for name in form:
        match = _NAME.match(name)
        if match is None:
            continue
        i, j, k, attr = match.groups()
        i, j, k = int(i), None if j is None else int(j), None if k is None else int(k)
        if i >= MAX_PILLARS or (j or 0) >= MAX_ROWS or (k or 0) >= MAX_PARTS:
            continue
        if j is None:
            target = pillars.setdefault(i, PillarDraft())
        elif k is None:
            target = rows.setdefault((i, j), RowDraft())
        else:
            target = parts.setdefault((i, j, k), PartDraft())
        if attr == "remove":
            target.remove = True
        elif attr in _TYPED[type(target)]:
            setattr(target, attr, (form.get(name) or "").strip())
    for (i, j), row in rows.items():
        row.parts = [parts[key] for key in sorted(parts) if key[:2] == (i, j)]
    for (i, _j), row in sorted(rows.items()):
        pillars.setdefault(i, PillarDraft()).rows.append(row)
    return _paths([pillars[i] for i in sorted(pillars)])


def _position(order: str, index: int) -> tuple:
    """Where an entry goes: by the order typed (a number), then as it was shown."""
    try:
        return (float(order.replace(",", ".")), index)
    except ValueError:
        return (float(index + 1), index)


def _sorted(entries: list) -> list:
    kept = [e for e in entries if not e.remove and not e.is_blank()]
    return [e for _, e in sorted(((_position(e.order, n), e) for n, e in enumerate(kept)))]


def cleaned(pillars: list[PillarDraft]) -> list[PillarDraft]:
    """The draft as it will be saved: removed and blank entries left out, each level in
    the order typed, renumbered 1, 2, 3…; rows and parts without a key get one made from
    their label."""
    out = _sorted(pillars)
    keys: set[str] = {r.key for p in out for r in p.rows if r.key} | set(indicator_rules.KEYS)
    for pillar in out:
        pillar.rows = _sorted(pillar.rows)
        for row in pillar.rows:
            row.parts = _sorted(row.parts)
            if not row.key:
                row.key = _new_key(row.label, keys, "row")
            part_keys = {p.key for p in row.parts if p.key}
            for part in row.parts:
                if not part.key:
                    part.key = _new_key(part.label, part_keys, "part")
    return _paths(out, renumber=True)


def _paths(pillars: list[PillarDraft], renumber: bool = False) -> list[PillarDraft]:
    """Give each entry its path in define()'s faults (``pillars.0.rows.1``); with
    ``renumber``, also its order 1, 2, 3… at its level."""
    for i, pillar in enumerate(pillars):
        pillar.path = f"pillars.{i}"
        for j, row in enumerate(pillar.rows):
            row.path = f"{pillar.path}.rows.{j}"
            for k, part in enumerate(row.parts):
                part.path = f"{row.path}.parts.{k}"
                part.order = str(k + 1) if renumber else part.order
            row.order = str(j + 1) if renumber else row.order
        pillar.order = str(i + 1) if renumber else pillar.order
    return pillars


def _new_key(label: str, taken: set[str], fallback: str) -> str:
    """A key from a label: ASCII letters and digits joined by _, at most 40, not taken."""
    ascii_label = unicodedata.normalize("NFKD", label).encode("ascii", "ignore").decode()
    base = re.sub(r"[^a-z0-9]+", "_", ascii_label.lower()).strip("_")[:36] or fallback
    key, n = base, 2
    while key in taken:
        key, n = f"{base}_{n}", n + 1
    taken.add(key)
    return key


def entries(pillars: list[PillarDraft]) -> list[dict]:
    """A cleaned draft as ``PUT /indicator-definitions`` takes its pillars."""

    def source(row: RowDraft):
        if not row.is_measure:
            return row.source
        return {
            "measure": row.source.removeprefix(MEASURE_PREFIX),
            "workshop_kind": row.kind or None,
            "site": row.site or None,
            "programme": row.programme or None,
        }

    return [
        {
            "name": pillar.name,
            "rows": [
                {
                    "key": row.key,
                    "label": row.label,
                    "source": source(row),
                    "parts": [
                        {
                            "key": part.key,
                            "label": part.label,
                            "site": part.site or None,
                            "programme": part.programme or None,
                        }
                        for part in row.parts
                    ],
                }
                for row in pillar.rows
            ],
        }
        for pillar in pillars
    ]


def with_blank(pillars: list[PillarDraft], action: str) -> tuple[list[PillarDraft], str]:
    """The draft with an empty pillar, row or part added where ``action`` says
    (``add-pillar``, ``add-row-0``, ``add-part-0-1``), and the new entry's path ("" when
    there is no such place, or it is full)."""
    numbers = [int(n) for n in re.findall(r"\d+", action)]
    added = None
    try:
        if action == "add-pillar" and len(pillars) < MAX_PILLARS:
            added = PillarDraft(rows=[RowDraft()])
            pillars.append(added)
        elif action.startswith("add-row-") and len(pillars[numbers[0]].rows) < MAX_ROWS:
            added = RowDraft()
            pillars[numbers[0]].rows.append(added)
        elif action.startswith("add-part-"):
            row = pillars[numbers[0]].rows[numbers[1]]
            if len(row.parts) < MAX_PARTS:
                added = PartDraft()
                row.parts.append(added)
    except IndexError:
        pass
    _paths(pillars)
    return pillars, added.path if added else ""
