"""``campaigns plan`` through the real CLI: every exit code, the formats and --out."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
from pathlib import Path

import jsonschema
from click.testing import CliRunner

from reconciler.cli.main import cli
from reconciler.models.state import CampaignRecord, Submission
from reconciler.render.markdown import MARKER
from reconciler.state.store import load_state, write_state
from reconciler.usecases.plan_file import read_plan

PLAN_SCHEMA = json.loads(
    (Path(__file__).resolve().parents[2] / "schema" / "plan.schema.json").read_text()
)
ENV = {"ROUTEE_API_URL": "http://127.0.0.1:9", "CAMPAIGNS_WORKSPACE": None}
DECLARATION = """\
id: spring
campaignName: Spring promo
from: "+306900000000"
to: ["+306912345678", "+306912345679"]
message: {text: "Hello", language: en-GB, gender: female}
scheduledDate: "2030-03-01T09:00:00.000Z"
respectQuietHours: true
"""


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), env=ENV)
    return result.exit_code, result.stdout, result.stderr


def project(tmp_path: Path, declaration: str = DECLARATION, init: bool = True) -> str:
    (tmp_path / "campaigns").mkdir()
    (tmp_path / "campaigns" / "spring.yaml").write_text(declaration)
    if init:
        assert run("init", "--dir", str(tmp_path))[0] == 0
    return str(tmp_path)


def test_changes_exit_0_and_2_with_detailed_exitcode(tmp_path: Path) -> None:
    root = project(tmp_path)
    code, out, err = run("plan", "--dir", root)
    # stderr holds only the seal note (no CAMPAIGNS_STATE_KEY here; campaigns help security)
    assert (code, err) == (
        0,
        f"{tmp_path / 'state' / 'default.json'}: not sealed "
        "(CAMPAIGNS_STATE_KEY is not set here)\n",
    )
    assert "+ send spring  campaigns/spring.yaml:1:1" in out
    assert out.endswith("\nPlan: 1 to send, 0 to replace, 0 to cancel, 0 to forget.\n")
    assert "\x1b[" not in out
    assert run("plan", "--dir", root, "--detailed-exitcode")[0] == 2


def test_no_changes_exit_0_even_with_detailed_exitcode(tmp_path: Path) -> None:
    root = project(tmp_path)
    (tmp_path / "campaigns" / "spring.yaml").unlink()
    code, out, _ = run("plan", "--dir", root, "--detailed-exitcode")
    assert code == 0
    assert out.endswith("\nNo changes. 0 campaigns up to date.\n")


def test_missing_state_exit_1_names_init(tmp_path: Path) -> None:
    root = project(tmp_path, init=False)
    code, out, err = run("plan", "--dir", root)
    assert (code, out) == (1, "")
    assert err.startswith("Error: ") and "campaigns init --workspace default" in err


def test_invalid_declarations_exit_1_with_locations(tmp_path: Path) -> None:
    root = project(tmp_path, DECLARATION + "respectQuiteHours: true\n")
    code, out, err = run("plan", "--dir", root)
    assert (code, out) == (1, "")
    assert err.splitlines()[0].startswith("campaigns/spring.yaml:8:1: ")
    assert err.splitlines()[-1] == "1 problem in 1 file: no plan was made"


def test_plan_errors_exit_1_and_are_shown(tmp_path: Path) -> None:
    root = project(tmp_path)
    path = tmp_path / "state" / "default.json"
    state = load_state(path)
    state.campaigns["spring"] = CampaignRecord(
        id="spring",
        submissions=[
            Submission(
                seq=1,
                revision=1,
                submission_name="Spring promo-aaaaaaaa",
                tracking_id="t-1",
                spec_hash="sha256:old",
                decl_hash="sha256:old",
                request={"to": ["+306912345678"]},
                submitted_at="2026-01-01T00:00:00Z",
                state="Sent",
            )
        ],
    )
    write_state(path, state)
    code, out, _ = run("plan", "--dir", root, "--out", str(tmp_path / "plan.json"))
    assert code == 1
    assert (
        "campaigns/spring.yaml:1:1: spring changed after it was sent as Spring promo-aaaaaaaa "
        "(state Sent): revert the change, or set revision to 2 to send it again" in out
    )
    assert (
        "The plan has 1 error: apply skips that campaign until fixed; the others are applied."
        in out
    )
    assert not (tmp_path / "plan.json").exists()


def test_out_json_and_markdown(tmp_path: Path) -> None:
    root = project(tmp_path)
    saved = tmp_path / "plan.json"
    code, out, err = run("plan", "--dir", root, "--format", "json", "--out", str(saved))
    assert code == 0
    printed = json.loads(out)
    assert printed["actions"][0]["action"] == "send"
    assert printed == json.loads(saved.read_text())
    validator = jsonschema.Draft202012Validator(PLAN_SCHEMA)
    assert [e.message for e in validator.iter_errors(printed)] == []
    assert (printed["formatVersion"], printed["serial"]) == (1, 0)
    assert printed["checksum"].startswith("sha256:") and printed["lineage"]
    assert (read_plan(saved).actions[0].submission_name or "").startswith("Spring promo-")
    assert f"Saved the plan to {saved}: apply it with `campaigns apply --dir {root} {saved}`" in err
    code, out, _ = run("plan", "--dir", root, "--format", "markdown")
    assert code == 0 and out.startswith(MARKER + "\n")
    assert "+306912345678" not in out


def test_guards_are_reported_without_changing_the_exit_code(tmp_path: Path) -> None:
    root = project(tmp_path)
    (tmp_path / "campaigns.toml").write_text("[workspaces.default]\nmax_recipients = 1\n")
    code, out, _ = run("plan", "--dir", root)
    assert code == 0
    assert "recipients: 2 (limit 1) - over the limit: apply needs --allow-recipients 2" in out


def on_a_terminal(root: str, *args: str, env: dict[str, str] | None = None) -> str:
    """``campaigns plan`` with stdout on a pseudo-terminal, as a user at a shell runs it."""
    main, child = pty.openpty()
    environ = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "CAMPAIGNS_WORKSPACE")}
    environ.update({"ROUTEE_API_URL": "http://127.0.0.1:9", **(env or {})})
    script = "from reconciler.cli.main import cli; cli()"
    done = subprocess.run(
        [sys.executable, "-c", script, "plan", "--dir", root, *args],
        stdout=child,
        stderr=subprocess.PIPE,
        env=environ,
        check=False,
        timeout=60,
    )
    os.close(child)
    chunks = []
    while True:
        try:
            chunk = os.read(main, 65536)
        except OSError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(main)
    assert done.returncode == 0, done.stderr
    return b"".join(chunks).decode()


def test_colour_only_on_a_terminal_without_no_color(tmp_path: Path) -> None:
    root = project(tmp_path)
    coloured = on_a_terminal(root)
    assert "\x1b[32m\x1b[1m+ send spring\x1b[0m" in coloured
    assert "\x1b[" not in on_a_terminal(root, "--no-color")
    assert "\x1b[" not in on_a_terminal(root, env={"NO_COLOR": "1"})


def test_the_saved_plan_message_names_the_sandbox_workspace(tmp_path: Path) -> None:
    root = project(tmp_path, init=False)
    saved = tmp_path / "plan.json"
    code, _, err = run("plan", "--dir", root, "--sandbox", "--out", str(saved))
    assert code == 0, err
    assert f"apply it with `campaigns apply --dir {root} --sandbox {saved}`" in err


def test_log_of_the_sandbox_says_it_is_not_in_git(tmp_path: Path) -> None:
    root = project(tmp_path, init=False)
    result = CliRunner().invoke(cli, ["log", "--dir", root, "--sandbox"], env=ENV)
    assert result.exit_code == 1
    assert "state/sandbox.json is git-ignored (the sandbox is local)" in result.output
    assert "campaigns init" not in result.output
