"""GET /demand and GET /production-plan against a known history, figure by figure."""

import pytest

from tests import demand_history
from tests.conftest import bearer
from tests.demand_history import NOW
from tests.refusals import api_error


@pytest.fixture
def history(world, monkeypatch):
    """The known history, and the clock stopped at NOW."""
    monkeypatch.setattr("atelier.demand.services.utcnow", lambda: NOW)
    return demand_history.build(world)


@pytest.mark.usefixtures("history")
def test_every_demand_figure_by_hand(client, world):
    """Received, sold, returned, on hand, in transit, sell-through, median and ages."""
    response = client.get("/api/v1/demand?weeks=12", headers=bearer(world.users["admin"]))
    assert response.status_code == 200
    body = response.get_json()
    assert body["from"] == "2026-03-09T10:00:00+00:00"
    assert body["to"] == "2026-06-01T10:00:00+00:00"
    assert body["weeks"] == 12  # the window asked for, not a piece's age on the shelf
    assert body["rows"] == [
        {
            "shop": "AMS",
            "product_type": "TOTE",
            "received": 3,  # t1, t2, t3 (t5, t6, t7 came before the window)
            "sold": 3,  # t1, t2, t5
            "returned": 1,  # t2
            "on_hand": 4,  # t2 restocked, t3, t6, the world's piece
            "in_transit": 1,  # t4
            "sell_through_bp": 3333,  # 10000 × 2 ÷ 6
            "median_days_on_shelf": 20,  # 10, 20, 74
            "aged": {"0_4": 2, "4_8": 0, "8_12": 1, "12_plus": 1},
        },
        {
            "shop": "RTM",
            "product_type": "APRON",
            "received": 2,
            "sold": 1,
            "returned": 0,
            "on_hand": 1,
            "in_transit": 0,
            "sell_through_bp": 5000,
            "median_days_on_shelf": 3,
            "aged": {"0_4": 0, "4_8": 1, "8_12": 0, "12_plus": 0},
        },
    ]


@pytest.mark.usefixtures("history")
def test_a_shorter_window_leaves_older_movements_out(client, world):
    """Over 4 weeks (from 4 May) only t3's receipt and a1's sale remain; the median of
    one sale is its days; t1's and t5's sales are outside."""
    body = client.get("/api/v1/demand?weeks=4", headers=bearer(world.users["admin"])).get_json()
    assert body["weeks"] == 4
    rows = {(r["shop"], r["product_type"]): r for r in body["rows"]}
    tote, apron = rows["AMS", "TOTE"], rows["RTM", "APRON"]
    assert (tote["received"], tote["sold"], tote["returned"]) == (1, 0, 0)
    assert tote["median_days_on_shelf"] is None and tote["sell_through_bp"] == 0
    assert (apron["received"], apron["sold"], apron["median_days_on_shelf"]) == (0, 1, 3)


@pytest.mark.usefixtures("history")
def test_shop_staff_see_their_shop_only(client, world):
    """AMS staff get AMS rows; asking for RTM is refused (403) and shows nothing."""
    headers = bearer(world.users["shop"])
    body = client.get("/api/v1/demand", headers=headers).get_json()
    assert {row["shop"] for row in body["rows"]} == {"AMS"}
    refused = client.get("/api/v1/demand?shop=RTM", headers=headers)
    assert refused.status_code == 403
    assert refused.get_json()["error"]["code"] == "forbidden"
    supervisor = client.get("/api/v1/demand?shop=RTM", headers=bearer(world.users["supervisor"]))
    assert [row["shop"] for row in supervisor.get_json()["rows"]] == ["RTM"]


def test_a_window_out_of_range_is_refused(client, world):
    """weeks must be 1..104, and a number."""
    headers = bearer(world.users["admin"])
    for weeks in ("0", "105", "x"):
        response = client.get(f"/api/v1/demand?weeks={weeks}", headers=headers)
        assert response.status_code == 400
        assert "weeks" in response.get_json()["error"]["fields"]


@pytest.mark.usefixtures("history")
def test_production_plan_by_hand(client, world):
    """Each figure and the suggestion, computed by hand from the history."""
    response = client.get(
        "/api/v1/production-plan?site=ORA&weeks=12&cover_weeks=6",
        headers=bearer(world.users["supervisor"]),
    )
    assert response.status_code == 200
    rows = [
        {
            key: row[key]
            for key in (
                "product_type",
                "weekly_sales",
                "requested",
                "in_atelier",
                "in_transit",
                "in_shops",
                "suggested",
            )
        }
        for row in response.get_json()["rows"]
    ]
    assert rows == [
        # 1 sold, 0 returned: 1 ÷ 12 = 0.083…; 10 + ⌈6 × 1 ÷ 12⌉ − 0 − 0 − 1 = 10
        {
            "product_type": "APRON",
            "weekly_sales": "0.08",
            "requested": 10,
            "in_atelier": 0,
            "in_transit": 0,
            "in_shops": 1,
            "suggested": 10,
        },
        # 3 sold − 1 returned = 2: 0.166… → 0.17; 9 + ⌈12 ÷ 12⌉ − 1 − 1 − 4 = 4
        {
            "product_type": "TOTE",
            "weekly_sales": "0.17",
            "requested": 9,
            "in_atelier": 1,
            "in_transit": 1,
            "in_shops": 4,
            "suggested": 4,
        },
    ]


@pytest.mark.usefixtures("history")
def test_the_ceiling_is_taken_on_the_exact_quotient(client, world):
    """Over 12 weeks with 7 weeks' cover: apron ⌈7 × 1 ÷ 12⌉ = 1 (0.58…), tote ⌈14 ÷ 12⌉ = 2."""
    body = client.get(
        "/api/v1/production-plan?site=ORA&weeks=12&cover_weeks=7",
        headers=bearer(world.users["admin"]),
    ).get_json()
    assert [row["suggested"] for row in body["rows"]] == [10, 5]


@pytest.mark.usefixtures("history")
def test_production_plan_is_for_the_sites_supervisor(client, world):
    """Another atelier's supervisor is refused; shop staff too."""
    other = client.get(
        "/api/v1/production-plan?site=ORA", headers=bearer(world.users["supervisor_other"])
    )
    api_error(other, 403, "forbidden")
    shop = client.get("/api/v1/production-plan?site=ORA", headers=bearer(world.users["shop"]))
    api_error(shop, 403, "forbidden")
