"""The GitHub workflows and the action: schema-valid, pinned, least privilege, zizmor-clean, and
only commands a person runs too.

Three sets are checked alike: this repository's workflows, its composite action (action.yml), and
the workflows `campaigns init --scaffold` writes into a campaigns repository. The run steps are
checked command by command: each simple command must start with `make`, `campaigns`, `git`, `gh`,
`python -m pip` or a little shell glue, the `make` targets must exist in the Makefile, and the
`campaigns` subcommands must exist in the CLI.
"""

from __future__ import annotations

import importlib.resources
import json
import re
import shlex
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from ruamel.yaml import YAML

from reconciler.cli.main import cli
from reconciler.scaffold.content import Release, scaffold_files

ROOT = Path(__file__).resolve().parents[2]
WORKFLOWS = ROOT / ".github" / "workflows"
ACTION = ROOT / "action.yml"
NAMES = ("test.yml", "plan.yml", "apply.yml")
#: The scaffold as a release would write it: the action pinned to its commit.
RELEASE = Release("0.1.0", "routee-campaigns/routee-campaigns", "c0ffee" + "0" * 34)
SCAFFOLDED = {
    f.path.removeprefix(".github/workflows/"): f.content.decode("utf-8")
    for f in scaffold_files(RELEASE)
    if f.path.startswith(".github/workflows/")
}
#: Every workflow checked: this repository's (by name) and the scaffolded ones ("scaffold/...").
ALL = (*NAMES, *(f"scaffold/{name}" for name in sorted(SCAFFOLDED)))
PINS = {
    "actions/checkout": ("11bd71901bbe5b1630ceea73d27597364c9af683", "v4.2.2"),
    "actions/setup-python": ("0b93645e9fea7318ecaed2b359559ac225c90a2b", "v5.3.0"),
    "actions/upload-artifact": ("b4b15b8c7c6ac21ea08fcf65892d2ee8c75cf6c3", "v4.4.3"),
    "actions/github-script": ("60a0d83039c74a4aee543508d2ffcb1c3799cdea", "v7.0.1"),
}
SHELL_GLUE = {
    "echo", "printf", "cat", "head", "grep", "test", "[", "exit", "sleep", "set", "true", "false",
    "break", "continue",
}  # fmt: skip
KEYWORDS = {"if", "then", "else", "elif", "fi", "do", "done", "!", "{", "}"}
SEPARATORS = {";", "&&", "||", "|", "&", "(", ")", ";;"}
REDIRECTS = {">", ">>", "<", ">&", "<&", ">|"}


def text_of(name: str) -> str:
    if name.startswith("scaffold/"):
        return SCAFFOLDED[name.removeprefix("scaffold/")]
    if name == "action.yml":
        return ACTION.read_text(encoding="utf-8")
    return (WORKFLOWS / name).read_text(encoding="utf-8")


def load(name: str) -> dict[str, Any]:
    data = YAML(typ="safe").load(text_of(name))
    assert isinstance(data, dict)
    return data


def steps(workflow: dict[str, Any]) -> Iterator[dict[str, Any]]:
    if "runs" in workflow:  # a composite action
        yield from workflow["runs"]["steps"]
        return
    for job in workflow["jobs"].values():
        yield from job.get("steps", [])


def run_scripts(workflow: dict[str, Any]) -> Iterator[str]:
    for step in steps(workflow):
        if "run" in step:
            yield step["run"]


# --- a small reader for the shell subset the workflows use -------------------------------------


def substitutions(script: str) -> tuple[str, list[str]]:
    """Replace each ``$(...)`` by ``X`` and return the inner scripts (quotes and nesting aware)."""
    script = re.sub(r"\$\(\([^()]*\)\)", "0", script)  # arithmetic $(( ... ))
    out, inner, i = [], [], 0
    while i < len(script):
        if script.startswith("$(", i):
            end = _matching_paren(script, i + 2)
            inner.append(script[i + 2 : end])
            out.append("X")
            i = end + 1
        else:
            out.append(script[i])
            i += 1
    return "".join(out), inner


