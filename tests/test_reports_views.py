"""The Results report's pages: the coordinator saves a line; a supervisor only reads."""

from html.parser import HTMLParser

import sqlalchemy as sa

from atelier.api.reports import layout_json
from atelier.audit import AuditEntry
from atelier.indicators.models import IndicatorTarget
from atelier.reports import layouts
from atelier.reports.models import ReportLayout
from tests.conftest import sign_in
from tests.refusals import error_page, row_counts

LAYOUT = [
    {
        "name": "Pillar 1",
        "rows": [
            {"key": "outreach", "label": "Outreach in Bucharest"},
            {
                "key": "teens",
                "label": "Teenagers in life skills",
                "source": {"measure": "participants", "workshop_kind": "life_skills"},
                "parts": [
                    {"key": "oradea", "label": "Oradea", "site": "ORA"},
                    {"key": "bucharest", "label": "Bucharest", "site": "BUC"},
                ],
            },
        ],
    }
]


def _layout(db):
    layouts.define(2026, LAYOUT)
    db.session.commit()


def test_the_coordinator_saves_a_line_from_the_page(client, world, db):
    """Target, result and remarks of a manual row; the change is audited."""
    _layout(db)
    sign_in(client, world.users["admin"])
    response = client.post(
        "/reports/results/2026/figures",
        data={"row": "outreach", "part": "", "target": "150", "result": "62", "remarks": "=1+1"},
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/reports/results?year=2026#line-outreach")
    page = client.get("/reports/results?year=2026").get_data(as_text=True)
    assert 'value="150"' in page and 'value="62"' in page and "=1+1" in page
    saved = db.session.scalar(sa.select(IndicatorTarget).where(IndicatorTarget.key == "outreach"))
    assert (saved.target, saved.result, saved.remarks) == (150, 62, "=1+1")
    assert db.session.scalar(
        sa.select(sa.func.count()).where(AuditEntry.action == "reports.figure")
    )


def test_a_result_typed_for_a_computed_line_is_refused(client, world, db):
    """The records decide a computed result: the page says so and keeps nothing."""
    _layout(db)
    sign_in(client, world.users["admin"])
    response = client.post(
        "/reports/results/2026/figures",
        data={"row": "teens", "part": "oradea", "target": "15", "result": "9"},
        follow_redirects=True,
    )
    assert "only manual rows take a result" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(IndicatorTarget)) == 0


def test_a_supervisor_reads_her_computed_rows_without_forms(client, world, db):
    """No manual rows, no other site's part, nothing to save; another site's trace: 403."""
    _layout(db)
    sign_in(client, world.users["supervisor"])
    page = client.get("/reports/results?year=2026").get_data(as_text=True)
    assert "Teenagers in life skills" in page and "Oradea" in page
    assert "Outreach in Bucharest" not in page and "Bucharest</th>" not in page
    assert "/reports/results/2026/figures" not in page and "<textarea" not in page
    error_page(client.get("/reports/results/2026/trace/teens?part=bucharest"), 403)
    before = row_counts(IndicatorTarget, AuditEntry)
    refused = client.post("/reports/results/2026/figures", data={"row": "teens", "target": "9"})
    error_page(refused, 403)
    assert row_counts(IndicatorTarget, AuditEntry) == before


# --- the layout page -----------------------------------------------------------------------
def _form_of(page: str) -> dict:
    """The layout form's fields as the browser would send them (text, number, selected
    options, ticked boxes; no buttons)."""

    class Fields(HTMLParser):
        def __init__(self):
            super().__init__()
            self.data, self.select, self.inside = {}, None, False

        def handle_starttag(self, tag, attrs):
            a = dict(attrs)
            if tag == "form" and a.get("id") == "layout-form":
                self.inside = True
            if not self.inside:
                return
            if tag == "input" and a.get("type") != "checkbox":
                self.data[a["name"]] = a.get("value", "")
            elif tag == "input" and "checked" in a:
                self.data[a["name"]] = a["value"]
            elif tag == "select":
                self.select = a["name"]
                self.data.setdefault(self.select, "")
            elif tag == "option" and "selected" in a:
                self.data[self.select] = a["value"]

        def handle_endtag(self, tag):
            if tag == "form":
                self.inside = False

    parser = Fields()
    parser.feed(page)
    parser.data.pop("csrf_token", None)
    return parser.data


