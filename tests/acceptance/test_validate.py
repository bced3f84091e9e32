"""``campaigns validate`` over real files: one invalid example directory per case.

Each case under ``invalid/<case>/campaigns/`` holds the smallest declaration showing one kind of
mistake; the test runs the real CLI on it and asserts the exact ``path:line:col: field: message``
lines and exit code 1.
"""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from reconciler.cli.main import cli
from reconciler.load.source import MAX_YAML_BYTES
from reconciler.masking import mask_written_numbers

HERE = Path(__file__).parent
INVALID = HERE / "invalid"
PROJECT = HERE.parent.parent

EXPECTED: dict[str, list[str]] = {
    "alias-bomb": [
        "campaigns/a.yaml:1:1: document: more than 100000 values once YAML aliases are expanded"
        " (an alias bomb?); refused",
    ],
    "bad-campaign-name": [
        "campaigns/a.yaml:2:15: campaignName: must be 2-30 Latin letters, digits, spaces or '-'",
    ],
    "bad-enums": [
        "campaigns/a.yaml:6:13: message.language: unknown language 'en-UK'; did you mean en-US?"
        " (more can be allowed in campaigns.toml [declarations] languages)",
        "campaigns/a.yaml:7:11: message.gender: input should be 'male' or 'female'",
        "campaigns/a.yaml:8:22: callback.strategy: input should be 'OnChange' or 'OnCompletion'",
    ],
    "bad-integers": [
        "campaigns/a.yaml:5:14: hangupDelay: must be a whole number from 1 to 2147483647 (int32),"
        " not infinity (.inf, or a number too large to read, such as 1e400)",
        "campaigns/a.yaml:7:26: collectDtmfAwaitSeconds: must be a whole number from 0 to"
        " 2147483647 (int32), not the fraction 2.5",
        "campaigns/a.yaml:13:14: hangupDelay: must be a whole number from 1 to 2147483647 (int32),"
        " not infinity (.inf, or a number too large to read, such as 1e400)",
        "campaigns/a.yaml:15:26: collectDtmfAwaitSeconds: must be a whole number from 0 to"
        " 2147483647 (int32), not NaN",
        "campaigns/a.yaml:21:14: hangupDelay: must be a whole number from 1 to 2147483647 (int32),"
        " not 3000000000",
        "campaigns/a.yaml:23:26: collectDtmfAwaitSeconds: must be a whole number from 0 to"
        " 2147483647 (int32), not 30.0: write 30",
    ],
    "bad-file-url": [
        "campaigns/a.yaml:4:10: fileURL: must be an https URL; must point to a .wav file, the"
        " only audio Routee plays (it points to a .mp3 file: convert it to .wav)",
    ],
    "bad-scheduled-date": [
        "campaigns/a.yaml:3:16: scheduledDate: must be a date-time with a zone,"
        " YYYY-MM-DDThh:mm:ss(.fff)?(Z|+hh:mm)",
    ],
    "broken-symlink": [
        "campaigns/a.yaml:1:1: file: cannot read: broken symbolic link"
        " (its target moved-away.yaml does not exist)",
    ],
    "defaults-tool-key": [
        "campaigns/defaults.yaml:1:1: id: not allowed in defaults.yaml"
        " (it belongs to each declaration)",
        "campaigns/defaults.yaml:3:14: hangupDelay: must be a whole number from 1 to 2147483647"
        " (int32), not -1",
    ],
    "dtmf-await-without-digits": [
        "campaigns/a.yaml:3:1: collectDtmfAwaitSeconds: only allowed with collectDtmfDigits: true",
    ],
    "estimated-seconds-without-file-url": [
        "campaigns/a.yaml:3:1: estimatedSeconds: only allowed with fileURL"
        " (a message's length is estimated from its words)",
        "campaigns/a.yaml:11:19: estimatedSeconds: input should be greater than or equal to 1",
    ],
    "opt-out-digits-without-dtmf": [
        "campaigns/a.yaml:3:1: optOutDigits: only allowed with collectDtmfDigits: true",
        "campaigns/a.yaml:12:15: optOutDigits: must be 1-12 DTMF keys: 0-9, * or #",
    ],
    "duplicate-id": [
        "campaigns/a.yaml:1:5: id: duplicate id 'same' (also at campaigns/sub/b.yml:2:5)",
        "campaigns/sub/b.yml:2:5: id: duplicate id 'same' (also at campaigns/a.yaml:1:5)",
    ],
    "duplicate-key": ["campaigns/a.yaml:4:1: from: duplicate key"],
    "duplicate-number": [
        "campaigns/a.yaml:4:5: to[1]: +306910000001 is listed twice (also to[0])",
    ],
    "invalid-number": [
        "campaigns/a.yaml:4:5: to[1]: '+30 123' is not a valid phone number",
        "campaigns/a.yaml:5:5: to[2]: '6910000003' is not in international format"
        " (+<country code><number>)",
        "campaigns/a.yaml:6:5: to[3]: input should be a valid string;"
        ' quote numbers in YAML (write "+306900000000", not +306900000000)',
    ],
    "message-and-fileurl": [
        "campaigns/a.yaml:3:1: fileURL: set either message or fileURL, not both",
    ],
    "messages-that-lead": [
        "campaigns/a.yaml:1:5: id: input should be a valid string; YAML reads the unquoted 12345"
        ' as a number: quote it (write id: "12345")',
        "campaigns/a.yaml:4:31: message.language: unknown language 'en-gb'; did you mean en-GB?"
        " (more can be allowed in campaigns.toml [declarations] languages)",
        "campaigns/a.yaml:5:16: scheduledDate: 2027-02-30 is not a date: February 2027 has 28 days",
        "campaigns/a.yaml:10:10: fileURL: must point to a .wav file, the only audio Routee plays"
        " (it points to a .mp3 file: convert it to .wav)",
    ],
    "missing-id": ["campaigns/a.yaml:1:1: id: required key is missing"],
    "no-message-or-fileurl": [
        "campaigns/a.yaml:1:1: message: one of message or fileURL is required",
    ],
    "no-recipients": [
        "campaigns/a.yaml:1:1: to: one of to, toFile, contacts or groups is required",
    ],
    "not-a-mapping": [
        "campaigns/a.yaml:1:1: document: must be a mapping of fields, found a list",
    ],
    "not-utf8": ["campaigns/a.yaml:3:21: file: not UTF-8: byte 0xe9 at offset 48 (line 3)"],
    "syntax-error": [
        "campaigns/a.yaml:3:1: yaml: did not find expected ',' or ']'"
        " (while parsing a flow sequence)",
    ],
    "tab-indent": [
        "campaigns/a.yaml:6:1: yaml: found a tab character that violates indentation"
        " (while scanning a plain scalar); indent YAML with spaces, never tabs",
    ],
    "tofile-bad-row": [
        "campaigns/recipients/r.csv:4:1: toFile: 'not-a-number' is not in international format"
        " (+<country code><number>)",
        "campaigns/recipients/r.csv:5:1: toFile: +306910000001 is listed twice (also line 2)",
    ],
    "tofile-directory": [
        "campaigns/a.yaml:2:9: toFile: campaigns/recipients is a directory; toFile names a CSV file",
    ],
    "tofile-missing": [
        "campaigns/a.yaml:2:9: toFile: file not found: campaigns/recipients/nope.csv",
    ],
    "tofile-not-utf8": ["campaigns/r.csv:2:13: file: not UTF-8: byte 0xff at offset 26 (line 2)"],
    "tofile-too-many-recipients": [
        "campaigns/recipients/r.csv:1002:1: toFile: more than 1000 numbers in to and toFile"
        " together (Routee's limit)",
    ],
    "too-many-recipients": [
        "campaigns/a.yaml:1005:5: to[1000]: more than 1000 entries (Routee's limit);"
        " split the campaign",
    ],
    "unknown-key": [
        "campaigns/a.yaml:3:1: respectQuiteHours: unknown key; did you mean respectQuietHours?",
        "campaigns/a.yaml:6:68: callback.retries: unknown key",
    ],
    "wrong-type": [
        "campaigns/a.yaml:3:20: respectQuietHours: input should be a valid boolean;"
        " write true or false",
        "campaigns/a.yaml:4:11: revision: input should be greater than or equal to 1",
    ],
    "upper-case-suffix": [
        "campaigns/a.YAML:5:1: respectQuiteHours: unknown key; did you mean respectQuietHours?",
        "campaigns/b.Yml:1:1: to: one of to, toFile, contacts or groups is required",
    ],
}


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["validate", *args])
    return result.exit_code, result.output


