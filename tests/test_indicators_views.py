"""Indicator pages: dashboard, exports read back, traces, targets, and who sees what."""

import csv
import io
import re
from datetime import UTC, date, datetime
from html.parser import HTMLParser
from types import SimpleNamespace

import openpyxl

from atelier.audit import AuditEntry
from atelier.indicators import charts, exports
from atelier.indicators.models import IndicatorTarget
from tests import factories as f
from tests.conftest import sign_in
from tests.refusals import error_page

YEAR = 2025
FORMULA = '=HYPERLINK("x")'


class TableText(HTMLParser):
    """The text of each cell of the table with a given id, row by row."""

    def __init__(self, table_id: str):
        super().__init__()
        self.table_id, self.inside, self.rows, self.cell = table_id, False, [], None

    def handle_starttag(self, tag, attrs):
        if tag == "table" and dict(attrs).get("id") == self.table_id:
            self.inside = True
        elif self.inside and tag == "tr":
            self.rows.append([])
        elif self.inside and tag in ("td", "th"):
            self.cell = ""

    def handle_endtag(self, tag):
        if tag == "table":
            self.inside = False
        elif self.inside and tag in ("td", "th") and self.cell is not None:
            self.rows[-1].append(" ".join(self.cell.split()))
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell += data


def table_of(html: str, table_id: str) -> list[list[str]]:
    """The rows of an HTML table as text."""
    parser = TableText(table_id)
    parser.feed(html)
    return parser.rows


def small_year(world):
    """Two people trained at ORA and one at BUC; targets with a formula-like remark."""
    ora, buc = world.sites["ORA"], world.sites["BUC"]
    step = world.programmes["STEP"]
    ws = f.make_workshop(ora, step)
    session = f.make_session(ws, date(YEAR, 3, 2))
    f.make_attendance(session, world.elena)
    other = f.make_beneficiary(ora, step, display_name="Ioana")
    f.make_attendance(session, other)
    ws_buc = f.make_workshop(buc, world.programmes["REFUGEE"])
    f.make_attendance(f.make_session(ws_buc, date(YEAR, 3, 3)), world.oksana)
    f.make_target(YEAR, "vocational_participants", 12, remarks=FORMULA)
    f.make_target(YEAR, "vocational_participants", 5, site=ora, remarks="+ more next year")
    f.db.session.commit()


def test_dashboard_shows_charts_and_the_table_under_the_csp(client, world):
    """The coordinator sees an SVG chart per indicator and the same figures as a table."""
    small_year(world)
    sign_in(client, world.users["admin"])
    response = client.get(f"/indicators?year={YEAR}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert html.count('<svg class="chart"') == 14  # 7 target charts + 7 year-on-year
    assert " style=" not in html and "<script>" not in html and "onclick" not in html
    rows = table_of(html, "indicator-table")
    assert rows[1][1:4] == ["People in vocational training", "12", "3"]
    assert rows[2][1:4] == ["People in vocational training: Atelier Oradea", "5", "2"]
    assert rows[1][4] == FORMULA


def test_xlsx_read_back_equals_the_table_on_screen(client, world):
    """The XLSX holds exactly the on-screen rows; a formula-like remark stays text."""
    small_year(world)
    sign_in(client, world.users["admin"])
    screen = table_of(
        client.get(f"/indicators?year={YEAR}").get_data(as_text=True), "indicator-table"
    )
    response = client.get(f"/indicators/export.xlsx?year={YEAR}")
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.data))
    sheet = book.active
    cells = [["" if c.value is None else str(c.value) for c in row] for row in sheet.iter_rows()]
    assert cells == screen
    remark = sheet.cell(row=2, column=5)
    assert remark.value == FORMULA and remark.data_type == "s"
    assert sheet.cell(row=2, column=3).value == 12  # targets and counts stay numbers


def test_csv_quotes_formula_cells_and_suppresses_small_counts(client, world):
    """In the CSV = + - @ cells start with a quote; the option shows 1–4 as "<5"."""
    small_year(world)
    sign_in(client, world.users["admin"])
    response = client.get(f"/indicators/export.csv?year={YEAR}&suppress=1")
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0] == ["Pillar", "Indicator", "Target", "Result", "Remarks"]
    assert rows[1][2:] == ["12", "<5", "'" + FORMULA]
    assert rows[2][4] == "'+ more next year"
    plain = list(
        csv.reader(
            io.StringIO(client.get(f"/indicators/export.csv?year={YEAR}").get_data(as_text=True))
        )
    )
    assert plain[1][3] == "3"


def test_trace_lists_people_by_display_name_and_maker_code(client, world):
    """A result's link shows who it counts (and the read is audited)."""
    small_year(world)
    sign_in(client, world.users["admin"])
    html = client.get(f"/indicators/{YEAR}/vocational_participants").get_data(as_text=True)
    rows = table_of(html, "trace-table")
    names = [r[0] for r in rows[1:]]
    assert names == sorted(["Elena", "Ioana", "Oksana"])
    assert world.elena.maker_code in html
    assert f.db.session.query(AuditEntry).filter_by(action="indicators.trace").count() == 1


