"""The indicators API: targets in, targets against results out, and the downloads."""

import io
from datetime import date

import openpyxl

from atelier.indicators.models import IndicatorTarget
from tests import factories as f
from tests.conftest import bearer
from tests.refusals import api_error, row_counts


def test_put_targets_then_get_the_report(client, world):
    """Targets set by PUT come back as rows with their results, plus a total per key."""
    ws = f.make_workshop(world.sites["ORA"], world.programmes["STEP"])
    f.make_attendance(f.make_session(ws, date(2026, 3, 2), 250), world.elena)
    headers = bearer(world.users["admin"])
    body = {
        "year": 2026,
        "targets": [
            {
                "key": "vocational_participants",
                "site": None,
                "programme": None,
                "target": 12,
                "remarks": "Offered to all.",
            },
            {"key": "vocational_participants", "programme": "REFUGEE", "target": 5},
        ],
    }
    response = client.put("/api/v1/indicator-targets", json=body, headers=headers)
    assert response.status_code == 200
    assert len(response.get_json()["targets"]) == 2
    report = client.get("/api/v1/indicators?year=2026", headers=headers).get_json()
    assert report["year"] == 2026
    assert report["rows"][0] == {
        "key": "vocational_participants",
        "label": "People in vocational training",
        "pillar": "Pillar 1: access and training",
        "site": None,
        "programme": None,
        "target": 12,
        "result": 1,
        "remarks": "Offered to all.",
    }
    assert report["rows"][1]["programme"] == "REFUGEE" and report["rows"][1]["result"] == 0
    hours = next(r for r in report["rows"] if r["key"] == "training_hours")
    assert hours["result"] == "2.5" and hours["target"] is None
    assert {r["key"] for r in report["rows"] if r["site"] is None and r["programme"] is None} == {
        "vocational_participants",
        "life_skills_participants",
        "parenting_participants",
        "training_hours",
        "pieces_produced",
        "pieces_sold",
        "makers_paid",
    }
    assert report["by_age_band"]["vocational_participants"]["26_plus"] == 1
    assert {"key": "training_hours", "site": "ORA", "programme": "STEP", "result": "2.5"} in report[
        "breakdown"
    ]


def test_bad_targets_are_refused_naming_the_field_and_change_nothing(client, world):
    """Unknown site, unknown field, wrong type: 400 with fields, nothing saved."""
    headers = bearer(world.users["admin"])
    bad = client.put(
        "/api/v1/indicator-targets",
        headers=headers,
        json={
            "year": 2026,
            "targets": [
                {"key": "pieces_sold", "site": "ORA", "target": 1},
                {"key": "pieces_sold", "site": "NOPE", "target": 1},
            ],
        },
    )
    assert bad.status_code == 400
    assert "targets.1.site" in bad.get_json()["error"]["fields"]
    unknown = client.put(
        "/api/v1/indicator-targets",
        headers=headers,
        json={"year": 2026, "targets": [{"key": "pieces_sold", "target": "1", "colour": "red"}]},
    )
    assert unknown.status_code == 400
    assert set(unknown.get_json()["error"]["fields"]) == {"targets.0.target", "targets.0.colour"}
    api_error(client.get("/api/v1/indicators?year=x", headers=headers), 400, "invalid")
    rows = client.get("/api/v1/indicators?year=2026", headers=headers).get_json()["rows"]
    assert all(r["target"] is None for r in rows)


def test_supervisors_read_but_may_not_set_targets(client, world):
    """A supervisor reads her sites' figures; setting targets is the coordinator's."""
    headers = bearer(world.users["supervisor"])
    assert client.get("/api/v1/indicators?year=2026", headers=headers).status_code == 200
    f.make_target(2026, "pieces_sold", 40)
    f.db.session.commit()
    response = client.put(
        "/api/v1/indicator-targets", headers=headers, json={"year": 2026, "targets": []}
    )
    api_error(response, 403, "forbidden")
    assert row_counts(IndicatorTarget) == [1]


def test_downloads_keep_formulas_as_text(client, world):
    """CSV and XLSX from the API: a formula-like remark is never a formula."""
    f.make_target(2026, "pieces_sold", 10, remarks='=HYPERLINK("x")')
    f.db.session.commit()
    headers = bearer(world.users["admin"])
    csv_text = client.get("/api/v1/indicators.csv?year=2026", headers=headers).get_data(
        as_text=True
    )
    assert '\'=HYPERLINK(""x"")' in csv_text
    response = client.get("/api/v1/indicators.xlsx?year=2026", headers=headers)
    assert response.mimetype.endswith("spreadsheetml.sheet")
    sheet = openpyxl.load_workbook(io.BytesIO(response.data)).active
    remarks = [row[4].value for row in sheet.iter_rows(min_row=2)]
    assert '=HYPERLINK("x")' in remarks
    cell = next(row[4] for row in sheet.iter_rows(min_row=2) if row[4].value)
    assert cell.data_type == "s"
