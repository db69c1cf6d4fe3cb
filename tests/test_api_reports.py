"""The annual Results report through the API: the 2022 report entered whole, read back as
JSON, DOCX, XLSX and PDF; layouts by year; figures audited; refusals change nothing."""

import io
import json

import docx
import openpyxl
import pypdfium2
import sqlalchemy as sa

from atelier.audit import AuditEntry
from tests import report_seed
from tests.conftest import ARTIFACTS, bearer


def enter_2022(client, headers):
    """PUT the seed's layout and figures; both answer 200."""
    define(client, headers, report_seed.definitions())
    r = client.put("/api/v1/indicator-figures", json=report_seed.figures(), headers=headers)
    assert r.status_code == 200, r.get_json()
    return r


def one_pillar(*rows, name: str = "Pillar 1", year: int | None = 2026) -> dict:
    """A layout of one pillar holding ``rows``, from ``year`` on (None: every year)."""
    body = {"pillars": [{"name": name, "rows": list(rows)}]}
    return body if year is None else {"year": year} | body


def define(client, headers, layout: dict) -> None:
    """PUT a layout; it answers 200."""
    r = client.put("/api/v1/indicator-definitions", json=layout, headers=headers)
    assert r.status_code == 200, r.get_json()


def put_figures(client, headers, year: int, *figures: dict):
    """PUT figures of a year's report; the response."""
    body = {"year": year, "figures": list(figures)}
    return client.put("/api/v1/indicator-figures", json=body, headers=headers)


def results(client, headers, year: int, compare: bool = False) -> dict:
    """GET a year's report as JSON."""
    query = f"year={year}&compare=1" if compare else f"year={year}"
    return client.get(f"/api/v1/reports/results?{query}", headers=headers).get_json()


def pdf_text(data: bytes) -> str:
    """The text of every page of a PDF."""
    pdf = pypdfium2.PdfDocument(data)
    text = "\n".join(page.get_textpage().get_text_range() for page in pdf)
    pdf.close()
    return text


def test_the_2022_results_come_back_in_order_as_json(client, world):
    """Every row, part, figure and remark of the three pillars, in the printed order."""
    headers = bearer(world.users["admin"])
    answer = enter_2022(client, headers)
    assert answer.get_json()["pillars"] == report_seed.expected_json()
    report = results(client, headers, 2022)
    assert report == {"year": 2022, "pillars": report_seed.expected_json()}
    # a blank target stays null, a target of 0 stays 0
    p3 = report["pillars"][2]["rows"]
    assert p3[0]["target"] is None and p3[6]["target"] == 0