def test_every_case_directory_has_an_expectation() -> None:
    assert sorted(p.name for p in INVALID.iterdir() if p.is_dir()) == sorted(EXPECTED)


@pytest.mark.parametrize("case", sorted(EXPECTED))
def test_invalid_case(case: str) -> None:
    code, output = run("--dir", str(INVALID / case))
    lines = output.splitlines()
    expected = EXPECTED[case]
    assert lines[:-1] == expected
    files = len({line.split(":", 1)[0] for line in expected})
    problems = f"{len(expected)} problem{'s' if len(expected) > 1 else ''}"
    assert lines[-1] == f"{problems} in {files} file{'s' if files > 1 else ''}"
    assert code == 1


def test_alias_bomb_is_refused_fast() -> None:
    started = time.perf_counter()
    code, _ = run("--dir", str(INVALID / "alias-bomb"))
    assert code == 1
    assert time.perf_counter() - started < 5  # a billion values, never expanded


def test_json_format_lists_finding_objects() -> None:
    code, output = run("--dir", str(INVALID / "bad-enums"), "--format", "json")
    assert code == 1
    findings = json.loads(output)
    assert findings[1] == {
        "path": "campaigns/a.yaml",
        "line": 7,
        "column": 11,
        "field": "message.gender",
        "message": "input should be 'male' or 'female'",
    }
    assert len(findings) == 3