def test_supervisor_traces_only_her_sites(client, world):
    """The ORA supervisor sees ORA people only; another site's trace is refused."""
    small_year(world)
    sign_in(client, world.users["supervisor"])
    html = client.get(f"/indicators/{YEAR}/vocational_participants").get_data(as_text=True)
    assert "Elena" in html and "Oksana" not in html
    refused = error_page(client.get(f"/indicators/{YEAR}/vocational_participants?site=BUC"), 403)
    assert "Oksana" not in refused
    dash = client.get(f"/indicators?year={YEAR}").get_data(as_text=True)
    assert "Results for your sites only." in dash


def test_pieces_trace_shows_codes_not_makers(client, world):
    """A piece trace lists item codes, sold as +1 and returned as −1."""
    item = world.item_shop
    sale = f.make_sale(world.sites["AMS"], [item], datetime(2026, 3, 5, 12, tzinfo=UTC))
    f.make_return(sale.lines[0], datetime(2026, 3, 6, 12, tzinfo=UTC))
    f.db.session.commit()
    sign_in(client, world.users["admin"])
    rows = table_of(
        client.get("/indicators/2026/pieces_sold").get_data(as_text=True), "trace-table"
    )
    assert [(r[0], r[4]) for r in rows[1:]] == [(item.code, "+1"), (item.code, "−1")]


def test_coordinator_sets_edits_and_removes_a_target(client, world):
    """Saving a target, saving it again with a new figure, then removing it."""
    sign_in(client, world.users["admin"])
    form = {
        "year": "2026",
        "key": "parenting_participants",
        "site": "",
        "programme": "",
        "target": "15",
        "remarks": "Mothers in the project",
    }
    response = client.post("/indicators/targets?year=2026", data=form)
    assert response.status_code == 302
    client.post("/indicators/targets?year=2026", data={**form, "target": "18"})
    saved = f.db.session.query(IndicatorTarget).all()
    assert [(t.key, t.target, t.remarks) for t in saved] == [
        ("parenting_participants", 18, "Mothers in the project")
    ]
    page = client.get("/indicators/targets?year=2026").get_data(as_text=True)
    assert "Mothers in the project" in page and "data-confirm=" in page
    client.post(f"/indicators/targets/{saved[0].id}/delete?year=2026")
    assert f.db.session.query(IndicatorTarget).count() == 0


def test_a_bad_target_or_year_gets_a_clear_message(client, world):
    """A negative target is refused on the form; a malformed year is a 400, not a 500."""
    sign_in(client, world.users["admin"])
    response = client.post(
        "/indicators/targets?year=2026",
        data={"year": "2026", "key": "pieces_sold", "site": "", "programme": "", "target": "-3"},
    )
    assert response.status_code == 200
    assert re.search(r"field-error[^>]*>[^<]+", response.get_data(as_text=True))
    assert f.db.session.query(IndicatorTarget).count() == 0
    error_page(client.get("/indicators?year=abc"), 400)
    error_page(client.get("/indicators?year=1700"), 400)
    error_page(client.get("/indicators/2026/nope"), 404)


def test_dashboard_query_count_does_not_grow_with_the_data(client, world, count_queries):
    """The dashboard runs as many queries for 2 people as for 20."""
    sign_in(client, world.users["admin"])

    def add(n):
        for _ in range(n):
            person = f.make_beneficiary(world.sites["ORA"], world.programmes["STEP"])
            ws = f.make_workshop(world.sites["ORA"], world.programmes["STEP"])
            f.make_attendance(f.make_session(ws, date(2026, 3, 2)), person)
            f.make_item(world.tote, person)
        f.db.session.commit()

    counts = []
    for n in (2, 18):
        add(n)
        with count_queries() as q:
            assert client.get("/indicators?year=2026").status_code == 200
        counts.append(q.count)
    assert counts[0] == counts[1]


def test_a_small_site_cannot_be_worked_out_from_the_total_in_exports_or_charts():
    """Makers paid: total 8, Oradea 6, Bucharest 2. With suppression the table shows
    Bucharest "<5" and Oradea "*" (else 8 − 6 gives her away), and neither draws a bar."""

    def row(site, result):
        place = SimpleNamespace(id=site) if site else None
        return SimpleNamespace(
            key="makers_paid",
            site=place,
            programme=None,
            target=None,
            result=result,
            remarks="",
            pillar="Wages",
            label=f"paid {site}",
            is_total=site is None,
        )

    report = SimpleNamespace(
        rows=[row(None, 8), row(1, 6), row(2, 2)], results=SimpleNamespace(cells={})
    )
    assert [r[3] for r in exports.table(report, suppress=True)] == ["8", "*", "<5"]
    assert [r[3] for r in exports.table(report)] == ["8", "6", "2"]
    [chart] = [c for c in charts.target_charts(report, suppress=True) if c.key == "makers_paid"]
    assert [(b.result_text, b.result_w > 0) for b in chart.bars] == [
        ("8", True),
        ("*", False),
        ("<5", False),
    ]
