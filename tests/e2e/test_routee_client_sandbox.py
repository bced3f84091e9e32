"""RouteeClient against the sandbox over real loopback sockets: the lifecycle and every fault."""

from __future__ import annotations

import contextlib
import socket
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from reconciler.routee.client import Credentials, RouteeClient
from reconciler.routee.errors import (
    AuthFailed,
    InDoubtError,
    NameConflict,
    NotFound,
    NotScheduled,
    NotSent,
    OutcomeUnknown,
    RateLimited,
    ServerError,
    ValidationRejected,
)

pytestmark = pytest.mark.slow

SANDBOX_CREDENTIALS = Credentials("sandbox", "sandbox")
TO = ["+306912345678", "+447123123456"]


class Controls:
    """The sandbox's ``/_sandbox/`` switches, over plain httpx."""

    def __init__(self, base_url: str) -> None:
        self.http = httpx.Client(base_url=base_url, timeout=5)

    def now(self) -> datetime:
        stamp = self.http.get("/_sandbox/clock").json()["now"]
        return datetime.fromisoformat(stamp.replace("Z", "+00:00"))

    def advance(self, seconds: float) -> None:
        self.http.post("/_sandbox/clock", json={"advanceSeconds": seconds}).raise_for_status()

    def faults(self, **rates: float) -> None:
        self.http.post("/_sandbox/faults", json=rates).raise_for_status()

    def campaign_names(self) -> list[str]:
        listing = self.http.get("/_sandbox/campaigns").json()
        records = listing["campaigns"] if isinstance(listing, dict) else listing
        return [record["campaignName"] for record in records]


@pytest.fixture
def controls(sandbox: Any) -> Iterator[Controls]:
    controls = Controls(sandbox.base_url)
    yield controls
    controls.http.post("/_sandbox/reset-faults", json={})
    controls.http.close()


@pytest.fixture
def client(sandbox: Any) -> Iterator[RouteeClient]:
    with RouteeClient(
        sandbox.base_url,
        sandbox.base_url,
        SANDBOX_CREDENTIALS,
        timeout=5,
        read_retries=2,
        sleep=lambda _s: None,
    ) as client:
        yield client


def campaign(controls: Controls, *, hours_ahead: float = 1) -> dict[str, Any]:
    when = (controls.now() + timedelta(hours=hours_ahead)).astimezone(UTC)
    return {
        "from": "306900000000",
        "to": TO,
        "message": {
            "text": "Your appointment is tomorrow",
            "language": "en-GB",
            "gender": "female",
        },
        "scheduledDate": when.strftime("%Y-%m-%dT%H:%M:%SZ"),
    }


def test_lifecycle(client, controls):
    body = campaign(controls)
    analysis = client.analyze({key: body[key] for key in ("from", "to", "message")})
    assert analysis["numberOfRecipients"] == 2

    result = client.submit_campaign(body, "life-AAAA")
    assert (result.state, result.name_echoed, result.errors) == ("Scheduled", True, [])
    with pytest.raises(NameConflict) as conflict:
        client.submit_campaign(body, "life-AAAA")
    assert conflict.value.code == "409009003"
    assert client.search_by_campaign_name("life-AAAA") == []  # scheduled: no messages yet

    cancelled = client.submit_campaign(campaign(controls), "life-BBBB")
    client.cancel(cancelled.tracking_id)

    controls.advance(2 * 3600)
    with pytest.raises(NotScheduled) as late:
        client.cancel(result.tracking_id)
    assert late.value.code == "400009002"
    messages = client.campaign_tracking(result.tracking_id)
    assert sorted(m["to"] for m in messages) == sorted(TO)
    found = client.search_by_campaign_name("life-AAAA")
    assert sorted(m["messageId"] for m in found) == sorted(m["messageId"] for m in messages)
    one = client.message_tracking(messages[0]["messageId"])
    assert one["messageId"] == messages[0]["messageId"]


def test_not_found_and_validation(client, controls):
    with pytest.raises(NotFound):
        client.cancel("00000000-0000-4000-8000-000000000000")
    bad = {**campaign(controls), "to": ["0030 not a number"]}
    with pytest.raises(ValidationRejected) as caught:
        client.submit_campaign(bad, "bad-CCCC")
    assert caught.value.code == "400000000"
    assert "to" in caught.value.properties


def test_wrong_credentials(sandbox):
    with (
        RouteeClient(
            sandbox.base_url, sandbox.base_url, Credentials("sandbox", "wrong-secret")
        ) as c,
        pytest.raises(AuthFailed) as caught,
    ):
        c.message_tracking("x")
    assert "wrong-secret" not in str(caught.value)


def test_lost_response_is_outcome_unknown_yet_the_campaign_exists(client, controls):
    controls.faults(lose_response_rate=1.0)
    with pytest.raises(OutcomeUnknown):
        client.submit_campaign(campaign(controls), "lost-DDDD")
    controls.faults(lose_response_rate=0.0)
    assert "lost-DDDD" in controls.campaign_names()
    with pytest.raises(NameConflict):  # the re-send under the same name settles it
        client.submit_campaign(campaign(controls), "lost-DDDD")


def test_reset_is_in_doubt_or_not_sent_and_nothing_is_created(client, controls):
    controls.faults(reset_rate=1.0)
    with pytest.raises((InDoubtError, NotSent)):
        client.submit_campaign(campaign(controls), "reset-EEEE")
    controls.faults(reset_rate=0.0)
    assert "reset-EEEE" not in controls.campaign_names()


@pytest.mark.parametrize(
    ("fault", "kind"), [("error_rate", ServerError), ("rate_limit_rate", RateLimited)]
)
def test_server_error_and_rate_limit(client, controls, fault, kind):
    controls.faults(**{fault: 1.0})
    with pytest.raises(kind):
        client.submit_campaign(campaign(controls), "fault-FFFF")
    controls.faults(**{fault: 0.0})
    assert "fault-FFFF" not in controls.campaign_names()


def test_connection_refused_is_not_sent_and_reads_retry():
    with socket.socket() as probe:  # a port that was free a moment ago: nothing listens there
        probe.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{probe.getsockname()[1]}"
    sleeps: list[float] = []
    with RouteeClient(url, url, SANDBOX_CREDENTIALS, read_retries=2, sleep=sleeps.append) as c:
        with pytest.raises(NotSent):
            c.submit_campaign({"from": "3069"}, "refused-GGGG")
        assert len(sleeps) == 2  # the token fetch, a read, was retried; the POST never went
        sleeps.clear()
        with pytest.raises(NotSent):
            c.message_tracking("m1")
        assert len(sleeps) == 2


def test_restart_keeps_the_data_and_the_client_renews_its_token(sandbox_factory, tmp_path):
    data_dir = tmp_path / "restarting"
    first = sandbox_factory(data_dir=data_dir)
    url, port = first.base_url, first.port
    controls = Controls(url)
    client = RouteeClient(url, url, SANDBOX_CREDENTIALS, timeout=5, sleep=lambda _s: None)
    with client, contextlib.closing(controls.http):
        accepted = client.submit_campaign(campaign(controls), "restart-HHHH")
        first.close()
        second = sandbox_factory(data_dir=data_dir, port=port)  # same URL for the client
        # Its cached token died with the first process: 401, one renewal, then the answer.
        with pytest.raises(NameConflict):
            client.submit_campaign(campaign(controls), "restart-HHHH")
        controls.advance(2 * 3600)
        messages = client.campaign_tracking(accepted.tracking_id)
    assert second.account_id == first.account_id
    assert sorted(m["to"] for m in messages) == sorted(TO)