def _saved(db, year):
    db.session.expire_all()
    return layout_json(layouts.layout_for(year))["pillars"]


def test_the_coordinator_edits_the_layout_on_its_page(client, world, db):
    """The page shows the year's layout; the coordinator renames a row, puts the computed
    row first, removes a part, adds a manual row (its key made from its label) and saves:
    the report reads the new layout from 2026, and 2025 keeps the old one."""
    layouts.define(None, LAYOUT)
    db.session.commit()
    sign_in(client, world.users["admin"])
    assert 'href="/reports/layout?year=2026"' in client.get("/reports/results?year=2026").get_data(
        as_text=True
    )
    page = client.get("/reports/layout?year=2026").get_data(as_text=True)
    assert "This year reads the layout defined for every year." in page
    data = _form_of(page)
    assert data["p-0-r-1-source"] == "measure:participants"
    assert data["p-0-r-1-kind"] == "life_skills" and data["p-0-r-1-t-1-site"] == "BUC"
    data |= {"p-0-r-0-label": "Outreach in Bucharest and Oradea", "p-0-r-0-order": "3"}
    data["p-0-r-1-t-1-remove"] = "1"
    added = client.post("/reports/layout?year=2026", data={**data, "action": "add-row-0"})
    assert added.status_code == 200 and 'id="new-entry"' in added.get_data(as_text=True)
    data = _form_of(added.get_data(as_text=True))
    assert data["p-0-r-0-label"] == "Outreach in Bucharest and Oradea"  # kept, not saved
    data |= {"p-0-r-2-label": "Referral cases", "p-0-r-2-order": "2"}
    saved = client.post("/reports/layout?year=2026", data=data, follow_redirects=True)
    assert "The layout is saved for 2026 and the years after" in saved.get_data(as_text=True)
    rows = _saved(db, 2026)[0]["rows"]
    assert [(r["key"], r["label"]) for r in rows] == [
        ("teens", "Teenagers in life skills"),
        ("referral_cases", "Referral cases"),
        ("outreach", "Outreach in Bucharest and Oradea"),
    ]
    assert [p["key"] for p in rows[0]["parts"]] == ["oradea"]
    assert rows[0]["source"]["workshop_kind"] == "life_skills"
    assert [r["key"] for r in _saved(db, 2025)[0]["rows"]] == ["outreach", "teens"]
    report = client.get("/reports/results?year=2026").get_data(as_text=True)
    assert report.index("Teenagers in life skills") < report.index("Referral cases")


def test_a_bad_layout_is_named_on_the_page_and_nothing_is_written(client, world, db):
    """A key typed twice, a site below a row entered by hand and a pillar without a name:
    each is said where it is, what was typed stays, and the saved layout is unchanged."""
    layouts.define(2026, LAYOUT)
    db.session.commit()
    sign_in(client, world.users["admin"])
    data = _form_of(client.get("/reports/layout?year=2026").get_data(as_text=True))
    data |= {"p-0-r-1-key": "outreach", "p-0-name": ""}
    added = client.post("/reports/layout?year=2026", data={**data, "action": "add-part-0-0"})
    data = _form_of(added.get_data(as_text=True))
    data |= {"p-0-r-0-t-0-label": "Bucharest", "p-0-r-0-t-0-site": "BUC"}
    refused = client.post("/reports/layout?year=2026", data=data)
    page = refused.get_data(as_text=True)
    assert refused.status_code == 400
    assert "Some of the layout is invalid." in page
    assert 'id="p-0-name-error">required<' in page
    assert 'id="p-0-r-1-key-error">listed twice<' in page
    assert "a part of a manual row is a label: no site or programme" in page
    assert 'value="Bucharest"' in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ReportLayout)) == 1
    assert [r["key"] for r in _saved(db, 2026)[0]["rows"]] == ["outreach", "teens"]
    assert _saved(db, 2026)[0]["rows"][0]["parts"] == []
