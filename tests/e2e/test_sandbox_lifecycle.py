"""Campaign life on the sandbox clock, tracking pages and search, and the cancel rules."""

from __future__ import annotations

import time
from typing import Any

import httpx
import pytest

from reconciler.sandbox.clock import iso
from reconciler.sandbox.lifecycle import call_plan
from reconciler.sandbox.server import RunningSandbox
from tests.e2e.conftest import SandboxFactory, bearer_client, campaign_body

#: Completed, Failed, NoAnswer, Busy (see lifecycle.call_plan).
NUMBERS = ["+306912345600", "+306912345601", "+306912345604", "+306912345607"]
HOUR = 3600.0


def advance(running: RunningSandbox, seconds: float) -> None:
    answer = httpx.post(f"{running.base_url}/_sandbox/clock", json={"advanceSeconds": seconds})
    answer.raise_for_status()


def summary(running: RunningSandbox, tracking_id: str) -> dict[str, Any]:
    listing = httpx.get(f"{running.base_url}/_sandbox/campaigns").json()
    [found] = [c for c in listing if c["trackingId"] == tracking_id]
    result: dict[str, Any] = found
    return result


def in_an_hour(running: RunningSandbox) -> str:
    return iso(time.time() + running.state.clock.offset + HOUR)


def by_name(client: httpx.Client, name: str, **query: str) -> dict[str, Any]:
    filters = [{"fieldName": "campaign", "searchOperator": "is", "searchTerm": name}]
    answer = client.post("/voice/tracking", json=filters, params=query)
    answer.raise_for_status()
    result: dict[str, Any] = answer.json()
    return result


@pytest.fixture
def slow_queue(sandbox_factory: SandboxFactory) -> RunningSandbox:
    """A sandbox whose campaigns stay Queued for 5 s, so real time cannot race the test."""
    return sandbox_factory(queued_seconds=5.0)


def test_scheduled_queued_running_sent(slow_queue: RunningSandbox) -> None:
    body = campaign_body(to=NUMBERS, scheduledDate=in_an_hour(slow_queue))
    with bearer_client(slow_queue) as client:
        tracking_id = client.post("/voice/campaign", json=body).json()["trackingId"]
        assert summary(slow_queue, tracking_id)["state"] == "Scheduled"
        empty = client.get(f"/voice/tracking/campaign/{tracking_id}")
        assert (empty.status_code, empty.json()["code"]) == (404, "404005000")
        advance(slow_queue, HOUR + 1)
        queued = summary(slow_queue, tracking_id)
        assert queued["state"] == "Queued"
        assert queued["statuses"]["Queued"] == 4
        advance(slow_queue, 5)
        running = summary(slow_queue, tracking_id)
        assert running["state"] == "Running"
        assert running["statuses"]["Queued"] == 0
        advance(slow_queue, 10)
        sent = summary(slow_queue, tracking_id)
        page = client.get(f"/voice/tracking/campaign/{tracking_id}").json()
    assert sent["state"] == "Sent"
    expected = dict.fromkeys(sent["statuses"], 0)
    for number in NUMBERS:
        expected[call_plan(number, 2.0, 5.0).outcome.value] += 1
    assert sent["statuses"] == expected
    assert expected["Completed"] == 1
    answered = call_plan(NUMBERS[0], 2.0, 5.0).duration
    assert sent["cost"] == pytest.approx(answered * 0.0005)
    prices = {item["to"]: (item["duration"], item["price"]) for item in page["content"]}
    assert prices[NUMBERS[0]] == (answered, pytest.approx(answered * 0.0005))
    assert prices[NUMBERS[1]] == (0, 0)


