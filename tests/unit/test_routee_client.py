"""RouteeClient over httpx.MockTransport: auth, error mapping, retries, pagination, secrecy."""

from __future__ import annotations

import base64
import json
import subprocess
import sys
import threading
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from reconciler.errors import CampaignsError, ConfigError
from reconciler.routee.client import Credentials, RouteeClient
from reconciler.routee.errors import (
    AuthFailed,
    InDoubtError,
    NameConflict,
    NotFound,
    NotProcessed,
    NotScheduled,
    NotSent,
    OutcomeUnknown,
    RateLimited,
    RouteeError,
    RouteeRejected,
    ServerError,
    UnexpectedResponse,
    ValidationRejected,
)

API = "https://api.test"
AUTH = "https://auth.test"
APP_ID = "5756a411e4b06a33d50517c7"
SECRET = "vb6QpjCIOG-very-secret"
CREDENTIALS = Credentials(APP_ID, SECRET)
BASIC = base64.b64encode(f"{APP_ID}:{SECRET}".encode()).decode()
BODY = {"from": "306900000000", "to": ["+306912345678"], "message": {"text": "hi"}}

Reply = httpx.Response | Exception | Callable[[httpx.Request], httpx.Response]


class FakeRoutee:
    """A scripted Routee: per (method, path) a queue of replies; the last one repeats."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []
        self.script: dict[tuple[str, str], list[Reply]] = {}
        self.issued = 0
        self.token_replies: list[Reply] = []
        self.expires_in: Any = 3600

    def on(self, method: str, path: str, *replies: Reply) -> FakeRoutee:
        self.script[(method, path)] = list(replies)
        return self

    def calls(self, method: str, path: str) -> list[httpx.Request]:
        return [r for r in self.requests if r.method == method and r.url.path == path]

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if request.url.path == "/oauth/token":
            if self.token_replies:
                return self._play(self.token_replies, request)
            self.issued += 1
            return httpx.Response(
                200,
                json={
                    "access_token": f"token-{self.issued}",
                    "token_type": "bearer",
                    "expires_in": self.expires_in,
                },
            )
        return self._play(self.script[(request.method, request.url.path)], request)

    @staticmethod
    def _play(queue: list[Reply], request: httpx.Request) -> httpx.Response:
        reply = queue.pop(0) if len(queue) > 1 else queue[0]
        if isinstance(reply, Exception):
            raise reply
        if isinstance(reply, httpx.Response):
            return reply
        return reply(request)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def routee() -> FakeRoutee:
    return FakeRoutee()


@pytest.fixture
def sleeps() -> list[float]:
    return []


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def client(routee: FakeRoutee, sleeps: list[float], clock: Clock):
    with RouteeClient(
        API,
        AUTH,
        CREDENTIALS,
        transport=httpx.MockTransport(routee),
        read_retries=3,
        backoff=lambda attempt: 0.1 * attempt,
        sleep=sleeps.append,
        clock=clock,
        page_size=2,
    ) as c:
        yield c


def accepted(name: str = "promo-ABCDEFGH", **extra: Any) -> httpx.Response:
    body = {"trackingId": "t-1", "state": "Scheduled", "campaignName": name, **extra}
    return httpx.Response(200, json=body)


def error(status: int, code: Any = None, message: str = "nope", **extra: Any) -> httpx.Response:
    body: dict[str, Any] = {"developerMessage": message, **extra}
    if code is not None:
        body["code"] = code
    return httpx.Response(status, json=body)


def bearer(request: httpx.Request) -> str:
    return request.headers["Authorization"]


# -- authentication ---------------------------------------------------------------------------


def test_token_is_fetched_with_basic_auth_and_cached(client, routee):
    routee.on("POST", "/voice/analysis", httpx.Response(200, json={"numberOfRecipients": 1}))
    assert client.analyze(BODY) == {"numberOfRecipients": 1}
    client.analyze(BODY)
    [token_call] = routee.calls("POST", "/oauth/token")
    assert token_call.headers["Authorization"] == f"Basic {BASIC}"
    assert token_call.content == b"grant_type=client_credentials"
    assert [bearer(r) for r in routee.calls("POST", "/voice/analysis")] == ["Bearer token-1"] * 2


def test_token_renewed_shortly_before_it_expires(client, routee, clock):
    routee.on("GET", "/voice/tracking/m1", httpx.Response(200, json={"messageId": "m1"}))
    client.message_tracking("m1")
    clock.now += 3600 - 61
    client.message_tracking("m1")
    assert routee.issued == 1
    clock.now += 2
    client.message_tracking("m1")
    assert routee.issued == 2


@pytest.mark.parametrize("status", [401, 403])
def test_refused_token_is_renewed_and_the_submit_repeated_once(client, routee, status):
    routee.on("POST", "/voice/campaign", error(status), accepted())
    result = client.submit_campaign(BODY, "promo-ABCDEFGH")
    assert result.tracking_id == "t-1"
    posts = routee.calls("POST", "/voice/campaign")
    assert [bearer(r) for r in posts] == ["Bearer token-1", "Bearer token-2"]


def test_refused_twice_is_auth_failed_after_exactly_two_posts(client, routee):
    routee.on("POST", "/voice/campaign", error(401, message="Unauthorized"))
    with pytest.raises(AuthFailed) as caught:
        client.submit_campaign(BODY, "promo-ABCDEFGH")
    assert caught.value.status == 401
    assert len(routee.calls("POST", "/voice/campaign")) == 2


@pytest.mark.parametrize(
    "reply",
    [
        httpx.Response(
            401, json={"status": 401, "error": "Unauthorized", "message": "Bad credentials"}
        ),
        httpx.Response(400, json={"error": "unsupported_grant_type", "error_description": "nope"}),
    ],
)
def test_token_endpoint_refusal_is_auth_failed(client, routee, reply):
    routee.token_replies = [reply]
    routee.on("POST", "/voice/campaign", accepted())
    with pytest.raises(AuthFailed, match="ROUTEE_APPLICATION_ID") as caught:
        client.submit_campaign(BODY, "promo-ABCDEFGH")
    assert caught.value.status == reply.status_code
    assert routee.calls("POST", "/voice/campaign") == []


def test_token_type_compared_case_insensitively_and_checked(client, routee):
    routee.token_replies = [httpx.Response(200, json={"access_token": "x", "token_type": "BEARER"})]
    routee.on("GET", "/voice/tracking/m1", httpx.Response(200, json={}))
    assert client.message_tracking("m1") == {}
    routee.token_replies = [httpx.Response(200, json={"access_token": "x", "token_type": "mac"})]
    client._tokens._token = None  # force a fetch
    with pytest.raises(AuthFailed, match="mac"):
        client.message_tracking("m1")


def test_token_outage_before_a_submit_is_not_sent_never_in_doubt(client, routee, sleeps):
    routee.token_replies = [httpx.Response(500, text="boom")]
    routee.on("POST", "/voice/campaign", accepted())
    with pytest.raises(NotSent, match="nothing was sent"):
        client.submit_campaign(BODY, "promo-ABCDEFGH")
    assert len(routee.calls("POST", "/oauth/token")) == 4  # a token fetch is a read: retried
    assert len(sleeps) == 3
    assert routee.calls("POST", "/voice/campaign") == []


def test_one_token_fetch_for_many_threads(client, routee):
    routee.on("GET", "/voice/tracking/m1", httpx.Response(200, json={}))
    threads = [threading.Thread(target=client.message_tracking, args=("m1",)) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=5)
    assert routee.issued == 1
    assert len(routee.calls("GET", "/voice/tracking/m1")) == 8


# -- error mapping ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "code", "kind"),
    [
        (400, "400000000", ValidationRejected),
        (400, 400000000, ValidationRejected),
        (400, "400001009", ValidationRejected),
        (400, 400009004, ValidationRejected),
        (400, "400009002", NotScheduled),
        (400, 400009002, NotScheduled),
        (404, "404009001", NotFound),
        (404, 404002001, NotFound),
        (409, "409009003", NameConflict),
        (409, 409009003, NameConflict),
        (409, "409999999", RouteeRejected),
        (422, None, RouteeRejected),
        (429, None, RateLimited),
        (500, None, ServerError),
        (503, "503000000", ServerError),
    ],
)
def test_status_and_code_map_to_the_tree(client, routee, status, code, kind):
    routee.on("POST", "/voice/campaign", error(status, code, properties={"to": "Invalid"}))
    with pytest.raises(kind) as caught:
        client.submit_campaign(BODY, "promo-ABCDEFGH")
    exc = caught.value
    assert type(exc) is kind
    assert exc.status == status
    assert exc.code == (None if code is None else str(code))
    assert exc.developer_message == "nope"
    assert exc.properties == {"to": "Invalid"}
    assert f"HTTP {status}" in str(exc)
    assert "POST /voice/campaign" in str(exc)


def test_error_fields_and_message(client, routee):
    items = [{"errorCode": "004", "developerMessage": "No recipients"}]
    routee.on(
        "POST",
        "/voice/campaign",
        error(
            400,
            "400000000",
            "Validation Error!",
            properties={"to": "Invalid mobile number"},
            errors=items,
        ),
    )
    with pytest.raises(ValidationRejected) as caught:
        client.submit_campaign(BODY, "promo-ABCDEFGH")
    assert caught.value.errors == items
    assert str(caught.value) == (
        "POST /voice/campaign: HTTP 400 code 400000000: Validation Error! "
        "(to: Invalid mobile number) [1 item error(s)]"
    )


@pytest.mark.parametrize(("status", "kind"), [(502, ServerError), (400, ValidationRejected)])
def test_non_json_error_body(client, routee, status, kind):
    page = "<html><body>\n  <h1>Bad   Gateway</h1></body></html>" + "x" * 500
    routee.on("POST", "/voice/campaign", httpx.Response(status, text=page))
    with pytest.raises(kind) as caught:
        client.submit_campaign(BODY, "promo-ABCDEFGH")
    assert caught.value.code is None
    assert caught.value.developer_message.startswith("<html><body> <h1>Bad Gateway</h1>")
    assert len(caught.value.developer_message) == 200


def test_tree_shape():
    assert issubclass(RouteeError, CampaignsError)
    for kind in (ValidationRejected, NotScheduled, NotFound, NameConflict, AuthFailed):
        assert issubclass(kind, RouteeRejected)
    for retryable in (RateLimited, NotSent):
        assert issubclass(retryable, NotProcessed)
    for doubtful in (ServerError, OutcomeUnknown, UnexpectedResponse):
        assert issubclass(doubtful, InDoubtError)
    assert not issubclass(NotProcessed, InDoubtError)


def test_submit_accepted_without_tracking_id_is_in_doubt(client, routee):
    routee.on("POST", "/voice/campaign", httpx.Response(200, text="OK"))
    with pytest.raises(UnexpectedResponse):
        client.submit_campaign(BODY, "n1")
    routee.on("POST", "/voice/campaign", httpx.Response(200, json={"state": "Queued"}))
    with pytest.raises(UnexpectedResponse, match="may exist"):
        client.submit_campaign(BODY, "n1")


# -- writes are repeated only while not processed ----------------------------------------------


@pytest.mark.parametrize(
    ("reply", "kind"),
    [
        (httpx.Response(500, json={"code": "500000000"}), ServerError),
        (httpx.ReadTimeout("timed out"), OutcomeUnknown),
        (
            httpx.RemoteProtocolError("Server disconnected without sending a response."),
            OutcomeUnknown,
        ),
        (httpx.ReadError("connection reset by peer"), OutcomeUnknown),
        (httpx.WriteTimeout("write timed out"), OutcomeUnknown),
    ],
)
def test_submit_in_doubt_is_sent_exactly_once(client, routee, sleeps, reply, kind):
    routee.on("POST", "/voice/campaign", reply, accepted())
    with pytest.raises(kind):
        client.submit_campaign(BODY, "promo-ABCDEFGH")
    assert len(routee.calls("POST", "/voice/campaign")) == 1
    assert sleeps == []


@pytest.mark.parametrize(
    ("reply", "waited"),
    [
        (httpx.ConnectError("[Errno 111] Connection refused"), 0.1),
        (httpx.ConnectTimeout("connect timed out"), 0.1),
        (httpx.PoolTimeout("no connection"), 0.1),
        (httpx.Response(429, headers={"Retry-After": "3"}), 3.0),
    ],
)
def test_submit_not_processed_is_repeated_after_the_one_backoff(
    client, routee, sleeps, reply, waited
):
    routee.on("POST", "/voice/campaign", reply, accepted())
    assert client.submit_campaign(BODY, "promo-ABCDEFGH").tracking_id == "t-1"
    assert len(routee.calls("POST", "/voice/campaign")) == 2
    assert sleeps == [waited]


def test_submit_still_not_processed_after_the_retries_raises(client, routee, sleeps):
    routee.on("POST", "/voice/campaign", httpx.Response(429))
    with pytest.raises(RateLimited):
        client.submit_campaign(BODY, "promo-ABCDEFGH")
    assert len(routee.calls("POST", "/voice/campaign")) == 4
    assert len(sleeps) == 3


def test_rate_limited_carries_retry_after(client, routee):
    routee.on("POST", "/voice/campaign", httpx.Response(429, headers={"Retry-After": "7"}))
    with pytest.raises(RateLimited) as caught:
        client.submit_campaign(BODY, "n1")
    assert caught.value.retry_after == 7.0


@pytest.mark.parametrize(
    ("reply", "kind"),
    [(httpx.Response(500), ServerError), (httpx.ReadTimeout("t"), OutcomeUnknown)],
)
def test_cancel_is_sent_exactly_once(client, routee, reply, kind):
    routee.on("DELETE", "/voice/campaign/t-1", reply, httpx.Response(200))
    with pytest.raises(kind):
        client.cancel("t-1")
    assert len(routee.calls("DELETE", "/voice/campaign/t-1")) == 1


@pytest.mark.parametrize(
    "reply",
    [httpx.Response(200), httpx.Response(200, json={"trackingId": "t-1"}), httpx.Response(204)],
)
def test_cancel_decides_by_status(client, routee, reply):
    routee.on("DELETE", "/voice/campaign/t-1", reply)
    client.cancel("t-1")
    routee.on("DELETE", "/voice/campaign/t-1", error(400, "400009002"))
    with pytest.raises(NotScheduled):
        client.cancel("t-1")
    routee.on("DELETE", "/voice/campaign/t-1", httpx.Response(404))
    with pytest.raises(NotFound):
        client.cancel("t-1")


def test_ids_cannot_escape_their_path_segment(client, routee):
    routee.on("DELETE", "/voice/campaign/../x?a=1", httpx.Response(200))  # url.path is decoded
    client.cancel("../x?a=1")
    assert routee.requests[-1].url.raw_path == b"/voice/campaign/..%2Fx%3Fa%3D1"


# -- reads are retried ------------------------------------------------------------------------


def test_reads_retried_with_backoff_and_retry_after(client, routee, sleeps):
    routee.on(
        "POST",
        "/voice/analysis",
        httpx.Response(429, headers={"Retry-After": "7"}),
        httpx.Response(503),
        httpx.ConnectError("refused"),
        httpx.Response(200, json={"numberOfRecipients": 3}),
    )
    assert client.analyze(BODY) == {"numberOfRecipients": 3}
    assert len(routee.calls("POST", "/voice/analysis")) == 4
    assert sleeps == [7.0, 0.2, pytest.approx(0.3)]


def test_read_gives_up_after_its_retries(client, routee, sleeps):
    routee.on("GET", "/voice/tracking/m1", httpx.ReadTimeout("t"))
    with pytest.raises(OutcomeUnknown):
        client.message_tracking("m1")
    assert len(routee.calls("GET", "/voice/tracking/m1")) == 4
    assert len(sleeps) == 3


def test_read_rejections_are_not_retried(client, routee, sleeps):
    routee.on("GET", "/voice/tracking/m1", error(404, "404009001"))
    with pytest.raises(NotFound):
        client.message_tracking("m1")
    assert len(routee.calls("GET", "/voice/tracking/m1")) == 1
    assert sleeps == []


def test_huge_retry_after_is_capped(client, routee, sleeps):
    routee.on(
        "POST",
        "/voice/analysis",
        httpx.Response(429, headers={"Retry-After": "86400"}),
        httpx.Response(200, json={}),
    )
    client.analyze(BODY)
    assert sleeps == [60.0]


# -- submit result ----------------------------------------------------------------------------


def test_name_sent_under_name_by_default_and_echo_read_from_campaign_name(client, routee):
    items = [{"code": "400013001", "developerMessage": "bad", "property": "+3000"}]
    routee.on("POST", "/voice/campaign", accepted("promo-ABCDEFGH", errors=items))
    result = client.submit_campaign(BODY, "promo-ABCDEFGH")
    sent = json.loads(routee.calls("POST", "/voice/campaign")[0].content)
    assert client.name_key == "name"
    assert sent == {**BODY, "name": "promo-ABCDEFGH"}
    assert (result.tracking_id, result.state, result.name_echoed) == ("t-1", "Scheduled", True)
    assert result.errors == items
    assert result.raw["campaignName"] == "promo-ABCDEFGH"


def test_name_not_echoed(routee):
    routee.on("POST", "/voice/campaign", accepted("something else"))
    with RouteeClient(
        API, AUTH, CREDENTIALS, transport=httpx.MockTransport(routee), name_key="campaignName"
    ) as c:
        result = c.submit_campaign(BODY, "promo-ABCDEFGH")
    assert result.name_echoed is False
    sent = json.loads(routee.calls("POST", "/voice/campaign")[0].content)
    assert sent["campaignName"] == "promo-ABCDEFGH"
    assert "name" not in sent


def test_name_key_can_be_switched_between_submissions(client, routee):
    routee.on("POST", "/voice/campaign", accepted("a-name"), accepted("a-name"))
    client.submit_campaign(BODY, "a-name")
    client.name_key = "campaignName"
    assert client.submit_campaign(BODY, "a-name").name_echoed is True
    first, second = (json.loads(c.content) for c in routee.calls("POST", "/voice/campaign"))
    assert (first.get("name"), first.get("campaignName")) == ("a-name", None)
    assert (second.get("name"), second.get("campaignName")) == (None, "a-name")


# -- pagination -------------------------------------------------------------------------------


def page(items: list[int], last: bool, **extra: Any) -> httpx.Response:
    return httpx.Response(
        200, json={"content": [{"messageId": i} for i in items], "last": last, **extra}
    )


def test_campaign_tracking_follows_pages(client, routee):
    routee.on(
        "GET",
        "/voice/tracking/campaign/t-1",
        page([1, 2], False),
        page([3, 4], False),
        page([5], True),
    )
    assert [m["messageId"] for m in client.campaign_tracking("t-1")] == [1, 2, 3, 4, 5]
    params = [dict(r.url.params) for r in routee.calls("GET", "/voice/tracking/campaign/t-1")]
    assert params == [{"page": str(n), "size": "2"} for n in range(3)]


def test_search_by_name_body_and_total_pages(client, routee):
    def by_total(request: httpx.Request) -> httpx.Response:
        number = int(request.url.params["page"])
        return httpx.Response(200, json={"content": [{"messageId": number}], "totalPages": 2})

    routee.on("POST", "/voice/tracking", by_total)
    assert client.search_by_campaign_name("promo-X") == [{"messageId": 0}, {"messageId": 1}]
    bodies = [json.loads(r.content) for r in routee.calls("POST", "/voice/tracking")]
    assert (
        bodies == [[{"fieldName": "campaign", "searchOperator": "is", "searchTerm": "promo-X"}]] * 2
    )


def test_pages_without_markers_end_on_a_short_page(client, routee):
    full = httpx.Response(200, json={"content": [{"messageId": 1}, {"messageId": 2}]})
    short = httpx.Response(200, json={"content": [{"messageId": 3}]})
    routee.on("GET", "/voice/tracking/campaign/t-1", full, short)
    assert len(client.campaign_tracking("t-1")) == 3
    assert len(routee.calls("GET", "/voice/tracking/campaign/t-1")) == 2


def test_malformed_page_is_unexpected(client, routee, sleeps):
    routee.on("GET", "/voice/tracking/campaign/t-1", httpx.Response(200, json={"items": []}))
    with pytest.raises(UnexpectedResponse):
        client.campaign_tracking("t-1")
    assert sleeps == []


# -- secrecy ----------------------------------------------------------------------------------


def test_secrets_never_shown(client, routee):
    echo = f"Authorization: Basic {BASIC}; secret={SECRET}; id={APP_ID}; bearer token-1"
    routee.on("POST", "/voice/campaign", httpx.Response(400, text=echo))
    with pytest.raises(ValidationRejected) as caught:
        client.submit_campaign(BODY, "n1")
    shown = [str(caught.value), repr(caught.value), caught.value.developer_message]
    shown += [repr(CREDENTIALS), str(CREDENTIALS), repr(client), repr(client._tokens)]
    for text in shown:
        for secret in (SECRET, BASIC, APP_ID, "token-1"):
            assert secret not in text
    assert "***17c7" in repr(CREDENTIALS)


def test_secrets_absent_from_logs(client, routee, caplog):
    caplog.set_level("DEBUG")
    routee.on("POST", "/voice/campaign", error(401), httpx.ReadTimeout("t"))
    with pytest.raises(OutcomeUnknown):
        client.submit_campaign(BODY, "n1")
    assert caplog.records
    for secret in (SECRET, BASIC, APP_ID, "token-1", "token-2"):
        assert secret not in caplog.text


# -- construction -----------------------------------------------------------------------------


def test_credentials_from_env():
    env = {"ROUTEE_APPLICATION_ID": "a", "ROUTEE_APPLICATION_SECRET": "b"}
    assert Credentials.from_env(env) == Credentials("a", "b")
    with pytest.raises(ConfigError, match=r"^ROUTEE_APPLICATION_SECRET not set"):
        Credentials.from_env({"ROUTEE_APPLICATION_ID": "a", "ROUTEE_APPLICATION_SECRET": ""})
    with pytest.raises(ConfigError, match="ROUTEE_APPLICATION_ID and ROUTEE_APPLICATION_SECRET"):
        Credentials.from_env({})


@pytest.mark.parametrize("url", ["ftp://x", "not a url", "https://", "https://a\x00b"])
def test_bad_endpoint_is_a_config_error(url):
    with pytest.raises(ConfigError, match="api_url"):
        RouteeClient(url, AUTH, CREDENTIALS)


def test_errors_module_does_not_import_httpx():
    code = "import sys, reconciler.routee.errors; assert 'httpx' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True, timeout=30)


def test_retry_after_http_date():
    from reconciler.routee.wire import retry_after_seconds

    assert retry_after_seconds("Wed, 21 Oct 2015 07:28:10 GMT", now=1445412480.0) == 10.0
    assert retry_after_seconds("soon") is None
    assert retry_after_seconds(None) is None
    assert retry_after_seconds("-5") == 0.0


# -- edges ------------------------------------------------------------------------------------


def test_exponential_backoff_doubles_with_jitter_and_caps():
    from reconciler.routee.retry import exponential_backoff

    for attempt, ceiling in ((1, 0.5), (2, 1.0), (3, 2.0), (10, 30.0), (5000, 30.0)):
        delay = exponential_backoff(attempt)
        assert ceiling / 2 <= delay <= ceiling


def test_short_application_id_fully_hidden():
    assert (
        repr(Credentials("abc", "s"))
        == "Credentials(application_id='***', application_secret='***')"
    )


@pytest.mark.parametrize(
    ("reply", "kind"),
    [
        (httpx.Response(200, json={"token_type": "bearer"}), NotSent),
        (httpx.Response(429), RateLimited),
    ],
)
def test_token_answer_problems(client, routee, reply, kind):
    routee.token_replies = [reply]
    routee.on("POST", "/voice/campaign", accepted())
    with pytest.raises(kind):
        client.submit_campaign(BODY, "n1")
    assert routee.calls("POST", "/voice/campaign") == []


@pytest.mark.parametrize("expires_in", [True, "soon", None, "120", [60], {"s": 60}])
def test_odd_expires_in_is_tolerated(client, routee, expires_in):
    routee.expires_in = expires_in
    routee.on("GET", "/voice/tracking/m1", httpx.Response(200, json={}))
    client.message_tracking("m1")
    client.message_tracking("m1")
    assert routee.issued == 1


def test_unpaged_list_and_bad_records(client, routee):
    routee.on("POST", "/voice/tracking", httpx.Response(200, json=[{"messageId": 1}]))
    assert client.search_by_campaign_name("x") == [{"messageId": 1}]
    routee.on("POST", "/voice/tracking", httpx.Response(200, json={"content": [1], "last": True}))
    with pytest.raises(UnexpectedResponse, match="not an object"):
        client.search_by_campaign_name("x")


def test_endless_pages_are_bounded(client, routee, monkeypatch):
    monkeypatch.setattr("reconciler.routee.tracking.MAX_PAGES", 3)
    routee.on("GET", "/voice/tracking/campaign/t-1", page([1, 2], False))
    with pytest.raises(UnexpectedResponse, match="more than 3 pages"):
        client.campaign_tracking("t-1")


def test_non_object_answers(client, routee):
    routee.on("POST", "/voice/analysis", httpx.Response(200, json=[1]))
    with pytest.raises(UnexpectedResponse, match="not a JSON object"):
        client.analyze(BODY)
    routee.on("POST", "/voice/campaign", httpx.Response(400, json=["odd"]))
    with pytest.raises(ValidationRejected, match="odd"):
        client.submit_campaign(BODY, "n1")


def test_unsendable_request_is_a_plain_routee_error(client, routee):
    routee.on("GET", "/voice/tracking/m1", httpx.UnsupportedProtocol("no"))
    with pytest.raises(RouteeError, match="cannot send") as caught:
        client.message_tracking("m1")
    assert type(caught.value) is RouteeError


def test_secret_echoed_in_properties_is_blanked(client, routee):
    routee.on("POST", "/voice/campaign", error(400, "400000000", properties={"auth": SECRET}))
    with pytest.raises(ValidationRejected) as caught:
        client.submit_campaign(BODY, "n1")
    assert SECRET not in str(caught.value)
    assert caught.value.properties == {"auth": "***"}  # blanked where it was, the rest kept


def test_scope_is_sent_when_configured(routee):
    routee.on("GET", "/voice/tracking/m1", httpx.Response(200, json={}))
    transport = httpx.MockTransport(routee)
    with RouteeClient(API, AUTH, CREDENTIALS, transport=transport, scope="voice") as c:
        c.message_tracking("m1")
    assert routee.calls("POST", "/oauth/token")[0].content == (
        b"grant_type=client_credentials&scope=voice"
    )