def test_the_2022_results_as_docx_xlsx_and_pdf(client, world):
    """The three files hold every label and figure, in Word tables, as numbers, as text."""
    headers = bearer(world.users["admin"])
    enter_2022(client, headers)
    # DOCX: a real table per pillar, a header row, then each line
    response = client.get("/api/v1/reports/results.docx?year=2022", headers=headers)
    assert response.status_code == 200
    assert response.mimetype.endswith("wordprocessingml.document")
    document = docx.Document(io.BytesIO(response.data))
    assert len(document.tables) == 3
    for table, (_name, lines) in zip(document.tables, report_seed.RESULTS_2022, strict=True):
        cells = [[c.text for c in row.cells] for row in table.rows]
        assert cells[0] == ["", "Target", "Results", "Remarks"]
        expected = [
            [label, "" if t is None else str(t), "" if r is None else str(r), remarks]
            for _key, label, _level, t, r, remarks in lines
        ]
        assert cells[1:] == expected
    part = document.tables[2].rows[2].cells[0].paragraphs[0]
    assert part.paragraph_format.left_indent is not None  # parts are indented
    # XLSX: one sheet, pillar header rows, numbers as numbers, remarks as text
    response = client.get("/api/v1/reports/results.xlsx?year=2022", headers=headers)
    sheet = openpyxl.load_workbook(io.BytesIO(response.data)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    for name, lines in report_seed.RESULTS_2022:
        start = next(i for i, v in enumerate(values) if v[0] == name)
        assert values[start + 1] == ["", "Target", "Results", "Remarks"] or values[start + 1][
            1:
        ] == ["Target", "Results", "Remarks"]
        for offset, (_key, label, _level, target, result, remarks) in enumerate(lines):
            assert values[start + 2 + offset] == [label, target, result, remarks or None]
    refugees = next(row for row in sheet.iter_rows() if row[0].value == "Refugees supported")
    assert refugees[2].data_type == "n" and refugees[2].value == 1500
    # PDF: A4, every label, figure and remark word there
    response = client.get("/api/v1/reports/results.pdf?year=2022", headers=headers)
    assert response.mimetype == "application/pdf"
    pdf = pypdfium2.PdfDocument(response.data)
    width, height = pdf[0].get_size()
    pdf.close()
    assert (round(width), round(height)) == (595, 842)
    text = " ".join(pdf_text(response.data).split())
    assert "Next Steps · Results 2022" in text
    for _name, lines in report_seed.RESULTS_2022:
        for _key, label, _level, target, result, remarks in lines:
            assert label in text
            for figure in (target, result):
                assert figure is None or str(figure) in text
            for word in remarks.split():
                assert word in text


def test_the_pdf_first_page_is_kept_as_a_picture(client, world):
    """The first page rendered to PNG under tests/artifacts/, for a person to look at."""
    headers = bearer(world.users["admin"])
    enter_2022(client, headers)
    long = "A remark long enough to wrap over several lines in the PDF's remarks column. " * 4
    put_figures(client, headers, 2022, {"row": "referrals", "remarks": long.strip()})
    glyphs = "Beneficiare în ședințe · Учасниці тренінгів"
    put_figures(client, headers, 2022, {"row": "step_out", "remarks": glyphs})
    data = client.get("/api/v1/reports/results.pdf?year=2022", headers=headers).data
    assert glyphs in pdf_text(data)  # Romanian and Cyrillic letters, in the embedded font
    pdf = pypdfium2.PdfDocument(data)
    image = pdf[0].render(scale=2).to_pil()
    pdf.close()
    ARTIFACTS.mkdir(exist_ok=True)
    image.save(ARTIFACTS / "results-2022-page1.png")
    assert abs(image.size[0] - 1190) <= 1 and image.size[1] == 1684  # A4 at 144 dpi
    # the page is not blank: the table's ink
    assert image.convert("L").getextrema()[0] < 80


def test_a_layout_for_a_later_year_leaves_earlier_years_as_they_were(client, world):
    """Changing the layout from 2026 on leaves 2025 reading as before; no year = every year."""
    headers = bearer(world.users["admin"])
    define(client, headers, one_pillar({"key": "a", "label": "Outreach"}, year=None))
    later = one_pillar({"key": "b", "label": "Referrals"}, name="Pillar A")
    define(client, headers, later)

    def labels(year):
        report = results(client, headers, year)
        return [(p["name"], [r["label"] for r in p["rows"]]) for p in report["pillars"]]

    assert labels(2021) == labels(2025) == [("Pillar 1", ["Outreach"])]
    assert labels(2026) == labels(2030) == [("Pillar A", ["Referrals"])]
    # the same year again replaces its layout
    later["pillars"][0]["rows"][0]["label"] = "Referral cases"
    define(client, headers, later)
    assert labels(2026) == [("Pillar A", ["Referral cases"])]
    assert labels(2025) == [("Pillar 1", ["Outreach"])]


def test_figures_are_audited_and_null_clears(client, world, db):
    """Each change records who, old and new; a field left out stays; null clears."""
    headers = bearer(world.users["admin"])
    enter_2022(client, headers)
    changed = put_figures(
        client, headers, 2022, {"row": "referrals", "result": 18, "remarks": None}
    )
    assert changed.status_code == 200
    report = results(client, headers, 2022)
    referrals = report["pillars"][1]["rows"][5]
    assert (referrals["target"], referrals["result"], referrals["remarks"]) == (12, 18, "")
    entry = db.session.scalars(
        sa.select(AuditEntry)
        .where(AuditEntry.action == "reports.figure")
        .order_by(AuditEntry.id.desc())
    ).first()
    details = json.loads(entry.details)
    assert entry.user_id == world.users["admin"].id and entry.at is not None
    assert details["old"]["result"] == 17 and details["new"]["result"] == 18
    assert details["old"]["remarks"].startswith("Victims") and details["new"]["remarks"] == ""


def test_bad_figures_are_refused_naming_the_field_and_change_nothing(client, world):
    """A result for a computed row, an unknown row or part: 400 ``invalid`` with fields."""
    headers = bearer(world.users["admin"])
    define(
        client,
        headers,
        one_pillar(
            {"key": "made", "label": "Pieces", "source": "pieces_produced"},
            {"key": "hand", "label": "Outreach"},
        ),
    )
    bad = put_figures(
        client,
        headers,
        2026,
        {"row": "hand", "target": 5},
        {"row": "made", "result": 3},
        {"row": "nope", "target": 1},
        {"row": "hand", "part": "x", "target": 1},
    )
    assert bad.status_code == 400
    error = bad.get_json()["error"]
    assert error["code"] == "invalid"
    assert set(error["fields"]) == {"figures.1.result", "figures.2.row", "figures.3.part"}
    report = results(client, headers, 2026)
    assert all(r["target"] is None for p in report["pillars"] for r in p["rows"])


def test_bad_layouts_are_refused_and_change_nothing(client, world):
    """Unknown source, site or kind; duplicate keys; a manual part with a site: 400."""
    headers = bearer(world.users["admin"])
    bad = one_pillar(
        {"key": "a", "label": "A", "source": "nope"},
        {"key": "a", "label": "B", "source": {"measure": "hours", "site": "XXX"}},
        {"key": "c", "label": "C", "parts": [{"key": "p", "label": "P", "site": "ORA"}]},
        {
            "key": "d",
            "label": "D",
            "source": {"measure": "participants", "workshop_kind": "knitting"},
        },
        name="P",
    )
    response = client.put("/api/v1/indicator-definitions", json=bad, headers=headers)
    assert response.status_code == 400
    assert set(response.get_json()["error"]["fields"]) == {
        "pillars.0.rows.0.source",
        "pillars.0.rows.1.key",
        "pillars.0.rows.1.source.site",
        "pillars.0.rows.2.parts.0",
        "pillars.0.rows.3.source.workshop_kind",
    }
    assert results(client, headers, 2026) == {"year": 2026, "pillars": []}


def test_targets_and_report_figures_are_one_store(client, world):
    """A built-in row's target set by PUT /indicator-targets shows in the report, and one set
    by PUT /indicator-figures shows in GET /indicators: the same figure seen two ways."""
    headers = bearer(world.users["admin"])
    voc = {
        "key": "voc",
        "label": "People in vocational training",
        "source": "vocational_participants",
        "parts": [{"key": "ora", "label": "Oradea", "site": "ORA"}],
    }
    define(client, headers, one_pillar(voc))
    client.put(
        "/api/v1/indicator-targets",
        json={"year": 2026, "targets": [{"key": "vocational_participants", "target": 12}]},
        headers=headers,
    )
    put_figures(client, headers, 2026, {"row": "voc", "part": "ora", "target": 7})
    report = results(client, headers, 2026)
    assert [(r["label"], r["target"]) for r in report["pillars"][0]["rows"]] == [
        ("People in vocational training", 12),
        ("Oradea", 7),
    ]
    rows = client.get("/api/v1/indicators?year=2026", headers=headers).get_json()["rows"]
    assert ("vocational_participants", "ORA", 7) in [
        (r["key"], r["site"], r["target"]) for r in rows
    ]
    # a remark entered on the report replaces the target's remark, not a second copy
    put_figures(client, headers, 2026, {"row": "voc", "remarks": "Offered to all."})
    total = client.get("/api/v1/indicators?year=2026", headers=headers).get_json()["rows"][0]
    assert (total["target"], total["remarks"]) == (12, "Offered to all.")


def test_writes_are_the_coordinators(client, world):
    """A supervisor may not define the layout or enter figures."""
    headers = bearer(world.users["supervisor"])
    for path, body in (
        ("/api/v1/indicator-definitions", report_seed.definitions()),
        ("/api/v1/indicator-figures", report_seed.figures()),
    ):
        response = client.put(path, json=body, headers=headers)
        assert response.status_code == 403
        assert response.get_json()["error"]["code"] == "forbidden"


def test_the_year_before_side_by_side(client, world):
    """compare=1: each line also carries last year's target and result (same row and part),
    as a second column pair in the files; a row new this year has it blank."""
    headers = bearer(world.users["admin"])
    enter_2022(client, headers)
    put_figures(client, headers, 2023, {"row": "referrals", "target": 15, "result": 20})
    report = results(client, headers, 2023, compare=True)
    referrals = report["pillars"][1]["rows"][5]
    assert referrals["target"] == 15 and referrals["previous"] == {"target": 12, "result": 17}
    oradea = report["pillars"][2]["rows"][2]
    assert oradea["previous"] == {"target": 250, "result": 320} and oradea["target"] is None
    data = client.get("/api/v1/reports/results.docx?year=2023&compare=1", headers=headers).data
    table = docx.Document(io.BytesIO(data)).tables[1]
    assert [c.text for c in table.rows[0].cells] == [
        "",
        "Target 2022",
        "Results 2022",
        "Target 2023",
        "Results 2023",
        "Remarks",
    ]
    assert [c.text for c in table.rows[6].cells][:5] == ["Referral cases", "12", "17", "15", "20"]
    pdf = client.get("/api/v1/reports/results.pdf?year=2023&compare=1", headers=headers).data
    assert "Target 2022 Results 2022 Target 2023 Results 2023" in " ".join(pdf_text(pdf).split())


def test_a_remark_like_a_formula_stays_text_in_the_spreadsheet(client, world):
    """A remark starting with "=" is written as text: the sheet never runs it."""
    headers = bearer(world.users["admin"])
    enter_2022(client, headers)
    put_figures(client, headers, 2022, {"row": "referrals", "remarks": '=HYPERLINK("x")'})
    data = client.get("/api/v1/reports/results.xlsx?year=2022", headers=headers).data
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    row = next(r for r in sheet.iter_rows() if r[0].value == "Referral cases")
    assert row[3].value == '=HYPERLINK("x")' and row[3].data_type == "s"
    assert (row[1].value, row[2].value) == (12, 17) and row[1].data_type == "n"


def test_the_layout_comes_back_as_saved(client, world):
    """PUT /indicator-definitions answers with the layout: a measure's filters (null where
    none), parts by site and programme code, a manual row's source, and year null when the
    layout is for every year."""
    headers = bearer(world.users["admin"])
    rows = [
        {
            "key": "hours",
            "label": "Training hours",
            "source": {"measure": "hours", "workshop_kind": "vocational", "site": "ORA"},
            "parts": [{"key": "step", "label": "Step Out", "programme": "STEP"}],
        },
        {"key": "made", "label": "Pieces", "source": "pieces_produced"},
        {"key": "hand", "label": "Outreach"},
    ]
    response = client.put(
        "/api/v1/indicator-definitions",
        json={"pillars": [{"name": "Pillar 1", "rows": rows}]},
        headers=headers,
    )
    assert response.status_code == 200, response.get_json()
    assert response.get_json() == {
        "year": None,
        "pillars": [
            {
                "name": "Pillar 1",
                "rows": [
                    {
                        "key": "hours",
                        "label": "Training hours",
                        "source": {
                            "measure": "hours",
                            "workshop_kind": "vocational",
                            "programme": None,
                            "site": "ORA",
                        },
                        "parts": [
                            {"key": "step", "label": "Step Out", "site": None, "programme": "STEP"}
                        ],
                    },
                    {"key": "made", "label": "Pieces", "source": "pieces_produced", "parts": []},
                    {"key": "hand", "label": "Outreach", "source": "manual", "parts": []},
                ],
            }
        ],
    }
