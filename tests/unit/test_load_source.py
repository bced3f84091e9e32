from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from reconciler.config import Config
from reconciler.load import load_project
from reconciler.load.findings import Finding
from reconciler.load.locate import field_name, walk
from reconciler.load.source import document_starts, expanded_size, nesting_bound, read_yaml
from reconciler.load.yaml_loader import StringTimestamps, load_documents


def test_document_starts_follow_markers_and_content() -> None:
    assert document_starts("a: 1\n") == [1]
    assert document_starts("# c\n\na: 1\n---\nb: 2\n") == [3, 4]
    assert document_starts("%YAML 1.2\n--- \na: 1\n---\n") == [2, 4]
    assert document_starts("text: |\n  ---x\n---\n") == [1, 3]


def test_expanded_size_counts_shared_nodes_per_use() -> None:
    leaf = ["a", "b"]
    assert expanded_size({"x": leaf, "y": leaf}) == 7
    loop: list[object] = []
    loop.append(loop)
    assert expanded_size(loop) is None


def test_billion_laughs_is_measured_not_expanded() -> None:
    node: list[object] = ["lol"] * 10
    for _ in range(9):
        node = [node] * 10
    started = time.perf_counter()
    assert expanded_size(node, limit=100_000) > 100_000  # type: ignore[operator]
    assert time.perf_counter() - started < 1


def test_dates_stay_strings_and_syntax_errors_are_findings(tmp_path: Path) -> None:
    path = tmp_path / "a.yaml"
    path.write_text("when: 2027-03-01T09:00:00Z\nday: 2027-03-01\n")
    source = read_yaml(path, "a.yaml")
    assert source.documents[0].data == {"when": "2027-03-01T09:00:00Z", "day": "2027-03-01"}
    path.write_text("a: 1\n  b: 2\n")
    assert read_yaml(path, "a.yaml").findings == [
        Finding("a.yaml", 2, 4, "yaml", "mapping values are not allowed in this context")
    ]


def test_deep_nesting_is_a_finding(tmp_path: Path) -> None:
    for depth in (1001, 60_000):
        (tmp_path / "campaigns").mkdir(exist_ok=True)
        (tmp_path / "campaigns/a.yaml").write_text("[" * depth + "]" * depth)
        result = load_project(Config(root=tmp_path))
        assert [str(f) for f in result.findings] == [
            "campaigns/a.yaml:1:1: yaml: nests more than 1000 levels deep; refused"
        ]


def test_field_names_and_walk_fallbacks(tmp_path: Path) -> None:
    assert field_name(("message", "language")) == "message.language"
    assert field_name(("to", 3)) == "to[3]"
    assert field_name(()) == "document"
    path = tmp_path / "a.yaml"
    path.write_text("id: a\nmessage:\n  text: hi\n")
    from ruamel.yaml import YAML

    document = YAML(typ="rt").load(path.read_text())
    assert walk(document, ("message", "text"), "value").position == (2, 8)
    assert walk(document, ("message", "language"), "mapping").position == (2, 2)
    missing = walk(document, ("to", 0), "value")
    assert (missing.found, missing.position) == (False, (0, 0))


def test_nesting_bound() -> None:
    assert nesting_bound("to: ['+306910000001']\n") == 1
    assert nesting_bound("a:\n  b:\n    - [{x: 1}]\n") == 6
    assert nesting_bound("- " * 60 + "x") >= 1000


SCALARS = [
    "yes",
    "no",
    "on",
    "off",
    "Yes",
    "y",
    "0777",
    "0o17",
    "0x1F",
    "1_000",
    "1:20",
    "190:20:30",
    ".inf",
    "-.inf",
    ".NaN",
    "~",
    "null",
    "Null",
    "NULL",
    "true",
    "True",
    "TRUE",
    "1e3",
    "1.0e+3",
    "+1",
    "-0",
    "''",
    "2001-12-14",
    "2001-12-14T21:59:43.10-05:00",
    "=",
    "0b101",
    "12.",
    ".5",
    "+306900000000",
    '"+30 690"',
    "!!str 12",
    "!!int '7'",
]


def _stock_safe_yaml() -> YAML:
    yaml = YAML(typ="safe")
    yaml.Constructor = StringTimestamps
    return yaml


def _both(text: str) -> tuple[str, str]:
    """What our loader and ruamel's ``YAML(typ="safe")`` make of ``text`` (result or error)."""

    def attempt(load: Callable[[str], object]) -> str:
        try:
            return repr(load(text))
        except Exception as exc:
            return f"{type(exc).__name__}: {exc}"

    return attempt(load_documents), attempt(lambda t: list(_stock_safe_yaml().load_all(t)))


ODD_FILES = [
    "a: 1\na: 2\n",
    "a: [\n",
    "- &x [*x]\n",
    "---\n---\na: 1\n...\n",
    "",
    "# only a comment\n",
    "a: &anchor {b: 1}\nc: *anchor\nd: {<<: *anchor, e: 2}\n",
    "? [complex, key]\n: value\n",
    "a: !!binary aGVsbG8=\nb: !!set {x, y}\nc: !!omap [{k: 1}]\n",
    "a: !custom 1\n",
    "\ta: 1\n",
    "text: |\n  line one\n  line two\nfolded: >\n  a\n  b\n",
]


def test_the_loader_reads_every_scalar_like_ruamels_own() -> None:
    body = "".join(f"k{index}: {value}\n" for index, value in enumerate(SCALARS))
    seq = "".join(f"- {value}\n" for value in SCALARS)
    for text in (body, seq, "%YAML 1.1\n---\n" + body, "%YAML 1.2\n---\n" + seq):
        ours, theirs = _both(text)
        assert ours == theirs
    assert "'yes'" in _both("%YAML 1.1\n---\n- yes\n")[0]  # the C parser ignores the directive


@pytest.mark.parametrize("text", ODD_FILES)
def test_the_loader_matches_ruamel_on_odd_files_and_errors(text: str) -> None:
    ours, theirs = _both(text)
    assert ours == theirs


def test_the_loader_reads_the_same_after_many_files() -> None:
    """The shared resolver table must not grow or change from one file to the next."""
    scalars = [value for value in SCALARS if value != "="]  # "=" is an error in both
    body = "".join(f"k{index}: {value}\n" for index, value in enumerate(scalars))
    first = _both(body)
    for _ in range(50):
        load_documents(body)
    assert _both(body) == first and first[0] == first[1]


@given(st.text(alphabet="01:.-+_eExXoObyYnN~!' \"", max_size=12))
@settings(max_examples=200, deadline=None)
def test_the_loader_agrees_on_generated_scalars(token: str) -> None:
    ours, theirs = _both(f"a: {token}\nb: [{token}]\n")
    assert ours == theirs
