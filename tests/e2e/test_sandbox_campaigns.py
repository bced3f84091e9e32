"""POST /voice/campaign and /voice/analysis: response shape, validation, names, recipients."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest

from reconciler.enums import VoiceStatus
from reconciler.sandbox.server import RunningSandbox
from tests.e2e.conftest import SandboxFactory, bearer_client, campaign_body


def test_accepted_campaign_has_the_documented_shape(sandbox_client: httpx.Client) -> None:
    body = campaign_body(
        to=["+306912345678", "+447123123456", "+80012345678"],
        hangupDelay=30,
        callback={"strategy": "OnChange", "url": "http://127.0.0.1:9/cb"},
    )
    answer = sandbox_client.post("/voice/campaign", json=body)
    assert answer.status_code == 200
    campaign = answer.json()
    assert uuid.UUID(campaign["trackingId"]).version == 4
    assert campaign["type"] == "Voice"
    assert campaign["state"] == "Scheduled"
    assert campaign["createdAt"].endswith("Z")
    assert campaign["campaignName"] == "Spring promo"
    assert campaign["scheduledDate"] == body["scheduledDate"]
    for key in ("from", "to", "message", "hangupDelay", "callback"):
        assert campaign[key] == body[key]
    assert campaign["contacts"] == []
    assert campaign["groups"] == []
    assert campaign["cost"] == 0
    assert campaign["statuses"] == {status.value: 0 for status in VoiceStatus}
    assert campaign["voiceAnalysis"] == {
        "contacts": {},
        "numberOfRecipients": 2,
        "recipientCountries": {"+306912345678": "GR", "+447123123456": "GB"},
        "recipientsPerCountry": {"GR": 1, "GB": 1},
        "recipientsPerGroup": {},
        "totalInGroups": 0,
    }
    [error] = campaign["errors"]
    assert error["property"] == "+80012345678"
    assert set(error) == {"code", "developerMessage", "property"}


def test_immediate_campaign_is_queued(sandbox_client: httpx.Client) -> None:
    for scheduled in (None, "2020-01-01T00:00:00Z"):
        name = f"now {scheduled is None}"
        body = campaign_body(scheduledDate=scheduled, name=name)
        assert sandbox_client.post("/voice/campaign", json=body).json()["state"] == "Queued"


def test_fileurl_campaign_is_accepted(sandbox_client: httpx.Client) -> None:
    body = campaign_body(message=None, fileURL="https://127.0.0.1/hello.wav")
    answer = sandbox_client.post("/voice/campaign", json=body)
    assert answer.status_code == 200
    assert answer.json()["fileURL"] == "https://127.0.0.1/hello.wav"


INVALID: list[tuple[dict[str, Any], str]] = [
    ({"from": None}, "from"),
    ({"from": ""}, "from"),
    ({"from": "12345678901234567"}, "from"),
    ({"message": None}, "message"),
    ({"fileURL": "https://127.0.0.1/a.wav"}, "message"),
    ({"message": None, "fileURL": "https://127.0.0.1/a.mp3"}, "fileURL"),
    ({"to": None}, "to"),
    ({"to": []}, "to"),
    ({"to": ["+3069" + f"{i:08d}" for i in range(1001)]}, "to"),
    ({"contacts": ["c"] * 1001}, "contacts"),
    ({"groups": "All"}, "groups"),
    ({"to": ["306912345678"]}, "to"),
    ({"to": ["+30 691 234 5678"]}, "to"),
    ({"message": {"text": "hi", "language": "xx-XX"}}, "message.language"),
    ({"message": {"text": "hi", "language": "en-GB", "gender": "robot"}}, "message.gender"),
    ({"message": {"text": "x" * 1001, "language": "en-GB"}}, "message.text"),
    ({"message": {"language": "en-GB"}}, "message.text"),
    ({"message": "hi"}, "message"),
    ({"name": "x"}, "name"),
    ({"name": "y" * 31}, "name"),
    ({"name": "Promo_2030!"}, "name"),
    ({"name": "é"}, "name"),
    ({"scheduledDate": "2030-06-01 10:00"}, "scheduledDate"),
    ({"scheduledDate": "2030-06-01T10:00:00"}, "scheduledDate"),
    ({"scheduledDate": 1893492000}, "scheduledDate"),
    ({"respectQuietHours": "yes"}, "respectQuietHours"),
    ({"hangupDelay": "30"}, "hangupDelay"),
    ({"hangupDelay": 2.5}, "hangupDelay"),
    ({"hangupDelay": 2**31}, "hangupDelay"),
    ({"collectDtmfAwaitSeconds": 1e300}, "collectDtmfAwaitSeconds"),
    ({"callback": {"strategy": "Sometimes", "url": "http://127.0.0.1/"}}, "callback.strategy"),
    ({"campaignCallback": {"strategy": "OnChange"}}, "campaignCallback.url"),
]


@pytest.mark.parametrize(("overrides", "field"), INVALID)
def test_validation_errors(
    sandbox: RunningSandbox, sandbox_client: httpx.Client, overrides: dict[str, Any], field: str
) -> None:
    answer = sandbox_client.post("/voice/campaign", json=campaign_body(**overrides))
    assert answer.status_code == 400
    body = answer.json()
    assert body["code"] == "400000000"
    assert body["developerMessage"] == "Validation Error!"
    assert field in body["properties"], body
    assert httpx.get(f"{sandbox.base_url}/_sandbox/campaigns").json() == []


def test_every_problem_is_reported_at_once(sandbox_client: httpx.Client) -> None:
    body = {"to": ["bad"], "name": "x"}
    properties = sandbox_client.post("/voice/campaign", json=body).json()["properties"]
    assert set(properties) == {"from", "message", "to", "name"}
    assert properties["to"] == "Invalid mobile number"


def test_malformed_json_is_a_validation_error(sandbox_client: httpx.Client) -> None:
    answer = sandbox_client.post(
        "/voice/campaign", content=b"{not json", headers={"Content-Type": "application/json"}
    )
    assert answer.status_code == 400
    assert "body" in answer.json()["properties"]
    array = sandbox_client.post("/voice/campaign", json=[1, 2])
    assert array.status_code == 400


def test_language_list_is_configurable(sandbox_factory: SandboxFactory) -> None:
    running = sandbox_factory(languages=("en-GB", "ar-SA"))
    body = campaign_body(message={"text": "hi", "language": "ar-SA"})
    with bearer_client(running) as client:
        assert client.post("/voice/campaign", json=body).status_code == 200
        german = campaign_body(name="German", message={"text": "hi", "language": "de-DE"})
        assert client.post("/voice/campaign", json=german).status_code == 400


def test_duplicate_name_is_409(sandbox_client: httpx.Client) -> None:
    first = sandbox_client.post("/voice/campaign", json=campaign_body())
    second = sandbox_client.post("/voice/campaign", json=campaign_body(to=["+306912345670"]))
    assert first.status_code == 200
    assert second.status_code == 409
    assert second.json() == {
        "code": "409009003",
        "developerMessage": second.json()["developerMessage"],
        "entity": "campaign",
        "property": "name",
        "value": "Spring promo",
    }


def test_cancelled_name_stays_taken(sandbox_client: httpx.Client) -> None:
    tracking_id = sandbox_client.post("/voice/campaign", json=campaign_body()).json()["trackingId"]
    assert sandbox_client.delete(f"/voice/campaign/{tracking_id}").status_code == 200
    assert sandbox_client.post("/voice/campaign", json=campaign_body()).status_code == 409


def test_name_is_read_from_name_only_and_echoed_as_campaign_name(
    sandbox_client: httpx.Client,
) -> None:
    """By default (Routee's published voice schema) ``campaignName`` in a request is ignored."""
    answer = sandbox_client.post("/voice/campaign", json=campaign_body(name="Real name"))
    assert answer.json()["campaignName"] == "Real name"
    ignored = campaign_body(name=None, campaignName="Real name")
    unnamed = sandbox_client.post("/voice/campaign", json=ignored)
    assert unnamed.status_code == 200
    assert unnamed.json()["campaignName"] is None
    duplicate = sandbox_client.post("/voice/campaign", json=campaign_body(name="Real name"))
    assert duplicate.status_code == 409


def test_unnamed_campaigns_never_conflict(sandbox_client: httpx.Client) -> None:
    for _ in range(2):
        answer = sandbox_client.post("/voice/campaign", json=campaign_body(name=None))
        assert answer.status_code == 200
        assert answer.json()["campaignName"] is None


def test_no_name_uniqueness_accepts_duplicates(sandbox_factory: SandboxFactory) -> None:
    running = sandbox_factory(name_uniqueness=False)
    with bearer_client(running) as client:
        codes = [client.post("/voice/campaign", json=campaign_body()).status_code for _ in "ab"]
    assert codes == [200, 200]


def test_name_key_campaign_name_ignores_name(sandbox_factory: SandboxFactory) -> None:
    running = sandbox_factory(name_key="campaignName")
    with bearer_client(running) as client:
        first = client.post("/voice/campaign", json=campaign_body())
        second = client.post("/voice/campaign", json=campaign_body())
        named = client.post("/voice/campaign", json=campaign_body(campaignName="Real name"))
        again = client.post("/voice/campaign", json=campaign_body(campaignName="Real name"))
    assert first.json()["campaignName"] is None
    assert second.status_code == 200
    assert named.json()["campaignName"] == "Real name"
    assert again.status_code == 409


def test_unknown_contact_is_404(sandbox_client: httpx.Client) -> None:
    answer = sandbox_client.post("/voice/campaign", json=campaign_body(contacts=["c-1"]))
    assert answer.status_code == 404
    assert answer.json()["code"] == "404002001"


def test_groups_without_members_leave_no_recipients(sandbox_client: httpx.Client) -> None:
    for groups in (["All"], ["NotListed"]):
        answer = sandbox_client.post("/voice/campaign", json=campaign_body(to=None, groups=groups))
        assert answer.status_code == 400
        assert answer.json()["code"] == "400009004"


def test_only_unplaceable_numbers_leave_no_recipients(sandbox_client: httpx.Client) -> None:
    answer = sandbox_client.post("/voice/campaign", json=campaign_body(to=["+80012345678"]))
    assert answer.status_code == 400
    assert answer.json()["code"] == "400009004"


def test_account_contacts_and_groups(sandbox_factory: SandboxFactory) -> None:
    running = sandbox_factory(
        contacts={"c-1": "+306912345671"},
        groups={"All": ["+306912345671", "+306912345672"], "VIP": ["+306912345672"]},
    )
    body = campaign_body(to=["+306912345671"], contacts=["c-1"], groups=["All", "VIP"])
    with bearer_client(running) as client:
        analysis = client.post("/voice/campaign", json=body).json()["voiceAnalysis"]
    assert analysis["numberOfRecipients"] == 2
    assert analysis["contacts"] == {"c-1": {"mobile": "+306912345671", "country": "GR"}}
    assert analysis["recipientsPerGroup"] == {"All": 2, "VIP": 1}
    assert analysis["totalInGroups"] == 2


def test_analysis_needs_no_name_and_creates_nothing(
    sandbox: RunningSandbox, sandbox_client: httpx.Client
) -> None:
    body = campaign_body(name="x", to=["+306912345678", "+80012345678"])
    answer = sandbox_client.post("/voice/analysis", json=body)
    assert answer.status_code == 200
    analysis = answer.json()
    assert analysis["numberOfRecipients"] == 1
    assert analysis["recipientsPerCountry"] == {"GR": 1}
    assert [e["property"] for e in analysis["errors"]] == ["+80012345678"]
    invalid = sandbox_client.post("/voice/analysis", json=campaign_body(**{"from": None}))
    assert invalid.status_code == 400
    assert httpx.get(f"{sandbox.base_url}/_sandbox/campaigns").json() == []


def test_unknown_path_is_404(sandbox_client: httpx.Client) -> None:
    answer = sandbox_client.get("/voice/nothing-here")
    assert answer.status_code == 404
    assert answer.json()["status"] == 404


def test_known_path_with_another_method_is_405(sandbox_client: httpx.Client) -> None:
    # Voice campaigns cannot be edited (Decision 3): there is no PUT, as there is for SMS.
    answer = sandbox_client.put("/voice/campaign/0b6f3c1e-5a4e-4f0e-9d55-7c2f7f0c9a11", json={})
    assert answer.status_code == 405
    assert answer.headers["Allow"] == "DELETE"
    assert answer.json()["error"] == "Method Not Allowed"
    assert sandbox_client.get("/voice/campaign").headers["Allow"] == "POST"