def test_examples_validate() -> None:
    code, output = run("--dir", str(PROJECT))
    assert output == "5 campaigns, 27 recipients, all valid\n"
    assert code == 0


def test_examples_validate_as_json() -> None:
    code, output = run("--dir", str(PROJECT), "--format", "json")
    assert (code, json.loads(output)) == (0, [])


def test_missing_campaigns_directory_is_a_clear_error(tmp_path: Path) -> None:
    code, output = run("--dir", str(tmp_path))
    assert code == 1
    assert output == (
        f"Error: no campaigns/ directory in {tmp_path}: run from the project root or pass "
        "--dir DIR\n"
    )


def test_run_in_a_subdirectory_finds_and_names_the_project_root_above(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "campaigns").mkdir()
    (tmp_path / "notes").mkdir()
    monkeypatch.chdir(tmp_path / "notes")
    code, output = run()
    assert (code, output) == (
        0,
        f"campaigns: project root {tmp_path.resolve()}\n0 campaigns, 0 recipients, all valid\n",
    )


def test_file_over_the_size_limit(tmp_path: Path) -> None:
    campaigns = tmp_path / "campaigns"
    campaigns.mkdir()
    size = MAX_YAML_BYTES + 1
    (campaigns / "big.yaml").write_text("id: big\n" + "#" * (size - 8))
    code, output = run("--dir", str(tmp_path))
    assert output.splitlines() == [
        f"campaigns/big.yaml:1:1: file: file is {size} bytes, over the limit of"
        f" {MAX_YAML_BYTES} bytes",
        "1 problem in 1 file",
    ]
    assert code == 1