def _matching_paren(text: str, i: int) -> int:
    depth, quote = 1, ""
    while i < len(text):
        c = text[i]
        if quote:
            if c == "\\" and quote == '"':
                i += 1
            elif c == quote:
                quote = ""
        elif c in "'\"":
            quote = c
        elif c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    raise AssertionError(f"unbalanced $( in {text!r}")


def simple_commands(script: str) -> Iterator[list[str]]:
    """Every simple command (argv, assignments and redirections removed) in a run script."""
    assert "<<" not in script, "no heredocs in workflows: keep run steps readable"
    flat, inner = substitutions(script.replace("\\\n", " "))
    for nested in inner:
        yield from simple_commands(nested)
    for line in flat.splitlines():
        lexer = shlex.shlex(line, posix=True, punctuation_chars=";&|()<>")
        lexer.whitespace_split = True
        lexer.commenters = "#"
        current: list[str] = []
        for token in [*lexer, ";"]:
            if token in SEPARATORS:
                yield from _command(current)
                current = []
            else:
                current.append(token)


def _command(tokens: list[str]) -> Iterator[list[str]]:
    argv: list[str] = []
    skip = False
    for i, token in enumerate(tokens):
        if skip:
            skip = False
        elif token in REDIRECTS:
            skip = True
        elif not _ignored(tokens, i, bool(argv)):
            argv.append(token)
    if argv and argv[0] not in ("for", "while", "until"):
        yield argv


def _ignored(tokens: list[str], i: int, started: bool) -> bool:
    """A file descriptor before a redirection, or a keyword or assignment before the command."""
    token = tokens[i]
    if token.isdigit() and i + 1 < len(tokens) and tokens[i + 1] in REDIRECTS:
        return True
    return not started and (token in KEYWORDS or re.fullmatch(r"\w+=.*", token) is not None)


def make_targets() -> set[str]:
    text = (ROOT / "Makefile").read_text(encoding="utf-8")
    return set(re.findall(r"^([A-Za-z][\w.-]*):", text, flags=re.MULTILINE))


def subcommand(argv: list[str]) -> str:
    words = [a for a in argv[1:] if not a.startswith("-")]
    assert words, f"campaigns without a subcommand: {argv}"
    return words[0]


# --- the tests ---------------------------------------------------------------------------------


def test_the_shell_reader_sees_through_glue() -> None:
    script = (
        'x=$(gh api "a" --jq ".[] | select(.b | contains(\\"c\\"))" | head -n 1)\n'
        'if [ -n "$x" ]; then campaigns plan --out p.json > plan.md 2> e.txt; fi\n'
        "sleep $((n * 3))\nfor a in 1 2; do git push || break; done\n"
    )
    assert list(simple_commands(script)) == [
        ["gh", "api", "a", "--jq", '.[] | select(.b | contains("c"))'],
        ["head", "-n", "1"],
        ["[", "-n", "$x", "]"],
        ["campaigns", "plan", "--out", "p.json"],
        ["sleep", "0"],
        ["git", "push"],
        ["break"],
    ]


def vendored_schema(name: str) -> dict[str, Any]:
    vendor = importlib.resources.files("check_jsonschema.builtin_schemas.vendor")
    schema = json.loads((vendor / name).read_text(encoding="utf-8"))
    assert isinstance(schema, dict)
    return schema


@pytest.mark.parametrize("name", ALL)
def test_workflow_matches_githubs_schema(name: str) -> None:
    jsonschema.validate(load(name), vendored_schema("github-workflows.json"))


def test_the_action_matches_githubs_schema_and_is_composite() -> None:
    action = load("action.yml")
    jsonschema.validate(action, vendored_schema("github-actions.json"))
    assert action["runs"]["using"] == "composite"
    assert set(action["inputs"]) >= {"command", "workspace", "version"}
    assert action["inputs"]["command"]["required"] is True


