"""Issue 13: POST /v1/quotes/batch: each shipment's answer or its own errors, in order, with
the numbers of single quotes."""

from fastapi.testclient import TestClient

from tests.service.conftest import AUTH


def _one(dest: str, weight: str = "3 lb") -> dict[str, object]:
    return {"origin": {"postal_code": "60601"},
            "destination": {"postal_code": dest, "residential": True},
            "parcel": {"dimensions": "12x10x6 in", "weight": weight}}  # fmt: skip


def test_batch_answers_in_order_with_single_quote_numbers(client: TestClient) -> None:
    ship_at = "2026-12-02T10:00:00"
    shipments = [_one("94105"), _one("99999"), {"origin": {"postal_code": "60601"}},
                 _one("10001", "500 lb"), _one("30301")]  # fmt: skip
    r = client.post("/v1/quotes/batch", json={"shipments": shipments, "ship_at": ship_at,
                                              "include_rates": True}, headers=AUTH)  # fmt: skip
    assert r.status_code == 200, r.text
    results = r.json()["results"]
    assert [x["index"] for x in results] == [0, 1, 2, 3, 4]
    assert results[1]["errors"][0]["field"] == "shipments[1].destination.postal_code"
    fields = {e["field"] for e in results[2]["errors"]}
    assert {"shipments[2].destination", "shipments[2].parcel"} <= fields
    assert results[3]["choice"] is None and results[3]["reason"]
    for i in (0, 4):
        s = shipments[i]
        single = client.post(
            "/v1/quotes",
            json={"shipment": {"origin": s["origin"], "destination": s["destination"],
                               "parcels": [s["parcel"]], "ship_at": ship_at},
                  "constraints": {"services": [x["carrier"] + "/" + x["service"] for x in results[i]["rates"]]}},
            headers=AUTH,
        ).json()  # fmt: skip
        assert results[i]["choice"]["total"] == single["choice"]["total"]
        assert [x["total"] for x in results[i]["rates"]] == [x["total"] for x in single["rates"]]


def test_batch_size_is_capped(client: TestClient) -> None:
    over = client.post(
        "/v1/quotes/batch", json={"shipments": [_one("94105")] * 10_001}, headers=AUTH
    )
    assert over.status_code == 422 and "10000" in over.text
    big = client.post(
        "/v1/quotes/batch", json={"shipments": [_one("94105")] * 10_000}, headers=AUTH
    )
    assert big.status_code == 200 and len(big.json()["results"]) == 10_000
