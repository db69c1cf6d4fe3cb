"""Pay lines summed by kind, for people to read (pure): the coordinator's one row per maker,
and a maker's own month in groups whose amounts add up to her total."""

from collections.abc import Iterable
from dataclasses import dataclass, field

from atelier.wages.rules import KINDS, Line


@dataclass
class MakerRow:
    """One maker in the coordinator's summary: her amounts per kind and her total."""

    beneficiary_id: int
    display_name: str
    maker_code: str
    pieces: int
    #: kind → sum of the known amounts of that kind
    amounts: dict[str, int]
    total_cents: int
    #: lines whose amount waits for an exchange rate
    waiting: int
    has_bank_details: bool


def sums_by_kind(lines: Iterable[Line]) -> dict[str, int]:
    """The known amounts of the lines, summed per kind (every kind present, 0 if none)."""
    sums = dict.fromkeys(KINDS, 0)
    for line in lines:
        sums[line.kind] += line.amount_cents or 0
    return sums


@dataclass(frozen=True)
class KindTotal:
    """One kind of pay on a payslip's short summary: how many lines and how much."""

    kind: str
    count: int
    amount_cents: int


def kind_totals(lines: Iterable[Line]) -> list[KindTotal]:
    """The kinds a payslip has, in the usual order, each with its count and known amount."""
    lines = list(lines)
    sums = sums_by_kind(lines)
    counts = {kind: sum(1 for x in lines if x.kind == kind) for kind in KINDS}
    return [KindTotal(kind, counts[kind], sums[kind]) for kind in KINDS if counts[kind]]


def maker_rows(slips, paid_by_bank: set[int]) -> list[MakerRow]:
    """A row per slip, in the slips' order (by name)."""
    return [
        MakerRow(
            slip.beneficiary_id,
            slip.display_name,
            slip.maker_code,
            sum(1 for x in slip.lines if x.kind == "piece"),
            sums_by_kind(slip.lines),
            slip.total_cents,
            sum(1 for x in slip.lines if x.amount_cents is None),
            slip.beneficiary_id in paid_by_bank,
        )
        for slip in slips
    ]


@dataclass
class Entry:
    """One thing she reads in a group: a product (with how many), a workshop, a return."""

    name: str
    count: int = 0
    amount_cents: int = 0
    #: lines of this entry whose amount waits for an exchange rate
    waiting: int = 0
    sku: str | None = None
    product_type_id: int | None = None
    photo_version: int | None = None
    cities: list[str] = field(default_factory=list)
    centihours: int = 0
    rate_cents: int | None = None
    #: a take-back of a piece sold and returned in the same month (nothing was paid)
    same_month: bool = False


@dataclass
class Group:
    """A kind of pay in her month: pieces, sales, training or take-backs."""

    kind: str
    entries: list[Entry] = field(default_factory=list)

    @property
    def amount_cents(self) -> int:
        """The group's known amount: the sum of its entries."""
        return sum(e.amount_cents for e in self.entries)

    @property
    def count(self) -> int:
        """How many pieces, sales, sessions or returns."""
        return sum(e.count for e in self.entries)


@dataclass
class Waiting:
    """Lines of one sale currency whose amount comes when the month's rate is set."""

    currency: str
    sales: int = 0
    returns: int = 0


def _entry(entries: dict, key, **values) -> Entry:
    """The entry for ``key``, made from ``values`` the first time."""
    if key not in entries:
        entries[key] = Entry(**values)
    return entries[key]


def month_groups(lines: list[Line], details: dict) -> tuple[list[Group], list[Waiting]]:
    """Her lines as four groups (pieces and sales by product, training by workshop and rate,
    take-backs by product), and what waits for a rate.

    ``details``: (source_type, source_id) → what the lines' sources are (product, city,
    workshop…; a return's ``sale_line_id``). A piece sold and returned
    within these lines is never under the sales: both lines are one take-back entry, whose
    amount is their sum (nothing, once the rate is known)."""
    by_source = {(x.source_type, x.source_id) for x in lines}
    returned_sales = {
        x.source_id: details.get(("return", x.source_id), {}).get("sale_line_id")
        for x in lines
        if x.kind == "adjustment"
    }
    taken_back = {
        sale_id for sale_id in returned_sales.values() if ("sale_line", sale_id) in by_source
    }
    groups = {kind: {} for kind in KINDS}
    waiting: dict[str, Waiting] = {}
    for line in lines:
        info = details.get((line.source_type, line.source_id), {})
        if line.kind == "sales_share" and line.source_id in taken_back:
            continue  # shown with its return
        amount = line.amount_cents
        same_month = line.kind == "adjustment" and returned_sales.get(line.source_id) in taken_back
        if same_month:
            # its sale is in this month too, at this month's rate: the two lines net to 0
            amount = 0
        if line.kind == "stipend":
            key = (info.get("title", line.description), info.get("rate_cents"))
            entry = _entry(groups["stipend"], key, name=key[0], rate_cents=info.get("rate_cents"))
            entry.centihours += info.get("centihours", 0)
        else:
            key = (info.get("sku") or line.description, same_month)
            entry = _entry(
                groups[line.kind],
                key,
                name=info.get("name", line.description),
                sku=info.get("sku"),
                product_type_id=info.get("product_type_id"),
                photo_version=info.get("photo_version"),
                same_month=same_month,
            )
            city = info.get("city")
            if city and city not in entry.cities:
                entry.cities.append(city)
        entry.count += 1
        if amount is None:
            entry.waiting += 1
            currency = line.missing_rate or info.get("currency") or "?"
            slot = waiting.setdefault(currency, Waiting(currency))
            if line.kind == "sales_share":
                slot.sales += 1
            else:
                slot.returns += 1
        else:
            entry.amount_cents += amount
    return (
        [Group(kind, list(groups[kind].values())) for kind in KINDS],
        sorted(waiting.values(), key=lambda w: w.currency),
    )