def test_tracking_records_and_pages(sandbox_factory: SandboxFactory) -> None:
    running = sandbox_factory(queued_seconds=0.0)
    with bearer_client(running) as client:
        body = campaign_body(to=NUMBERS, scheduledDate=None)
        tracking_id = client.post("/voice/campaign", json=body).json()["trackingId"]
        advance(running, 10)
        first = client.get(f"/voice/tracking/campaign/{tracking_id}", params={"size": 3}).json()
        second = client.get(
            f"/voice/tracking/campaign/{tracking_id}", params={"size": 3, "page": 1}
        ).json()
        one = client.get(f"/voice/tracking/{first['content'][0]['messageId']}")
        missing = client.get("/voice/tracking/7b1e3c9e-0000-4000-8000-000000000000")
        unknown = client.get("/voice/tracking/campaign/7b1e3c9e-0000-4000-8000-000000000000")
        ordered = client.get(
            f"/voice/tracking/campaign/{tracking_id}", params={"sort": "recipient,desc"}
        ).json()
    assert first["totalElements"] == 4
    assert first["totalPages"] == 2
    assert (first["first"], first["last"], first["numberOfElements"]) == (True, False, 3)
    assert (second["number"], second["last"], second["numberOfElements"]) == (1, True, 1)
    item = first["content"][0]
    assert item["to"] == NUMBERS[0]
    assert item["campaign"] == "Spring promo"
    assert item["originatingService"] == "Voice"
    assert item["direction"] == "Outbound"
    assert item["country"] == "GR"
    assert item["status"]["status"] == "Completed"
    assert item["status"]["date"].endswith("Z")
    assert item["chargeInterval"] == 1
    assert item["message"] == body["message"]
    assert "campaignTrackingId" not in item
    assert one.status_code == 200
    assert one.json() == item
    assert missing.status_code == 404
    assert unknown.status_code == 404
    assert unknown.json()["code"] == "404009001"
    assert [i["to"] for i in ordered["content"]] == sorted(NUMBERS, reverse=True)


def test_search_by_name_finds_nothing_while_scheduled(slow_queue: RunningSandbox) -> None:
    body = campaign_body(to=NUMBERS, scheduledDate=in_an_hour(slow_queue))
    with bearer_client(slow_queue) as client:
        client.post("/voice/campaign", json=body)
        assert by_name(client, "Spring promo")["totalElements"] == 0
        advance(slow_queue, HOUR + 1)
        found = by_name(client, "Spring promo")
        other = by_name(client, "Spring")
    assert found["totalElements"] == 4
    assert {item["status"]["status"] for item in found["content"]} == {"Queued"}
    assert other["totalElements"] == 0


def test_search_operators_and_fields(sandbox_factory: SandboxFactory) -> None:
    running = sandbox_factory(queued_seconds=0.0, tracking_includes_campaign_id=True)
    with bearer_client(running) as client:
        first = client.post(
            "/voice/campaign", json=campaign_body(to=NUMBERS, scheduledDate=None)
        ).json()
        client.post(
            "/voice/campaign",
            json=campaign_body(name="Autumn promo", to=NUMBERS[:1], scheduledDate=None),
        )
        advance(running, 10)

        def count(field: str, operator: str, term: str, **query: str) -> int:
            spec = {"fieldName": field, "searchOperator": operator, "searchTerm": term}
            answer = client.post("/voice/tracking", json=spec, params=query)
            assert answer.status_code == 200, answer.text
            total: int = answer.json()["totalElements"]
            return total

        assert count("campaign", "contains", "promo") == 5
        assert count("campaign", "starts_with", "Autumn") == 1
        assert count("campaign", "ends_with", "promo") == 5
        assert count("campaign", "is_not", "Autumn promo") == 4
        assert count("recipient", "is", NUMBERS[0]) == 2
        assert count("status.status", "is", "Completed") == 2
        assert count("campaign", "contains", "promo", trackingId=first["trackingId"]) == 4
        items = client.post("/voice/tracking", json=[], params={"size": 50}).json()["content"]
        bad = client.post(
            "/voice/tracking",
            json=[{"fieldName": "colour", "searchOperator": "is", "searchTerm": "x"}],
        )
    assert {i["campaignTrackingId"] for i in items} >= {first["trackingId"]}
    assert bad.status_code == 400