def test_the_schema_check_catches_a_broken_workflow() -> None:
    broken = {**load("scaffold/plan.yml"), "jobs": {"plan": {"steps": []}}}  # no runs-on
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, vendored_schema("github-workflows.json"))


@pytest.mark.parametrize("name", (*ALL, "action.yml"))
def test_every_action_is_pinned_to_a_full_sha_with_its_version(name: str) -> None:
    text = text_of(name)
    uses = [s["uses"] for s in steps(load(name)) if "uses" in s]
    assert uses
    for ref in uses:
        if ref == "./":
            assert not name.startswith("scaffold/"), "a campaigns repository pins the action"
            continue
        action, _, sha = ref.partition("@")
        assert re.fullmatch(r"[0-9a-f]{40}", sha), ref
        if action == RELEASE.action:
            assert name.startswith("scaffold/")
            assert f"uses: {ref} # v{RELEASE.version}\n" in text
            continue
        assert PINS[action][0] == sha, f"{action} is not pinned to the reviewed commit"
        assert f"uses: {ref} # {PINS[action][1]}" in text


@pytest.mark.parametrize("name", ALL)
def test_least_privilege_and_no_pull_request_target(name: str) -> None:
    workflow = load(name)
    lines = text_of(name).splitlines()
    code = [line for line in lines if not line.lstrip().startswith("#")]
    assert not any("pull_request_target" in line for line in code)
    assert "pull_request_target" not in workflow["on"]
    assert workflow["permissions"] in ({}, {"contents": "read"})
    for job in workflow["jobs"].values():
        assert "permissions" in job
        assert set(job["permissions"].values()) <= {"read", "write"}


@pytest.mark.parametrize("name", (*ALL, "action.yml"))
def test_expressions_reach_scripts_only_through_env(name: str) -> None:
    for step in steps(load(name)):
        assert "${{" not in step.get("run", ""), (
            "pass expressions through env:, never into a script"
        )


@pytest.mark.parametrize("name", (*ALL, "action.yml"))
def test_run_steps_only_call_what_a_person_runs_too(name: str) -> None:
    known = set(cli.commands)
    targets = make_targets()
    for script in run_scripts(load(name)):
        for argv in simple_commands(script):
            head = argv[0]
            if argv == ["campaigns", "--version"]:
                continue
            if head == "campaigns":
                assert subcommand(argv) in known, f"{name}: no such command: {argv}"
            elif head == "make":
                assert not name.startswith("scaffold/"), "a campaigns repository has no Makefile"
                assert name != "action.yml", "a campaigns repository has no Makefile"
                assert set(argv[1:]) <= targets, f"{name}: no such make target: {argv}"
            elif head == "python":
                assert argv[1:4] == ["-m", "pip", "install"], argv
            else:
                assert head in {"git", "gh"} | SHELL_GLUE, f"{name}: {argv}"


def test_test_workflow_runs_make_test_and_lint_on_python_311() -> None:
    workflow = load("test.yml")
    assert set(workflow["on"]) == {"push", "pull_request"}
    commands = [argv for s in run_scripts(workflow) for argv in simple_commands(s)]
    assert ["make", "test"] in commands
    assert ["make", "lint"] in commands
    setup = [s for s in steps(workflow) if s.get("uses", "").startswith("actions/setup-python@")]
    assert setup[0]["with"]["python-version"] == "3.11"


def action_step(workflow: dict[str, Any]) -> dict[str, Any]:
    [step] = [s for s in steps(workflow) if not s["uses"].startswith("actions/")]
    return step