def test_markdown_is_a_masked_pull_request_comment() -> None:
    code, output = run("--dir", str(INVALID / "invalid-number"), "--format", "markdown")
    assert code == 1
    assert output.splitlines() == [
        "<!-- routee-campaigns-plan -->",
        "### campaigns validate",
        "",
        "**3 problems in 1 file**",
        "",
        "```",
        "campaigns/a.yaml:4:5: to[1]: '+30 123' is not a valid phone number",
        "campaigns/a.yaml:5:5: to[2]: '•••••••• 03' is not in international format"
        " (+<country code><number>)",
        "campaigns/a.yaml:6:5: to[3]: input should be a valid string;"
        ' quote numbers in YAML (write "+30 •••••••• 00", not +30 •••••••• 00)',
        "```",
    ]


def test_markdown_of_many_problems_stays_under_the_comment_limit(tmp_path: Path) -> None:
    campaigns = tmp_path / "campaigns"
    campaigns.mkdir()
    for file in range(3):
        pairs = (f"  - '+30 691 {file}{i:06d}'\n  - '+30691{file}{i:06d}'\n" for i in range(400))
        (campaigns / f"f{file}.yaml").write_text(f"id: f{file}\nto:\n{''.join(pairs)}")
    full = run("--dir", str(tmp_path))[1].splitlines()
    assert full[-1] == "1206 problems in 3 files"
    code, output = run("--dir", str(tmp_path), "--format", "markdown")
    assert code == 1 and len(output) <= 60_000
    lines = output.splitlines()
    assert lines[3] == "**1206 problems in 3 files**"
    shown = lines[6 : lines.index("```", 6)]
    assert 500 < len(shown) < 1206
    assert shown == [mask_written_numbers(line) for line in full[: len(shown)]]
    assert lines[-1] == (
        f"_… and {1206 - len(shown)} more problems not shown: run `campaigns validate`._"
    )
    assert not re.search(r"\d{9}", output), "an unmasked phone number"


def test_summary_counts_are_singular_for_one(tmp_path: Path) -> None:
    (tmp_path / "campaigns").mkdir()
    (tmp_path / "campaigns" / "one.yaml").write_text(
        'id: one\nfrom: "+306900000000"\nto: ["+306945550201"]\n'
        "message: {text: hi, language: en-GB}\n"
    )
    result = CliRunner().invoke(cli, ["validate", "--dir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert result.output == "1 campaign, 1 recipient, all valid\n"


def test_an_id_with_a_trailing_newline_is_refused_where_it_is_written(tmp_path: Path) -> None:
    body = 'from: "+306900000000"\nto: ["+306945550201"]\nmessage: {text: hi, language: en-GB}\n'
    (tmp_path / "campaigns").mkdir()
    (tmp_path / "campaigns" / "a.yaml").write_text("id: promo\n" + body)
    (tmp_path / "campaigns" / "b.yaml").write_text('id: "promo\\n"\nfrom: "ACME\\n"\n' + body[21:])
    code, output = run("--dir", str(tmp_path))
    assert code == 1
    assert output.splitlines() == [
        "campaigns/b.yaml:1:5: id: must be one line without control characters (found U+000A "
        "at the end)",
        "campaigns/b.yaml:2:7: from: must be one line without control characters (found U+000A "
        "at the end)",
        "2 problems in 1 file",
    ]


@pytest.mark.parametrize(
    "command", [["validate"], ["plan", "--sandbox"], ["apply", "--sandbox", "--auto-approve"]]
)
def test_non_finite_and_huge_numbers_are_located_errors_in_every_command(
    tmp_path: Path, command: list[str]
) -> None:
    """``hangupDelay: .inf`` (or 1e400) used to crash validate, plan and apply with a traceback."""
    (tmp_path / "campaigns").mkdir()
    (tmp_path / "campaigns" / "a.yaml").write_text(
        'id: a\nfrom: "+306900000000"\nto: ["+306910000001"]\n'
        "message: {text: Hi, language: en-GB}\nhangupDelay: 1e400\n"
    )
    result = CliRunner().invoke(cli, [*command, "--dir", str(tmp_path)])
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "campaigns/a.yaml:5:14: hangupDelay: must be a whole number" in result.output
    assert "Traceback" not in result.output
