"""The layout page's draft: what the coordinator typed, in the order and with the keys it
will be saved with."""

from werkzeug.datastructures import MultiDict

from atelier.reports import drafts


def test_new_rows_get_keys_from_their_labels_and_keep_the_order_typed():
    """Rows without a key get one from the label (diacritics dropped, never a key already
    used nor a built-in indicator's); removed and empty entries are left out; positions
    decide the order, ties keep the order shown."""
    form = MultiDict(
        {
            "p-0-name": "Pillar 1",
            "p-0-r-0-key": "outreach",
            "p-0-r-0-label": "Outreach",
            "p-0-r-0-order": "2",
            "p-0-r-1-label": "Cazuri de referire în Oradea",
            "p-0-r-1-order": "1",
            "p-0-r-2-label": "Outreach",
            "p-0-r-2-order": "2",
            "p-0-r-3-label": "Pieces sold",
            "p-0-r-3-order": "9",
            "p-0-r-4-label": "Gone",
            "p-0-r-4-remove": "1",
            "p-0-r-5-label": "",
            "p-0-r-5-source": "measure:hours",
            "p-1-name": "",
        }
    )
    pillars = drafts.cleaned(drafts.from_form(form))
    assert [p.name for p in pillars] == ["Pillar 1"]
    assert [(r.key, r.order) for r in pillars[0].rows] == [
        ("cazuri_de_referire_in_oradea", "1"),
        ("outreach", "2"),
        ("outreach_2", "3"),
        ("pieces_sold_2", "4"),
    ]
    assert drafts.entries(pillars)[0]["rows"][0] == {
        "key": "cazuri_de_referire_in_oradea",
        "label": "Cazuri de referire în Oradea",
        "source": "manual",
        "parts": [],
    }


def test_a_measure_row_sends_its_filters_and_a_manual_row_none():
    """Kind, site and programme go with a workshop measure only."""
    form = MultiDict(
        {
            "p-0-name": "P",
            "p-0-r-0-label": "Hours",
            "p-0-r-0-source": "measure:hours",
            "p-0-r-0-kind": "vocational",
            "p-0-r-0-site": "ORA",
            "p-0-r-1-label": "By hand",
            "p-0-r-1-site": "ORA",
        }
    )
    rows = drafts.entries(drafts.cleaned(drafts.from_form(form)))[0]["rows"]
    assert rows[0]["source"] == {
        "measure": "hours",
        "workshop_kind": "vocational",
        "site": "ORA",
        "programme": None,
    }
    assert rows[1]["source"] == "manual"
