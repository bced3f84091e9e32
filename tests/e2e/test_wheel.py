"""The wheel is the product: installed outside the source tree, it sets up and runs a campaigns
repository of its own, with its schemas, manual and workflow templates from the wheel alone."""

from __future__ import annotations

import importlib.resources
import json
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from ruamel.yaml import YAML

from reconciler import __version__
from reconciler.scaffold.content import Release, scaffold_files
from tests.e2e.installed import ROOT, Toolbox, source_commit

pytestmark = pytest.mark.slow
#: What the source tree's scaffold lays; the installed one must lay the same files.
SCAFFOLDED = [file.path for file in scaffold_files(Release.current())]


class Installed:
    """A virtualenv holding the wheel, and a way to run its ``campaigns`` anywhere."""

    def __init__(self, venv: Path, env: dict[str, str]) -> None:
        self.venv = venv
        self.env = {**env, "PATH": f"{venv / 'bin'}{os.pathsep}{env['PATH']}"}

    def run(self, *argv: str, cwd: Path, code: int = 0) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(
            argv, cwd=cwd, env=self.env, capture_output=True, text=True, timeout=120, check=False
        )
        assert result.returncode == code, f"{argv}: {result.stdout}{result.stderr}"
        return result

    def campaigns(self, *args: str, cwd: Path, code: int = 0) -> subprocess.CompletedProcess[str]:
        return self.run("campaigns", *args, cwd=cwd, code=code)


@pytest.fixture(scope="module")
def installed(installable: Toolbox, tmp_path_factory: pytest.TempPathFactory) -> Installed:
    work = tmp_path_factory.mktemp("installed")
    venv = work / "venv"
    env = installable.env
    for argv in (
        ["python3", "-m", "venv", str(venv)],
        [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet",
         f"routee-campaigns=={__version__}"],
    ):  # fmt: skip
        subprocess.run(argv, cwd=work, env=env, check=True, capture_output=True, timeout=300)
    return Installed(venv, env)


def wheel_text(wheel: Path, name: str) -> str:
    with zipfile.ZipFile(wheel) as archive:
        return archive.read(name).decode("utf-8")


def vendored(name: str) -> dict[str, Any]:
    vendor = importlib.resources.files("check_jsonschema.builtin_schemas.vendor")
    schema = json.loads((vendor / name).read_text(encoding="utf-8"))
    assert isinstance(schema, dict)
    return schema


def files_under(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in root.rglob("*")
        if p.is_file() and ".git" not in p.relative_to(root).parts
    }


def test_the_installed_tool_runs_from_the_wheel_not_the_source_tree(
    installed: Installed, installable: Toolbox, tmp_path: Path
) -> None:
    where = installed.run(
        "python", "-c", "import reconciler; print(reconciler.__file__)", cwd=tmp_path
    ).stdout.strip()
    assert Path(where).is_relative_to(installed.venv)
    assert not Path(where).is_relative_to(ROOT)
    assert installed.campaigns("--version", cwd=tmp_path).stdout == (
        f"campaigns, version {__version__}\n"
    )
    names = zipfile.ZipFile(installable.wheel).namelist()
    assert {
        "reconciler/schema/campaign.schema.json",
        "reconciler/docs/getting-started.md",
        "reconciler/scaffold/templates/plan.yml",
        "reconciler/release.json",
    } <= set(names)
    recovery = installed.campaigns("help", "recovery", cwd=tmp_path).stdout
    assert recovery == wheel_text(installable.wheel, "reconciler/docs/recovery.md")
    installed.campaigns("schema", "--out", "editor", cwd=tmp_path)
    for path in sorted((tmp_path / "editor").iterdir()):
        assert path.read_text() == wheel_text(installable.wheel, f"reconciler/schema/{path.name}")
    help_text = installed.campaigns("--help", cwd=tmp_path).stdout
    assert "make " not in help_text and "docs/" not in help_text


def test_a_new_repository_from_scaffold_to_apply(installed: Installed, tmp_path: Path) -> None:
    repo = tmp_path / "team-campaigns"
    repo.mkdir()
    installed.run("git", "init", "--quiet", "-b", "main", cwd=repo)
    out = installed.campaigns("init", "--scaffold", cwd=repo).stdout
    assert out.splitlines()[1 : 1 + len(SCAFFOLDED)] == [f"  created    {p}" for p in SCAFFOLDED]
    assert installed.campaigns("validate", cwd=repo).stdout == (
        "1 campaign, 2 recipients, all valid\n"
    )
    plan = installed.campaigns("plan", "--sandbox", cwd=repo).stdout
    assert "+ send example-reminder  campaigns/example.yaml" in plan
    apply = installed.campaigns("apply", "--sandbox", "--auto-approve", cwd=repo).stdout
    assert "Apply complete: 1 sent" in apply

    below = repo / "campaigns"
    again = installed.campaigns("plan", "--sandbox", cwd=below)
    assert "No changes" in again.stdout
    assert again.stderr.startswith(f"campaigns: project root {repo}\n")
    status = installed.campaigns("status", "--sandbox", cwd=below).stdout
    assert "example-reminder" in status
    assert not (below / "state").exists() and not (below / ".sandbox").exists()

    untracked = installed.run("git", "status", "--porcelain", "--untracked-files=all", cwd=repo)
    assert "state/" not in untracked.stdout and ".sandbox" not in untracked.stdout  # ignored

    before = files_under(repo)
    out = installed.campaigns("init", "--scaffold", cwd=repo).stdout
    assert out.splitlines()[1:] == [*(f"  unchanged  {p}" for p in SCAFFOLDED), "Nothing to write."]
    assert files_under(repo) == before


def test_scaffolded_workflows_pin_this_build_and_pass_the_vendored_schemas(
    installed: Installed, tmp_path: Path
) -> None:
    installed.campaigns("init", "--scaffold", cwd=tmp_path)
    commit = source_commit()
    for name in ("plan.yml", "apply.yml"):
        text = (tmp_path / ".github" / "workflows" / name).read_text()
        workflow = YAML(typ="safe").load(text)
        jsonschema.validate(workflow, vendored("github-workflows.json"))
        assert f"uses: routee-campaigns/routee-campaigns@{commit} # v{__version__}\n" in text
        assert f'version: "{__version__}"' in text
        assert re.search(r"\bmake\b", text) is None
    action = YAML(typ="safe").load((ROOT / "action.yml").read_text(encoding="utf-8"))
    jsonschema.validate(action, vendored("github-actions.json"))
    zizmor = Path(sys.executable).parent / "zizmor"
    result = subprocess.run(
        [str(zizmor), "--offline", "--no-progress", str(tmp_path / ".github" / "workflows")],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