def test_cancel_rules(slow_queue: RunningSandbox) -> None:
    with bearer_client(slow_queue) as client:
        later = client.post(
            "/voice/campaign", json=campaign_body(scheduledDate=in_an_hour(slow_queue))
        ).json()
        now = client.post(
            "/voice/campaign", json=campaign_body(name="At once", scheduledDate=None)
        ).json()
        cancelled = client.delete(f"/voice/campaign/{later['trackingId']}")
        started = client.delete(f"/voice/campaign/{now['trackingId']}")
        unknown = client.delete("/voice/campaign/7b1e3c9e-0000-4000-8000-000000000000")
        again = client.delete(f"/voice/campaign/{later['trackingId']}")
        tracking = client.get(f"/voice/tracking/campaign/{later['trackingId']}")
    assert cancelled.status_code == 200
    assert cancelled.content == b""
    assert started.status_code == 400
    assert started.json()["code"] == "400009002"
    assert unknown.status_code == 404
    assert unknown.json()["code"] == "404009001"
    assert again.status_code == 404
    assert tracking.status_code == 404
    assert summary(slow_queue, later["trackingId"])["cancelled"] is True


def test_cancelled_campaign_kept_as_record(sandbox_factory: SandboxFactory) -> None:
    running = sandbox_factory(post_delete="record")
    with bearer_client(running) as client:
        campaign = client.post(
            "/voice/campaign", json=campaign_body(scheduledDate=in_an_hour(running))
        ).json()
        path = f"/voice/campaign/{campaign['trackingId']}"
        assert client.delete(path).status_code == 200
        again = client.delete(path)
        advance(running, 2 * HOUR)
        tracking = client.get(f"/voice/tracking/campaign/{campaign['trackingId']}")
    assert again.json()["code"] == "400009002"
    assert (tracking.status_code, tracking.json()["code"]) == (404, "404005000")  # no messages
    listed = summary(running, campaign["trackingId"])
    assert (listed["state"], listed["cancelled"]) == ("Scheduled", True)


def test_empty_tracking_as_a_page_when_asked(sandbox_factory: SandboxFactory) -> None:
    running = sandbox_factory(empty_tracking="page")
    with bearer_client(running) as client:
        campaign = client.post(
            "/voice/campaign", json=campaign_body(scheduledDate=in_an_hour(running))
        ).json()
        tracking = client.get(f"/voice/tracking/campaign/{campaign['trackingId']}")
    assert tracking.status_code == 200
    assert tracking.json()["totalElements"] == 0


def test_clock_controls(sandbox: RunningSandbox) -> None:
    url = f"{sandbox.base_url}/_sandbox/clock"
    assert httpx.post(url, json={"offsetSeconds": 100}).json()["offsetSeconds"] == 100
    assert httpx.post(url, json={"advanceSeconds": 50}).json()["offsetSeconds"] == 150
    assert httpx.get(url).json()["offsetSeconds"] == 150
    assert httpx.post(url, json={"advanceSeconds": "soon"}).status_code == 400
    assert httpx.post(url, json={}).status_code == 400


def test_search_date_window_and_bad_queries(sandbox_factory: SandboxFactory) -> None:
    running = sandbox_factory(queued_seconds=0.0)
    with bearer_client(running) as client:
        client.post("/voice/campaign", json=campaign_body(to=NUMBERS, scheduledDate=None))
        advance(running, 10)
        now = time.time() + running.state.clock.offset
        inside = {"from": iso(now - HOUR), "to": iso(now + HOUR)}
        before = {"to": iso(now - HOUR)}
        found = client.post("/voice/tracking", json=[], params=inside).json()
        none = client.post("/voice/tracking", json=[], params=before).json()
        bad_queries = [
            client.post("/voice/tracking", json=[], params={"from": "yesterday"}),
            client.post("/voice/tracking", json=[], params={"page": "first"}),
            client.post("/voice/tracking", json=[], params={"size": "0"}),
            client.post("/voice/tracking", json=["campaign"]),
            client.post(
                "/voice/tracking",
                json={"fieldName": "campaign", "searchOperator": "like", "searchTerm": "x"},
            ),
            client.post(
                "/voice/tracking",
                json={"fieldName": "campaign", "searchOperator": "is", "searchTerm": 5},
            ),
        ]
    assert found["totalElements"] == 4
    assert none["totalElements"] == 0
    for answer in bad_queries:
        assert answer.status_code == 400, answer.text
        assert answer.json()["code"] == "400000000"
