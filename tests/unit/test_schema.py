"""The checked-in JSON Schemas are current, and the example declarations satisfy them."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from ruamel.yaml import YAML

from reconciler.models.declaration import Declaration
from reconciler.models.plan import Plan
from reconciler.models.state import State
from reconciler.render import RENDERERS, RenderOptions
from reconciler.schema_export import SCHEMAS, main, render, schema_for
from tests.unit.test_render_golden import every_kind_plan

ROOT = Path(__file__).resolve().parents[2]
SCHEMA_DIR = ROOT / "schema"
EXAMPLES = sorted((ROOT / "campaigns").rglob("*.yaml"))


def test_registry_names_the_three_documents() -> None:
    assert SCHEMAS["campaign"] is Declaration
    assert SCHEMAS["state"] is State
    assert SCHEMAS["plan"] is Plan


@pytest.mark.parametrize("name", sorted(SCHEMAS))
def test_checked_in_schema_is_current(name: str) -> None:
    path = SCHEMA_DIR / f"{name}.schema.json"
    assert path.read_text(encoding="utf-8") == render(name), f"{path} is stale: run `make schema`"


def test_main_writes_every_schema(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 1
    assert capsys.readouterr().err == "usage: python -m reconciler.schema_export DIR\n"
    assert main([str(tmp_path)]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(f"{n}.schema.json" for n in SCHEMAS)


def _documents(path: Path) -> list[Any]:
    return [d for d in YAML(typ="safe").load_all(path.read_text(encoding="utf-8")) if d is not None]


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_examples_match_the_schema(path: Path) -> None:
    name = "defaults" if path.name == "defaults.yaml" else "campaign"
    modeline = f"# yaml-language-server: $schema=../schema/{name}.schema.json"
    assert path.read_text(encoding="utf-8").startswith(modeline)
    validator = jsonschema.Draft202012Validator(schema_for(name))
    documents = _documents(path)
    assert documents
    for document in documents:
        assert [e.message for e in validator.iter_errors(document)] == []


def test_campaign_schema_refuses_unknown_keys_and_both_contents() -> None:
    validator = jsonschema.Draft202012Validator(schema_for("campaign"))
    base = {"id": "a", "to": ["+306910000001"], "message": {"text": "hi"}}
    assert list(validator.iter_errors(base)) == []
    assert not validator.is_valid({**base, "respectQuiteHours": True})
    assert not validator.is_valid({**base, "fileURL": "https://cdn.example.com/a.wav"})
    assert not validator.is_valid({key: value for key, value in base.items() if key != "id"})
    assert not validator.is_valid({**base, "scheduledDate": "2027-03-01 09:00"})


def test_real_plan_output_matches_the_plan_schema() -> None:
    out = io.StringIO()
    RENDERERS["json"](every_kind_plan(), out, RenderOptions())
    document = json.loads(out.getvalue())
    kinds = {action["action"] for action in document["actions"]}
    assert kinds == {"resolve", "cancel", "replace", "send", "resend", "forget", "no-op"}
    validator = jsonschema.Draft202012Validator(schema_for("plan"))
    assert [e.message for e in validator.iter_errors(document)] == []
    assert not validator.is_valid({**document, "actions": [{"id": "a", "action": "explode"}]})
    assert not validator.is_valid({k: v for k, v in document.items() if k != "lineage"})
    assert not validator.is_valid({**document, "formatVersion": 2})


def test_the_plan_schema_holds_each_kind_to_its_own_keys() -> None:
    out = io.StringIO()
    RENDERERS["json"](every_kind_plan(), out, RenderOptions())
    document = json.loads(out.getvalue())
    validator = jsonschema.Draft202012Validator(schema_for("plan"))
    by_kind = {action["action"]: action for action in document["actions"]}

    def with_action(action: dict[str, Any]) -> dict[str, Any]:
        return {**document, "actions": [action]}

    assert validator.is_valid(with_action(by_kind["send"]))
    assert not validator.is_valid(with_action({**by_kind["send"], "request": None}))
    assert not validator.is_valid(with_action({**by_kind["send"], "trackingId": "t-1"}))
    assert not validator.is_valid(with_action({**by_kind["forget"], "request": {"to": []}}))
    assert not validator.is_valid(with_action({**by_kind["cancel"], "trackingId": None}))
    assert not validator.is_valid(with_action({**by_kind["resolve"], "journalKey": None}))