def test_the_action_plans_offline_and_comments_once() -> None:
    action = load("action.yml")
    text = text_of("action.yml")
    commands = [argv for s in run_scripts(action) for argv in simple_commands(s)]
    assert ["campaigns", "validate", "--format", "markdown"] in commands
    assert ["campaigns", "plan", "--format", "markdown", "--out", "plan.json"] in commands
    assert any(argv[:3] == ["gh", "api", "--method"] and "PATCH" in argv for argv in commands)
    assert text.count('MARKER: "<!-- routee-campaigns-plan -->"') == 2
    upload = [s for s in steps(action) if s.get("uses", "").startswith("actions/upload-")]
    assert upload[0]["with"]["path"] == "${{ inputs.working-directory }}/plan.json"
    assert upload[0]["if"] == "always() && inputs.command == 'plan'"
    assert 'if [ "$PLAN_EXIT_CODE" != "0" ]' in text
    assert "secrets." not in text


def test_the_action_runs_every_project_step_in_the_working_directory() -> None:
    action = load("action.yml")
    assert action["inputs"]["working-directory"]["default"] == "."
    for step in steps(action):
        if "run" in step and step["name"] not in ("Check the inputs", "Install campaigns"):
            assert step["working-directory"] == "${{ inputs.working-directory }}", step["name"]


def test_the_action_installs_the_pinned_version_or_its_own_commit() -> None:
    [install] = [s for s in steps(load("action.yml")) if s.get("name") == "Install campaigns"]
    commands = list(simple_commands(install["run"]))
    assert ["python", "-m", "pip", "install", "--quiet", "routee-campaigns==$VERSION"] in commands
    assert ["python", "-m", "pip", "install", "--quiet", "$ACTION_PATH"] in commands
    assert install["env"] == {
        "VERSION": "${{ inputs.version }}",
        "ACTION_PATH": "${{ github.action_path }}",
    }


@pytest.mark.parametrize("name", ["plan.yml", "scaffold/plan.yml"])
def test_plan_job_is_offline_and_uses_the_action(name: str) -> None:
    workflow = load(name)
    assert set(workflow["on"]) == {"pull_request"}
    [job] = workflow["jobs"].values()
    assert job["permissions"] == {"contents": "read", "pull-requests": "write"}
    assert "secrets." not in text_of(name)
    assert "ROUTEE_APPLICATION" not in text_of(name)
    assert "environment" not in job
    assert action_step(workflow)["with"]["command"] == "plan"


def test_this_repository_plans_only_campaign_changes_a_campaigns_repository_every_pr() -> None:
    assert set(load("plan.yml")["on"]["pull_request"]["paths"]) == {
        "campaigns/**",
        "state/**",
        "campaigns.toml",
    }
    assert load("scaffold/plan.yml")["on"]["pull_request"] is None  # so it can be required


@pytest.mark.parametrize("name", ["apply.yml", "scaffold/apply.yml"])
def test_apply_job_never_cancels_and_applies_the_latest_commit(name: str) -> None:
    workflow = load(name)
    assert workflow["concurrency"] == {"group": "campaigns-apply", "cancel-in-progress": False}
    assert "cancel-in-progress: true" not in text_of(name)
    assert workflow["on"]["push"]["branches"] == ["main"]
    assert set(workflow["on"]["push"]["paths"]) == {"campaigns/**", "state/**", "campaigns.toml"}
    [job] = workflow["jobs"].values()
    assert job["environment"] == "production"
    assert job["permissions"] == {"contents": "write"}
    checkout = next(s for s in steps(workflow) if s.get("uses", "").startswith("actions/checkout"))
    assert checkout["with"]["ref"] == "${{ github.ref_name }}"
    assert action_step(workflow)["with"]["command"] == "apply"
    commands = [argv for s in run_scripts(load("action.yml")) for argv in simple_commands(s)]
    assert ["git", "pull", "--ff-only", "origin", "$BRANCH"] in commands
    assert ["campaigns", "apply", "--auto-approve"] in commands
    assert ["campaigns", "log", "--uncommitted", "--format", "commit-message"] in commands


