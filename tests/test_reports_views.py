"""The Results report's pages: the coordinator saves a line; a supervisor only reads."""

import sqlalchemy as sa

from atelier.audit import AuditEntry
from atelier.indicators.models import IndicatorTarget
from atelier.reports import layouts
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
