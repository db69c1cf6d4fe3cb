"""Bench: a seeded, realistic history at scale T/S/M/L, bulk-inserted into a migrated database.

``python -m bench.generate --scale S --engine sqlite`` (or ``--url``). The rows are the ones
the services would write (codes gap-free per atelier, ``Site.item_seq`` in step, one active
sale line per sold item, attendance only for participants, payslips for closed months).
"""

import argparse
import random
import time as clock
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from argon2 import PasswordHasher

from atelier.catalog.rules import rule_on
from atelier.extensions import db
from atelier.people.rules import new_maker_code
from atelier.production.rules import item_code, new_tag
from bench import dbutil, payroll


@dataclass(frozen=True)
class Scale:
    """How much history: months back from today and the number of makers."""

    months: int
    makers: int


SCALES = {"T": Scale(6, 10), "S": Scale(12, 30), "M": Scale(36, 300), "L": Scale(60, 1000)}
PASSWORD = "bench-password"  # noqa: S105 - bench databases only
OPEN_MONTHS = 4  #: the last complete months are left open (the bench closes them)
SITES = [  # id, code, name, kind, currency, tz, city
    (1, "ORA", "Atelier Oradea", "atelier", "RON", "Europe/Bucharest", "Oradea"),
    (2, "BUC", "Programme site Bucharest", "atelier", "RON", "Europe/Bucharest", "Bucharest"),
    (3, "AMS", "Reshare Amsterdam", "shop", "EUR", "Europe/Amsterdam", "Amsterdam"),
    (4, "RTM", "Reshare Rotterdam", "shop", "EUR", "Europe/Amsterdam", "Rotterdam"),
    (5, "WEB", "Webshop", "webshop", "EUR", "Europe/Amsterdam", "Online"),
]
PROGRAMMES = [
    (1, "STEP", "Step Out"),
    (2, "REFUGEE", "Refugee project"),
    (3, "TEENS", "Teenagers' life skills"),
]
PRODUCTS = [
    ("TOTE", "Tote bag", 1500, 1000),
    ("APRON", "Apron", 2500, 1600),
    ("POUCH", "Pouch", 900, 600),
    ("CUSHION", "Cushion cover", 2200, 1400),
    ("SCARF", "Scarf", 1900, 1200),
    ("BAG", "Shoulder bag", 3500, 2400),
]
NAMES = [
    "Elena",
    "Oksana",
    "Maria",
    "Ioana",
    "Olena",
    "Ana",
    "Iryna",
    "Andreea",
    "Natalia",
    "Daria",
    "Mihaela",
    "Sofia",
    "Alina",
    "Tetiana",
    "Cristina",
    "Yulia",
]
BUCHAREST, AMSTERDAM = ZoneInfo("Europe/Bucharest"), ZoneInfo("Europe/Amsterdam")
SHOP_WEIGHTS = ((3, 45), (4, 35), (5, 20))
INDICATOR_KEYS = (
    "vocational_participants",
    "life_skills_participants",
    "parenting_participants",
    "training_hours",
    "pieces_produced",
    "pieces_sold",
    "makers_paid",
)


def at(day: date, hour: int, tz: ZoneInfo, minute: int = 0) -> datetime:
    """The UTC instant of a local wall-clock time."""
    local = datetime.combine(day, time(hour), tzinfo=tz) + timedelta(minutes=minute)
    return local.astimezone(UTC)


def month_starts(first: date, last: date) -> list[date]:
    """First days of every month from ``first`` to ``last`` (inclusive)."""
    out, day = [], first
    while day <= last:
        out.append(day)
        day = date(day.year + (day.month == 12), day.month % 12 + 1, 1)
    return out


