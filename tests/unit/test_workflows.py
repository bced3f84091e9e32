"""The GitHub workflows: schema-valid, pinned, least privilege, and only commands a person runs too.

The run steps are checked command by command: each simple command must start with `make`,
`campaigns`, `git`, `gh`, `python -m pip` or a little shell glue, the `make` targets must exist in
the Makefile, and the `campaigns` subcommands must exist in the CLI.
"""

from __future__ import annotations

import importlib.resources
import json
import re
import shlex
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from ruamel.yaml import YAML

from reconciler.cli.main import cli

ROOT = Path(__file__).resolve().parents[2]
WORKFLOWS = ROOT / ".github" / "workflows"
NAMES = ("test.yml", "plan.yml", "apply.yml")
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


def load(name: str) -> dict[str, Any]:
    data = YAML(typ="safe").load((WORKFLOWS / name).read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def steps(workflow: dict[str, Any]) -> Iterator[dict[str, Any]]:
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


@pytest.mark.parametrize("name", NAMES)
def test_workflow_matches_githubs_schema(name: str) -> None:
    vendor = importlib.resources.files("check_jsonschema.builtin_schemas.vendor")
    schema = json.loads((vendor / "github-workflows.json").read_text(encoding="utf-8"))
    jsonschema.validate(load(name), schema)


@pytest.mark.parametrize("name", NAMES)
def test_every_action_is_pinned_to_a_full_sha_with_its_version(name: str) -> None:
    text = (WORKFLOWS / name).read_text(encoding="utf-8")
    uses = [s["uses"] for s in steps(load(name)) if "uses" in s]
    assert uses
    for ref in uses:
        action, _, sha = ref.partition("@")
        assert re.fullmatch(r"[0-9a-f]{40}", sha), ref
        assert PINS[action][0] == sha, f"{action} is not pinned to the reviewed commit"
        assert f"uses: {ref} # {PINS[action][1]}" in text


@pytest.mark.parametrize("name", NAMES)
def test_least_privilege_and_no_pull_request_target(name: str) -> None:
    workflow = load(name)
    lines = (WORKFLOWS / name).read_text(encoding="utf-8").splitlines()
    code = [line for line in lines if not line.lstrip().startswith("#")]
    assert not any("pull_request_target" in line for line in code)
    assert "pull_request_target" not in workflow["on"]
    assert workflow["permissions"] in ({}, {"contents": "read"})
    for job in workflow["jobs"].values():
        assert "permissions" in job
        assert set(job["permissions"].values()) <= {"read", "write"}
    for step in steps(workflow):
        assert "${{" not in step.get("run", ""), (
            "pass expressions through env:, never into a script"
        )


@pytest.mark.parametrize("name", NAMES)
def test_run_steps_only_call_what_a_person_runs_too(name: str) -> None:
    known = set(cli.commands)
    targets = make_targets()
    for script in run_scripts(load(name)):
        for argv in simple_commands(script):
            head = argv[0]
            if head == "campaigns":
                assert subcommand(argv) in known, f"{name}: no such command: {argv}"
            elif head == "make":
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


def test_plan_job_is_offline_and_comments_once() -> None:
    workflow = load("plan.yml")
    text = (WORKFLOWS / "plan.yml").read_text(encoding="utf-8")
    assert set(workflow["on"]) == {"pull_request"}
    assert set(workflow["on"]["pull_request"]["paths"]) == {
        "campaigns/**",
        "state/**",
        "campaigns.toml",
    }
    [job] = workflow["jobs"].values()
    assert job["permissions"] == {"contents": "read", "pull-requests": "write"}
    assert "secrets." not in text
    assert "ROUTEE_APPLICATION" not in text
    assert "environment" not in job
    commands = [argv for s in run_scripts(workflow) for argv in simple_commands(s)]
    assert ["campaigns", "validate", "--format", "markdown"] in commands
    assert ["campaigns", "plan", "--format", "markdown", "--out", "plan.json"] in commands
    assert job["env"]["MARKER"] == "<!-- routee-campaigns-plan -->"
    assert any(argv[:3] == ["gh", "api", "--method"] and "PATCH" in argv for argv in commands)
    upload = [s for s in steps(workflow) if s.get("uses", "").startswith("actions/upload-")]
    assert upload[0]["with"]["path"] == "plan.json"
    assert upload[0]["if"] == "always()"
    assert 'if [ "$PLAN_EXIT_CODE" != "0" ]' in text


def test_apply_job_never_cancels_and_applies_the_latest_commit() -> None:
    workflow = load("apply.yml")
    text = (WORKFLOWS / "apply.yml").read_text(encoding="utf-8")
    assert workflow["concurrency"] == {"group": "campaigns-apply", "cancel-in-progress": False}
    assert "cancel-in-progress: true" not in text
    assert workflow["on"]["push"]["branches"] == ["main"]
    assert set(workflow["on"]["push"]["paths"]) == {"campaigns/**", "state/**", "campaigns.toml"}
    [job] = workflow["jobs"].values()
    assert job["environment"] == "production"
    assert job["permissions"] == {"contents": "write"}
    checkout = next(s for s in steps(workflow) if s.get("uses", "").startswith("actions/checkout"))
    assert checkout["with"]["ref"] == "${{ github.ref_name }}"
    commands = [argv for s in run_scripts(workflow) for argv in simple_commands(s)]
    assert ["git", "pull", "--ff-only", "origin", "$BRANCH"] in commands
    assert ["campaigns", "apply", "--auto-approve"] in commands
    assert ["campaigns", "log", "--uncommitted", "--format", "commit-message"] in commands


def test_apply_secrets_reach_only_the_apply_step() -> None:
    workflow = load("apply.yml")
    for step in steps(workflow):
        env = step.get("env", {})
        has_secret = any("secrets.ROUTEE" in str(v) for v in env.values())
        assert has_secret == (step.get("name") == "Apply"), step.get("name")


def test_state_is_committed_even_after_a_failed_apply_with_bounded_retries() -> None:
    workflow = load("apply.yml")
    commit = next(s for s in steps(workflow) if s.get("name") == "Commit the state")
    assert commit["if"].startswith("always()")
    script = commit["run"]
    assert "for attempt in 1 2 3 4 5; do" in script
    assert "git pull --rebase origin" in script
    assert ":(exclude)state/*.lock" in script
    assert "campaigns-state-rescue/" in script
