"""``campaigns init --scaffold`` and ``campaigns schema`` through the real CLI."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner

from reconciler import __version__
from reconciler.cli.main import cli
from reconciler.config import ConfigFile, DeclarationSettings, WorkspaceSettings, load_config
from reconciler.load import load_project
from reconciler.policy.settings import PolicySettings, PriceSettings
from reconciler.schema_export import SCHEMAS, render

ENV = {"ROUTEE_API_URL": None, "CAMPAIGNS_WORKSPACE": None, "CI": ""}
LAID = [
    "campaigns.toml",
    "campaigns/defaults.yaml",
    "campaigns/example.yaml",
    ".gitignore",
    "schema/campaign.schema.json",
    "schema/defaults.schema.json",
    "schema/plan.schema.json",
    "schema/state.schema.json",
    ".github/workflows/plan.yml",
    ".github/workflows/apply.yml",
]
#: A phone number in any spelling: + and at least 7 digits, spaces allowed.
PHONE = re.compile(r"\+\s*\d[\d\s]{6,}")


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), env=ENV)
    return result.exit_code, result.stdout, result.stderr


def files_under(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_scaffold_lays_every_file_and_lists_it(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    code, out, err = run("init", "--scaffold", "--dir", str(tmp_path))
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0] == f"Campaigns repository in {tmp_path} (routee-campaigns {__version__})"
    assert lines[1 : 1 + len(LAID)] == [f"  created    {path}" for path in LAID]
    assert "Next (campaigns help getting-started):" in lines
    assert not any("git init" in line for line in lines)
    assert sorted(p for p in files_under(tmp_path) if not p.startswith(".git/")) == sorted(LAID)
    assert not (tmp_path / "state").exists()  # plain init creates a workspace's state


def test_a_second_run_changes_nothing(tmp_path: Path) -> None:
    assert run("init", "--scaffold", "--dir", str(tmp_path))[0] == 0
    before = files_under(tmp_path)
    code, out, _ = run("init", "--scaffold", "--dir", str(tmp_path))
    assert code == 0
    assert out.splitlines()[1:] == [
        *(f"  unchanged  {path}" for path in LAID),
        "Not in a git repository yet: run `git init` (the workflows and the audit trail, "
        "`campaigns log`, need one).",
        "Nothing to write.",
    ]
    assert files_under(tmp_path) == before


def test_edited_files_are_kept_unless_forced(tmp_path: Path) -> None:
    assert run("init", "--scaffold", "--dir", str(tmp_path))[0] == 0
    toml = tmp_path / "campaigns.toml"
    toml.write_text("[workspaces.production]\nmax_sends = 5\n")
    (tmp_path / ".gitignore").write_text("node_modules/\n.venv/\n")
    (tmp_path / "schema" / "plan.schema.json").unlink()
    code, out, _ = run("init", "--scaffold", "--dir", str(tmp_path))
    assert code == 0
    assert "  kept       campaigns.toml" in out.splitlines()
    assert "  kept       .gitignore  (lacks 6 line(s): .sandbox/, state/sandbox.json, " in out
    assert "  created    schema/plan.schema.json" in out.splitlines()
    assert "2 file(s) differ from what this version writes and were kept as they are" in out
    assert toml.read_text() == "[workspaces.production]\nmax_sends = 5\n"
    code, out, _ = run("init", "--scaffold", "--force", "--dir", str(tmp_path))
    assert code == 0
    assert "  replaced   campaigns.toml" in out.splitlines()
    assert "max_sends = 100" in toml.read_text()
    ignore = (tmp_path / ".gitignore").read_text().splitlines()
    assert ignore[:2] == ["node_modules/", ".venv/"]  # nothing someone wrote is lost
    assert ".sandbox/" in ignore and ignore.count(".venv/") == 1


def test_force_goes_with_scaffold_only(tmp_path: Path) -> None:
    code, _, err = run("init", "--force", "--dir", str(tmp_path))
    assert code == 1
    assert "--force goes with --scaffold" in err
    assert list(tmp_path.iterdir()) == []


def test_a_symbolic_link_is_never_followed(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    project = tmp_path / "project"
    (project / ".github").mkdir(parents=True)
    (project / ".github" / "workflows").symlink_to(outside)
    code, _, err = run("init", "--scaffold", "--dir", str(project))
    assert code == 1
    assert err == (
        f"Error: {project / '.github' / 'workflows'}: is a symbolic link; refusing to follow it\n"
    )
    assert list(outside.iterdir()) == []
    assert not (project / "campaigns.toml").exists()  # checked before anything is written


def test_the_scaffold_validates_and_plans_in_the_sandbox(tmp_path: Path) -> None:
    assert run("init", "--scaffold", "--dir", str(tmp_path))[0] == 0
    result = load_project(load_config(tmp_path))
    assert [str(f) for f in result.findings] == []
    assert [c.id for c in result.campaigns] == ["example-reminder"]
    code, out, err = run("plan", "--sandbox", "--dir", str(tmp_path))
    assert code == 0, err
    assert "+ send example-reminder  campaigns/example.yaml" in out
    (tmp_path / "campaigns" / "example.yaml").unlink()  # defaults.yaml keeps campaigns/ in git
    result = load_project(load_config(tmp_path))
    assert (result.findings, result.campaigns) == ([], [])


def test_campaigns_toml_shows_every_key_with_its_default_and_no_phone_number(
    tmp_path: Path,
) -> None:
    assert run("init", "--scaffold", "--dir", str(tmp_path))[0] == 0
    text = (tmp_path / "campaigns.toml").read_text()
    assert PHONE.search(text) is None
    assert PHONE.search((tmp_path / "campaigns" / "defaults.yaml").read_text()) is None
    example = (tmp_path / "campaigns" / "example.yaml").read_text()
    assert set(PHONE.findall(example)) == {"+12025550100", "+12025550101", "+12025550102"}
    config = load_config(tmp_path)
    assert config.file.workspaces["production"] == WorkspaceSettings(
        api_url="https://connect.routee.net", auth_url="https://auth.routee.net"
    )
    written = {}  # key -> value, commented out or not
    for line in text.splitlines():
        found = re.fullmatch(r"#? ?([a-z_]+) = (.+)", line)
        if found:
            written[found[1]] = found[2]
    expected = set(WorkspaceSettings.model_fields) | set(DeclarationSettings.model_fields)
    expected |= set(PolicySettings.model_fields) | set(PriceSettings.model_fields)
    assert set(written) == expected
    tables = set(re.findall(r"^#? ?\[(\w+)[.\]]", text, flags=re.MULTILINE))
    assert tables == set(ConfigFile.model_fields)  # every table of campaigns.toml is shown
    for key, field in WorkspaceSettings.model_fields.items():
        if key in ("api_url", "auth_url", "canary_to", "canary_from", "policy"):
            continue  # placeholders (there is no default number) and the policy table
        default = "name" if key == "name_key" else field.default  # unset: "name", or doctor's
        assert tomllib.loads(f"v = {written[key]}")["v"] == default, key
    for key in ("on_suppressed", "calling_window", "calling_days", "per_days"):
        default = PolicySettings.model_fields[key].default
        assert tomllib.loads(f"v = {written[key]}")["v"] == default, key


def test_workflows_pin_the_version_that_wrote_them(tmp_path: Path) -> None:
    assert run("init", "--scaffold", "--dir", str(tmp_path))[0] == 0
    _code, out, _ = run("--version")
    assert out == f"campaigns, version {__version__}\n"
    for name in ("plan.yml", "apply.yml"):
        text = (tmp_path / ".github" / "workflows" / name).read_text()
        assert f'version: "{__version__}"' in text
        assert re.search(rf"uses: [\w-]+/[\w-]+@[0-9a-f]{{40}} # v{re.escape(__version__)}\n", text)


def test_schema_writes_the_schemas_of_this_version(tmp_path: Path) -> None:
    out_dir = tmp_path / "editor"
    code, out, _ = run("schema", "--out", str(out_dir))
    assert code == 0
    names = sorted(f"{name}.schema.json" for name in SCHEMAS)
    assert out.splitlines() == [f"wrote      {out_dir / name}" for name in names]
    for name in SCHEMAS:
        written = (out_dir / f"{name}.schema.json").read_text(encoding="utf-8")
        assert written == render(name)
        assert json.loads(written)["$schema"].startswith("https://json-schema.org/")
    (out_dir / "plan.schema.json").write_text("{}")
    code, out, _ = run("schema", "--out", str(out_dir))
    assert f"wrote      {out_dir / 'plan.schema.json'}" in out.splitlines()
    assert f"unchanged  {out_dir / 'campaign.schema.json'}" in out.splitlines()
    assert (out_dir / "plan.schema.json").read_text() == render("plan")


def test_schema_defaults_to_the_project_roots_schema_dir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "campaigns" / "deep").mkdir(parents=True)
    monkeypatch.chdir(tmp_path / "campaigns" / "deep")
    code, _out, err = run("schema")
    assert code == 0
    assert err == f"campaigns: project root {tmp_path.resolve()}\n"
    assert sorted(p.name for p in (tmp_path / "schema").iterdir()) == sorted(
        f"{name}.schema.json" for name in SCHEMAS
    )


def test_schema_never_writes_through_a_linked_schema_dir(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    project = tmp_path / "project"
    (project / "campaigns").mkdir(parents=True)
    (project / "schema").symlink_to(elsewhere)
    code, _, err = run("schema", "--dir", str(project))
    assert code == 1
    assert err == f"Error: {project / 'schema'}: is a symbolic link; refusing to follow it\n"
    assert list(elsewhere.iterdir()) == []