class History:
    """Builds every row in memory, deterministically from the seed and ``today``."""

    def __init__(self, scale: Scale, seed: int, today: date):
        self.rng, self.today = random.Random(seed), today  # noqa: S311 - seeded on purpose
        back = today.year * 12 + today.month - 1 - scale.months
        self.start = date(back // 12, back % 12 + 1, 1)
        self.months = month_starts(self.start, date(today.year, today.month, 1))
        complete = [m.strftime("%Y-%m") for m in self.months[:-1]]
        self.open_months = complete[-OPEN_MONTHS:]
        self.closed_months = complete[:-OPEN_MONTHS]
        self.scale = scale
        self.items, self.sale_lines, self.sales, self.returns, self.events = [], [], [], [], []
        self.line_period, self.line_day, self.return_period, self.stipends = {}, {}, {}, []

    def build(self):
        """All rows, table by table."""
        self.org()
        self.people()
        self.catalogue()
        self.training()
        self.pieces()
        self.selling()
        rates = {p: f"4.{self.rng.randint(9000, 9999)}" for p in self.closed_months}
        self.pay = payroll.payslips(self, self.closed_months, rates, admin_id=1)
        self.targets()
        return self

    def targets(self):
        """Indicator targets for every year of history: totals, and per atelier for some keys."""
        self.indicator_targets = []
        for year in sorted({m.year for m in self.months}):
            for key in INDICATOR_KEYS:
                for site_id in (
                    (None, 1, 2) if key in ("pieces_produced", "training_hours") else (None,)
                ):
                    self.indicator_targets.append(
                        dict(
                            id=len(self.indicator_targets) + 1,
                            year=year,
                            key=key,
                            site_id=site_id,
                            programme_id=None,
                            target=self.rng.randint(10, 40) * self.scale.makers,
                            remarks="",
                            updated_at=self.created,
                        )
                    )

    def org(self):
        """Sites, programmes and one account per role (a known, cheaply hashed password)."""
        created = at(self.start - timedelta(days=30), 9, UTC)
        self.sites = [
            dict(
                id=i,
                code=c,
                name=n,
                kind=k,
                currency=cur,
                timezone=tz,
                city=city,
                item_seq=0,
                is_active=True,
                created_at=created,
            )
            for i, c, n, k, cur, tz, city in SITES
        ]
        self.programmes = [dict(id=i, code=c, name=n, created_at=created) for i, c, n in PROGRAMMES]
        digest = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1).hash(PASSWORD)
        self.users, self.user_sites = [], []
        for username, role, site_id in [
            ("bench-admin", "admin", None),
            ("bench-sup-ora", "supervisor", 1),
            ("bench-sup-buc", "supervisor", 2),
            ("bench-shop-ams", "shop", 3),
            ("bench-shop-rtm", "shop", 4),
        ]:
            self.users.append(
                dict(
                    id=len(self.users) + 1,
                    username=username,
                    role=role,
                    password_hash=digest,
                    beneficiary_id=None,
                    locale=None,
                    is_enabled=True,
                    created_at=created,
                    last_login_at=None,
                )
            )
            if site_id:
                self.user_sites.append(dict(user_id=len(self.users), site_id=site_id))
        self.password_hash, self.created = digest, created

    def people(self):
        """Makers at the ateliers (at least 30 at ORA, for a roll of 30) with their accounts."""
        n = self.scale.makers
        n_ora = n if n <= 30 else max(30, round(n * 0.7))
        codes, self.makers = set(), []
        for i in range(n):
            code = new_maker_code(randbelow=self.rng.randrange)
            while code in codes:
                code = new_maker_code(randbelow=self.rng.randrange)
            codes.add(code)
            self.makers.append(
                dict(
                    id=i + 1,
                    display_name=f"{self.rng.choice(NAMES)} {i + 1}",
                    maker_code=code,
                    site_id=1 if i < n_ora else 2,
                    programme_id=self.rng.choices((1, 2, 3), (5, 3, 2))[0],
                    birth_year=self.rng.randint(1975, 2009),
                    gender="female",
                    public_name_consent=self.rng.random() < 0.4,
                    is_exited=False,
                    exited_on=None,
                    anonymised_at=None,
                    created_at=self.created,
                )
            )
        for maker in self.makers[: min(n, 20)]:
            self.users.append(
                dict(
                    id=len(self.users) + 1,
                    username=f"bench-maker-{maker['id']}",
                    role="beneficiary",
                    password_hash=self.password_hash,
                    beneficiary_id=maker["id"],
                    locale=None,
                    is_enabled=True,
                    created_at=self.created,
                    last_login_at=None,
                )
            )

    def catalogue(self):
        """Product types, each with a rule from the start and a price rise half-way."""
        self.product_types, self.rules, self.sku, self._rules = [], [], {}, {}
        middle = self.months[len(self.months) // 2]
        for i, (sku, name, price, rate) in enumerate(PRODUCTS, start=1):
            self.product_types.append(
                dict(
                    id=i,
                    sku=sku,
                    name=name,
                    description="",
                    photo_mime="",
                    photo_version=0,
                    is_active=True,
                    created_at=self.created,
                )
            )
            self.sku[i] = sku
            for frm, factor in ((self.start - timedelta(days=365), 100), (middle, 110)):
                self.rules.append(
                    dict(
                        id=len(self.rules) + 1,
                        product_type_id=i,
                        effective_from=frm,
                        price_cents=price * factor // 100,
                        price_currency="EUR",
                        piece_rate_cents=rate * factor // 100,
                        maker_share_bp=2000,
                        created_at=self.created,
                    )
                )
            self._rules[i] = [SimpleNamespace(**r) for r in self.rules if r["product_type_id"] == i]

    def rule_on(self, product_type_id: int, day: date):
        """The rule in force for a product type on a day."""
        return rule_on(self._rules[product_type_id], day)

    def training(self):
        """Cohorts of ≤ 30 per site and programme; each year a weekly vocational and a
        weekly life-skills/parenting workshop; a roll for every session."""
        self.workshops, self.participants, self.sessions, self.attendances = [], [], [], []
        groups: dict[tuple, list] = {}
        for m in self.makers:
            groups.setdefault((m["site_id"], m["programme_id"]), []).append(m["id"])
        cohorts = [
            (key, ids[i : i + 30])
            for key, ids in sorted(groups.items())
            for i in range(0, len(ids), 30)
        ]
        yesterday = self.today - timedelta(days=1)
        for year_index, first in enumerate(self.months[::12]):
            last = min(first + timedelta(days=364), yesterday)
            for number, ((site_id, programme_id), members) in enumerate(cohorts):
                second = "life_skills" if (year_index + number) % 2 else "parenting"
                for kind, hours, stipend in (
                    ("vocational", 300, 500 if programme_id == 1 else 0),
                    (second, 200, 0),
                ):
                    self._workshop(
                        kind, hours, stipend, site_id, programme_id, members, first, last, number
                    )

    def _workshop(
        self, kind, centihours, stipend, site_id, programme_id, members, first, last, number
    ):
        """One workshop with weekly sessions from ``first`` to ``last`` and their rolls."""
        wid = len(self.workshops) + 1
        self.workshops.append(
            dict(
                id=wid,
                title=f"{kind.replace('_', ' ').title()} {first:%Y} group {number + 1}",
                kind=kind,
                site_id=site_id,
                programme_id=programme_id,
                stipend_per_hour_cents=stipend,
                created_at=at(first, 9, BUCHAREST),
            )
        )
        self.participants += [dict(workshop_id=wid, beneficiary_id=b) for b in members]
        day = first + timedelta(days=(number + (kind != "vocational") * 2) % 5)
        rng = self.rng
        while day <= last:
            sid = len(self.sessions) + 1
            self.sessions.append(
                dict(
                    id=sid,
                    workshop_id=wid,
                    held_on=day,
                    centihours=centihours,
                    created_at=at(day, 9, BUCHAREST),
                )
            )
            recorded = at(day, 18, BUCHAREST)
            period = day.strftime("%Y-%m")
            for b in members:
                r = rng.random()
                status = "present" if r < 0.85 else "absent" if r < 0.95 else "excused"
                aid = len(self.attendances) + 1
                self.attendances.append(
                    dict(
                        id=aid,
                        session_id=sid,
                        beneficiary_id=b,
                        status=status,
                        recorded_at=recorded,
                        recorded_by_id=2,
                    )
                )
                if stipend and status == "present":
                    self.stipends.append((b, aid, period, centihours * stipend // 100))
            day += timedelta(days=7)

    def pieces(self):
        """1–6 pieces per maker and month; codes gap-free per atelier in the order made."""
        rng, yesterday, raw = self.rng, self.today - timedelta(days=1), []
        for m in self.makers:
            for first in self.months:
                nxt = date(first.year + (first.month == 12), first.month % 12 + 1, 1)
                span = (min(nxt - timedelta(days=1), yesterday) - first).days
                if span < 0:
                    continue
                for _ in range(rng.randint(1, 6)):
                    raw.append(
                        (
                            first + timedelta(days=rng.randint(0, span)),
                            m["site_id"],
                            m["id"],
                            rng.randint(1, len(PRODUCTS)),
                            rng.random() < 0.03,
                        )
                    )
        raw.sort()
        seq = {1: 0, 2: 0}
        for made_on, site_id, maker_id, pt, rejected in raw:
            seq[site_id] += 1
            made = at(made_on, 16, BUCHAREST, rng.randint(0, 59))
            self.items.append(
                dict(
                    id=len(self.items) + 1,
                    code=item_code(SITES[site_id - 1][1], seq[site_id]),
                    tag=new_tag(token_bytes=rng.randbytes),
                    product_type_id=pt,
                    beneficiary_id=maker_id,
                    origin_site_id=site_id,
                    site_id=site_id,
                    made_on=made_on,
                    status="rejected" if rejected else "in_atelier",
                    created_at=made,
                    updated_at=made,
                )
            )
        for site in self.sites:
            site["item_seq"] = seq.get(site["id"], 0)

    def _event(self, item, when, kind, site_id, note=""):
        """Record an item event and keep the item's updated_at in step."""
        self.events.append(
            dict(
                id=len(self.events) + 1,
                item_id=item["id"],
                at=when,
                kind=kind,
                site_id=site_id,
                user_id=None,
                note=note,
            )
        )
        item["updated_at"] = when

    def selling(self):
        """Ship, receive, sell (in sales of 1–3 pieces), and take a few pieces back."""
        rng, today, sold = self.rng, self.today, []
        for it in self.items:
            self._event(
                it,
                it["created_at"],
                "made" if it["status"] != "rejected" else "rejected",
                it["origin_site_id"],
            )
            if it["status"] == "rejected":
                continue
            shipped_on = it["made_on"] + timedelta(days=rng.randint(3, 9))
            if shipped_on >= today:
                continue
            dest = rng.choices([s for s, _ in SHOP_WEIGHTS], [w for _, w in SHOP_WEIGHTS])[0]
            it.update(site_id=dest, status="in_transit")
            self._event(it, at(shipped_on, 10, BUCHAREST), "shipped", it["origin_site_id"])
            received_on = shipped_on + timedelta(days=rng.randint(3, 7))
            if received_on >= today:
                continue
            it["status"] = "in_shop"
            self._event(it, at(received_on, 11, AMSTERDAM), "received", dest)
            room = (today - received_on).days - 1
            if room >= 1 and rng.random() < (0.8 if room > 90 else 0.4):
                sold.append(
                    (received_on + timedelta(days=rng.randint(1, min(room, 150))), dest, it["id"])
                )
            elif rng.random() < 0.01:
                it["status"] = "written_off"
                self._event(it, at(received_on, 12, AMSTERDAM), "written_off", dest)
        self._sales(sorted(sold))

    def _sales(self, sold):
        """Group sold pieces by shop and day into sales; lines at the rule's list price."""
        rng, by_day = self.rng, {}
        for day, shop, item_id in sold:
            by_day.setdefault((day, shop), []).append(item_id)
        baskets = []
        for (day, shop), ids in sorted(by_day.items()):
            rng.shuffle(ids)
            while ids:
                size = rng.choice((1, 1, 1, 2, 2, 3))
                baskets.append((at(day, 10, AMSTERDAM, rng.randint(0, 419)), shop, ids[:size]))
                ids = ids[size:]
        baskets.sort()
        for sold_at, shop, ids in baskets:
            sid, total = len(self.sales) + 1, 0
            day = sold_at.astimezone(BUCHAREST).date()
            for item_id in ids:
                it = self.items[item_id - 1]
                rule = self.rule_on(it["product_type_id"], sold_at.astimezone(AMSTERDAM).date())
                discounted = rng.random() < 0.05
                price = rule.price_cents * 9 // 10 if discounted else rule.price_cents
                total += price
                lid = len(self.sale_lines) + 1
                self.sale_lines.append(
                    dict(
                        id=lid,
                        sale_id=sid,
                        item_id=item_id,
                        beneficiary_id=it["beneficiary_id"],
                        list_price_cents=rule.price_cents,
                        price_cents=price,
                        currency="EUR",
                        discount_reason="damaged label" if discounted else "",
                        is_returned=False,
                    )
                )
                self.line_period[lid], self.line_day[lid] = day.strftime("%Y-%m"), day
                it["status"] = "sold"
                self._event(it, sold_at, "sold", shop, "online" if shop == 5 else "till")
                self._maybe_return(it, self.sale_lines[-1], sold_at, shop)
            self.sales.append(
                dict(
                    id=sid,
                    site_id=shop,
                    channel="online" if shop == 5 else "till",
                    payment_method="stripe" if shop == 5 else rng.choice(("cash", "card")),
                    currency="EUR",
                    total_cents=total,
                    sold_at=sold_at,
                    client_id=None,
                    created_by_id={3: 4, 4: 5}.get(shop),
                    order_id=None,
                )
            )

    def _maybe_return(self, it, line, sold_at, shop):
        """About 2.5 % of pieces come back; most are restocked, some written off."""
        if self.rng.random() >= 0.025:
            return
        returned_at = sold_at + timedelta(days=self.rng.randint(1, 20))
        if returned_at.date() >= self.today:
            return
        restock = self.rng.random() < 0.7
        rid = len(self.returns) + 1
        line["is_returned"] = True
        self.returns.append(
            dict(
                id=rid,
                sale_line_id=line["id"],
                item_id=it["id"],
                reason="changed mind" if restock else "faulty",
                is_restocked=restock,
                refund_cents=line["price_cents"],
                currency="EUR",
                returned_at=returned_at,
                created_by_id={3: 4, 4: 5}.get(shop),
            )
        )
        self.return_period[rid] = returned_at.astimezone(BUCHAREST).strftime("%Y-%m")
        it["status"] = "in_shop" if restock else "written_off"
        self._event(it, returned_at, "returned", shop)


def load(conn, h: History) -> dict[str, int]:
    """Insert every row of ``h`` in foreign-key order; returns row counts per table."""
    t = db.metadata.tables
    periods, rates, slips, slip_lines = h.pay
    plan = [
        ("sites", h.sites),
        ("programmes", h.programmes),
        ("beneficiaries", h.makers),
        ("users", h.users),
        ("user_sites", h.user_sites),
        ("product_types", h.product_types),
        ("product_rules", h.rules),
        ("workshops", h.workshops),
        ("workshop_participants", h.participants),
        ("workshop_sessions", h.sessions),
        ("attendances", h.attendances),
        ("items", h.items),
        ("item_events", h.events),
        ("sales", h.sales),
        ("sale_lines", h.sale_lines),
        ("returns", h.returns),
        ("pay_periods", periods),
        ("exchange_rates", rates),
        ("payslips", slips),
        ("payslip_lines", slip_lines),
        ("indicator_targets", h.indicator_targets),
    ]
    for name, rows in plan:
        dbutil.insert(conn, t[name], rows)
    dbutil.reset_sequences(conn)
    return {name: len(rows) for name, rows in plan}


def generate(url: str, scale: str, seed: int = 2026, today: date | None = None) -> dict:
    """Fresh database at ``url``, migrated, filled with history ``scale``; returns a summary."""
    started = clock.perf_counter()
    dbutil.fresh_database(url)
    app = dbutil.make_app(url)
    dbutil.migrate(app)
    today = today or date.today()  # noqa: DTZ011 - history is relative to the local day
    h = History(SCALES[scale], seed, today).build()
    built = clock.perf_counter()

    with app.app_context():
        engine = db.engine
        with engine.begin() as conn:
            if engine.dialect.name == "sqlite":
                conn.exec_driver_sql("PRAGMA synchronous=OFF")
            counts = load(conn, h)
        with engine.connect() as conn:
            conn.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("ANALYZE")
        engine.dispose()
    done = clock.perf_counter()
    return {
        "scale": scale,
        "url": sa.engine.make_url(dbutil.normalise(url)).render_as_string(),
        "today": today.isoformat(),
        "seed": seed,
        "rows": counts,
        "open_months": h.open_months,
        "build_s": round(built - started, 1),
        "insert_s": round(done - built, 1),
        "total_s": round(done - started, 1),
    }


def main() -> None:
    """Command line: generate one scale on one engine."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=sorted(SCALES), default="S")
    parser.add_argument("--engine", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--url", help="database URL (default: the bench database of the scale)")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    url = args.url or dbutil.url_for(args.engine, f"atelier_bench_{args.scale.lower()}")
    summary = generate(url, args.scale, args.seed)
    print(summary)


if __name__ == "__main__":
    main()