@pytest.mark.parametrize("name", ["apply.yml", "scaffold/apply.yml"])
def test_apply_secrets_reach_only_the_actions_apply_step(name: str) -> None:
    workflow = load(name)
    for step in steps(workflow):
        values = [*step.get("env", {}).values(), *step.get("with", {}).values()]
        has_secret = any("secrets.ROUTEE" in str(v) for v in values)
        assert has_secret == (step is action_step(workflow)), step.get("name")
    for step in steps(load("action.yml")):
        has_secret = any("inputs.routee-" in str(v) for v in step.get("env", {}).values())
        assert has_secret == (step.get("name") == "Apply"), step.get("name")


def test_state_is_committed_even_after_a_failed_apply_with_bounded_retries() -> None:
    commit = next(s for s in steps(load("action.yml")) if s.get("name") == "Commit the state")
    assert commit["if"].startswith("always()")
    script = commit["run"]
    assert "for attempt in 1 2 3 4 5; do" in script
    assert "git pull --rebase origin" in script
    assert ":(exclude)state/*.lock" in script
    assert "campaigns-state-rescue/" in script


def test_scaffolded_workflows_install_exactly_the_version_that_wrote_them() -> None:
    for name in ("scaffold/plan.yml", "scaffold/apply.yml"):
        assert action_step(load(name))["with"]["version"] == RELEASE.version


def zizmor(*paths: Path) -> subprocess.CompletedProcess[str]:
    binary = shutil.which("zizmor", path=str(Path(sys.executable).parent))
    assert binary is not None, "zizmor is a dev dependency: pip install -e '.[dev]'"
    return subprocess.run(
        [binary, "--offline", "--no-progress", *map(str, paths)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_zizmor_finds_nothing_in_the_workflows_the_action_or_the_scaffold(tmp_path: Path) -> None:
    for name, text in SCAFFOLDED.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    result = zizmor(WORKFLOWS, ACTION, *sorted(tmp_path.iterdir()))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No findings to report" in result.stdout + result.stderr


def test_zizmor_would_catch_an_injected_expression(tmp_path: Path) -> None:
    bad = SCAFFOLDED["plan.yml"].replace(
        "      - name: Validate, plan and comment",
        "      - run: echo ${{ github.event.pull_request.title }}\n"
        "      - name: Validate, plan and comment",
    )
    (tmp_path / "plan.yml").write_text(bad, encoding="utf-8")
    result = zizmor(tmp_path / "plan.yml")
    assert result.returncode != 0
    assert "template-injection" in result.stdout + result.stderr


def test_the_plan_comment_never_pastes_stderr() -> None:
    """stderr quotes files and servers as they are; the comment gets plan's own escaped output."""
    text = text_of("action.yml")
    commands = [argv for s in run_scripts(load("action.yml")) for argv in simple_commands(s)]
    assert "2>" not in text.replace("2>&1", "")
    assert "```" not in text
    assert ["cat", "plan.md"] in commands


@pytest.mark.parametrize("name", ["plan.yml", "scaffold/plan.yml"])
def test_the_plan_reports_changes_to_files_only_apply_writes(name: str) -> None:
    commands = [argv for s in run_scripts(load("action.yml")) for argv in simple_commands(s)]
    plan = ["campaigns", "plan", "--format", "markdown", "--out", "plan.json"]
    assert [*plan, "--base", "origin/$GITHUB_BASE_REF"] in commands
    checkout = next(
        s for s in steps(load(name)) if s.get("uses", "").startswith("actions/checkout")
    )
    assert checkout["with"]["fetch-depth"] == 0  # --base needs the base branch's history


@pytest.mark.parametrize("name", ["apply.yml", "scaffold/apply.yml"])
def test_the_state_key_reaches_only_the_actions_apply_step(name: str) -> None:
    workflow = load(name)
    assert action_step(workflow)["with"]["state-key"] == "${{ secrets.CAMPAIGNS_STATE_KEY }}"
    for step in steps(load("action.yml")):
        has_key = "CAMPAIGNS_STATE_KEY" in step.get("env", {})
        assert has_key == (step.get("name") == "Apply"), step.get("name")
