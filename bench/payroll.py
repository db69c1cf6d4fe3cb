"""Bench: the frozen payslips of closed months, computed from generated rows by API.md's rules."""

from collections import defaultdict
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal

from atelier.money import convert, round_half_up, share_of
from atelier.timeutil import month_bounds


def payslips(h, closed: list[str], rates: dict[str, str], admin_id: int):
    """Pay periods, rates, payslips and lines for the ``closed`` months of history ``h``."""
    closed_set = set(closed)
    lines = defaultdict(list)  # (period, beneficiary_id) -> [(kind, desc, amount, type, id)]
    _piece_lines(h, closed_set, lines)
    earned = _sales_share_lines(h, closed_set, rates, lines)
    _stipend_lines(h, closed_set, lines)
    _return_lines(h, closed_set, earned, lines)
    periods, rate_rows = _periods(closed, rates, admin_id)
    slips, slip_lines = _slips(lines, {p["period"]: p["id"] for p in periods})
    return periods, rate_rows, slips, slip_lines


def _piece_lines(h, closed_set: set[str], lines) -> None:
    """A piece-rate line for every piece made (not rejected) in a closed month."""
    for it in h.items:
        if it["status"] == "rejected":
            continue
        period = it["made_on"].strftime("%Y-%m")
        if period in closed_set:
            rule = h.rule_on(it["product_type_id"], it["made_on"])
            lines[period, it["beneficiary_id"]].append(
                (
                    "piece",
                    f"{h.sku[it['product_type_id']]} {it['code']}",
                    rule.piece_rate_cents,
                    "item",
                    it["id"],
                )
            )


def _sales_share_lines(h, closed_set: set[str], rates: dict[str, str], lines) -> dict[int, int]:
    """A sales-share line for every sale line of a closed month: {sale line id: amount}."""
    earned: dict[int, int] = {}
    for line in h.sale_lines:
        period = h.line_period[line["id"]]
        if period not in closed_set:
            continue
        item = h.items[line["item_id"] - 1]
        rule = h.rule_on(item["product_type_id"], h.line_day[line["id"]])
        exact = share_of(line["price_cents"], rule.maker_share_bp)
        amount = round_half_up(convert(exact, Decimal(rates[period])))
        earned[line["id"]] = amount
        lines[period, line["beneficiary_id"]].append(
            (
                "sales_share",
                f"{h.sku[item['product_type_id']]} {item['code']}",
                amount,
                "sale_line",
                line["id"],
            )
        )
    return earned


def _stipend_lines(h, closed_set: set[str], lines) -> None:
    """A stipend line for every paid workshop attendance of a closed month."""
    for beneficiary_id, attendance_id, period, amount in h.stipends:
        if period in closed_set:
            lines[period, beneficiary_id].append(
                ("stipend", "workshop hours", amount, "attendance", attendance_id)
            )


def _return_lines(h, closed_set: set[str], earned: dict[int, int], lines) -> None:
    """A negative adjustment for every return (in a closed month) of a line already paid."""
    for ret in h.returns:
        period = h.return_period[ret["id"]]
        if period in closed_set and ret["sale_line_id"] in earned:
            line = h.sale_lines[ret["sale_line_id"] - 1]
            lines[period, line["beneficiary_id"]].append(
                ("adjustment", "return", -earned[ret["sale_line_id"]], "return", ret["id"])
            )


def _periods(closed: list[str], rates: dict[str, str], admin_id: int) -> tuple[list, list]:
    """The closed pay periods, numbered in order, and their exchange rates."""
    periods, rate_rows = [], []
    for number, period in enumerate(closed, start=1):
        _, nxt = month_bounds(period)
        closed_at = datetime.combine(nxt + timedelta(days=3), time(9), tzinfo=UTC)
        periods.append(
            {
                "id": number,
                "period": period,
                "status": "closed",
                "currency": "RON",
                "closed_at": closed_at,
                "closed_by_id": admin_id,
            }
        )
        rate_rows.append(
            {"id": number, "pay_period_id": number, "currency": "EUR", "rate": rates[period]}
        )
    return periods, rate_rows


def _slips(lines, period_id: dict[str, int]) -> tuple[list, list]:
    """One payslip per (period, maker) with its lines, ids numbered in order."""
    slips, slip_lines = [], []
    for period, beneficiary_id in sorted(lines):
        entries = lines[period, beneficiary_id]
        slip_id = len(slips) + 1
        slips.append(
            {
                "id": slip_id,
                "pay_period_id": period_id[period],
                "beneficiary_id": beneficiary_id,
                "currency": "RON",
                "total_cents": sum(e[2] for e in entries),
            }
        )
        for kind, description, amount, source_type, source_id in entries:
            slip_lines.append(
                {
                    "id": len(slip_lines) + 1,
                    "payslip_id": slip_id,
                    "kind": kind,
                    "description": description,
                    "amount_cents": amount,
                    "source_type": source_type,
                    "source_id": source_id,
                }
            )
    return slips, slip_lines
