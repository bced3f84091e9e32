"""Token endpoint and bearer checks of the sandbox (routee-voice-api.md sections 3 and 12)."""

from __future__ import annotations

import uuid

import httpx

from reconciler.sandbox.server import RunningSandbox
from tests.e2e.conftest import SandboxFactory, bearer_client, campaign_body

GRANT = {"grant_type": "client_credentials"}


def test_token_is_issued_for_good_credentials(sandbox: RunningSandbox) -> None:
    with httpx.Client(base_url=sandbox.base_url) as client:
        answer = client.post("/oauth/token", auth=("sandbox", "sandbox"), data=GRANT)
    assert answer.status_code == 200
    token = answer.json()
    assert uuid.UUID(token["access_token"])
    assert token["token_type"] == "bearer"
    assert token["expires_in"] == 3600
    assert "voice" in token["scope"].split(" ")
    assert "MT_ROLE_VOICE" in token["permissions"]


def test_bad_credentials_get_spring_401(sandbox: RunningSandbox) -> None:
    with httpx.Client(base_url=sandbox.base_url) as client:
        answer = client.post("/oauth/token", auth=("sandbox", "wrong"), data=GRANT)
    assert answer.status_code == 401
    body = answer.json()
    assert body["status"] == 401
    assert body["error"] == "Unauthorized"
    assert body["message"] == "Bad credentials"
    assert body["path"] == "/oauth/token"
    assert set(body) == {"timestamp", "status", "error", "message", "path"}


def test_bad_grant_gets_oauth_400(sandbox: RunningSandbox) -> None:
    with httpx.Client(base_url=sandbox.base_url) as client:
        answer = client.post(
            "/oauth/token", auth=("sandbox", "sandbox"), data={"grant_type": "password"}
        )
    assert answer.status_code == 400
    assert answer.json() == {
        "error": "unsupported_grant_type",
        "error_description": "Unsupported grant type: password",
    }


def test_api_without_token_is_401(sandbox: RunningSandbox) -> None:
    with httpx.Client(base_url=sandbox.base_url) as client:
        missing = client.post("/voice/campaign", json=campaign_body())
        forged = client.post(
            "/voice/campaign",
            json=campaign_body(),
            headers={"Authorization": f"Bearer {uuid.uuid4()}"},
        )
        listed = client.get("/_sandbox/campaigns").json()
    for answer in (missing, forged):
        assert answer.status_code == 401
        assert answer.json()["status"] == 401
        assert answer.json()["message"]
    assert listed == []


def test_expired_token_is_401(sandbox_factory: SandboxFactory) -> None:
    running = sandbox_factory(token_ttl=0)
    with bearer_client(running) as client:
        answer = client.post("/voice/analysis", json=campaign_body())
    assert answer.status_code == 401


def test_token_without_voice_scope_is_403(sandbox: RunningSandbox) -> None:
    with httpx.Client(base_url=sandbox.base_url) as client:
        token = client.post(
            "/oauth/token", auth=("sandbox", "sandbox"), data={**GRANT, "scope": "sms"}
        ).json()
        answer = client.post(
            "/voice/analysis",
            json=campaign_body(),
            headers={"Authorization": f"Bearer {token['access_token']}"},
        )
    assert token["scope"] == "sms"
    assert answer.status_code == 403


def test_custom_credentials(sandbox_factory: SandboxFactory) -> None:
    running = sandbox_factory(application_id="app", application_secret="s3cret")
    with httpx.Client(base_url=running.base_url) as client:
        good = client.post("/oauth/token", auth=("app", "s3cret"), data=GRANT)
        default = client.post("/oauth/token", auth=("sandbox", "sandbox"), data=GRANT)
    assert good.status_code == 200
    assert default.status_code == 401
