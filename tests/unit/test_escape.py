"""The one escaping layer: a value from a file, a name or a server stays inert where it is shown."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

from click.testing import CliRunner

from reconciler.cli.main import cli
from reconciler.escape import (
    MARKER,
    TerminalStream,
    for_terminal,
    md_code,
    md_code_block,
    md_document,
    md_text,
)
from reconciler.models.plan import Forget, Plan, Problem
from reconciler.render import RENDERERS, RenderOptions

EVIL_ID = "x`|<br>[click](https://evil.example) @org/owners\n### Plan approved by @org/owners"


def render(fmt: str, plan: Plan, options: RenderOptions | None = None) -> str:
    out = io.StringIO()
    RENDERERS[fmt](plan, out, options or RenderOptions())
    return out.getvalue()


def evil_plan() -> Plan:
    action = Forget(
        id=EVIL_ID,
        submission_name="n````\n```\n" + MARKER,
        tracking_id="t|<img src=x>",
        notes=("see <b>www.evil.example</b> and http://evil.example, ping @alice",),
    )
    return Plan(
        workspace="prod\x1b[2J",
        lineage="l",
        serial=1,
        generated_at="2026-01-01T00:00:00Z",
        actions=(action,),
        warnings=(Problem(id="x", message="call +306945550201 now\x1b]0;pwned\x07 @bob"),),
    )


def test_terminal_escapes_c0_c1_del_and_bidi_but_keeps_newlines() -> None:
    text = "a\x1b[31mb\x07c\x9bd\x7fe\u202ef\ng\th"
    assert for_terminal(text) == "a\\u001b[31mb\\u0007c\\u009bd\\u007fe\\u202ef\ng\th"
    assert for_terminal("a\nb\tc", single_line=True) == "a\\u000ab\\u0009c"


def test_the_terminal_stream_lets_only_the_plans_colours_through() -> None:
    out = io.StringIO()
    stream = TerminalStream(out)
    stream.write("\x1b[32m\x1b[1mok\x1b[0m \x1b[8mhidden\x1b[0m \x1b[2J\x1b]0;t\x07 \x1b[30;40m")
    assert out.getvalue() == (
        "\x1b[32m\x1b[1mok\x1b[0m \\u001b[8mhidden\x1b[0m \\u001b[2J\\u001b]0;t\\u0007 "
        "\\u001b[30;40m"
    )


def test_terminal_escapes_keep_json_valid_and_equal() -> None:
    value = {"id": "a\x1b[2J\x85b"}
    out = io.StringIO()
    TerminalStream(out).write(json.dumps(value, ensure_ascii=False))
    assert "\x1b" not in out.getvalue() and "\x85" not in out.getvalue()
    assert json.loads(out.getvalue()) == value


def test_md_text_is_inert() -> None:
    text = md_text("<br>|[a](https://x.example) www.y.example @team \\ done\nnext")
    assert "<" not in text and "](" not in text and "\n" not in text
    assert "\\|" in text and "@&#8203;team" in text
    assert "https&#8203;://" in text and "www&#8203;." in text


def test_md_code_outlasts_every_backtick_run_and_escapes_pipes() -> None:
    assert md_code("plain") == "`plain`"
    assert md_code("a``b") == "```a``b```"
    assert md_code("`x`") == "`` `x` ``"
    assert md_code("a|b\nc") == "`a\\|b\\u000ac`"


def test_md_code_block_fence_is_longer_than_any_run_inside() -> None:
    lines = md_code_block("x\n`````\n" + MARKER)
    assert lines[0] == "``````" and lines[-1] == "``````"
    assert MARKER not in "\n".join(lines)


def test_md_document_has_the_marker_once_at_the_top() -> None:
    body = md_document(["a", MARKER, f"b {MARKER}"])
    assert body.startswith(MARKER + "\n") and body.count(MARKER) == 1


def outside_code_spans(markdown: str) -> str:
    """``markdown`` without its code spans (a run of N backticks up to the next run of N)."""
    return re.sub(r"(?s)(`+)(.+?)(?<!`)\1(?!`)", " ", markdown)


def test_a_hostile_plan_renders_one_block_no_heading_no_link_no_mention() -> None:
    body = render("markdown", evil_plan())
    lines = body.splitlines()
    assert body.count(MARKER) == 1 and lines[0] == MARKER
    rows = [line for line in lines if line.startswith("<details><summary><code>~</code>")]
    assert len(rows) == 1 and rows[0].endswith("</summary>")  # the summary stays one line
    assert body.count("<details>") == 1 and body.count("</details>") == 1
    assert "|" not in rows[0].replace("\\|", "")  # no table cell can start
    assert not any(line.startswith("### Plan approved") for line in lines)
    markup = outside_code_spans(body)  # inside a code span GitHub shows text, never markup
    assert "<br>" not in markup and "<img" not in markup and "<b>" not in markup
    assert "](" not in markup
    assert not re.search(r"@(org|alice|bob)", markup)
    assert "+306945550201" not in body and "+30 •••••••• 01" in body
    assert "\x1b" not in body and "\x07" not in body


def test_a_hostile_plan_reaches_the_terminal_escaped_and_masked_when_asked() -> None:
    body = render("text", evil_plan(), RenderOptions(mask=True, color=True))
    assert "\x1b[2J" not in body and "\x1b]0" not in body and "\x07" not in body
    assert "prod\\u001b[2J" in body
    assert "+306945550201" not in body and "+30 •••••••• 01" in body
    assert "\n### Plan approved" not in body
    plain = render("text", evil_plan())
    assert "+306945550201" in plain  # the team's own terminal sees the number unless asked


def test_cli_output_escapes_a_file_name_with_escape_sequences(tmp_path: Path) -> None:
    (tmp_path / "campaigns").mkdir()
    (tmp_path / "campaigns" / "a\x1b[2J\x1b]0;pwned\x07.yaml").write_text("id: [\n")
    result = CliRunner().invoke(cli, ["validate", "--dir", str(tmp_path)])
    assert result.exit_code == 1
    assert "\x1b" not in result.output and "\x07" not in result.output
    assert "\\u001b]0;pwned\\u0007.yaml" in result.output


def test_plan_markdown_that_fails_writes_an_escaped_comment(tmp_path: Path) -> None:
    (tmp_path / "campaigns").mkdir()
    env = {"ROUTEE_API_URL": "http://127.0.0.1:9", "CAMPAIGNS_WORKSPACE": "production"}
    result = CliRunner().invoke(
        cli, ["plan", "--dir", str(tmp_path), "--format", "markdown"], env=env
    )
    assert result.exit_code == 1
    assert result.stdout.startswith(MARKER + "\n### campaigns plan: production")
    assert "```\n" in result.stdout and "campaigns init --workspace production" in result.stdout
    assert "Error: " in result.stderr  # the log keeps it too


DECLARATION = (
    "id: {id}\nfrom: '+306900000000'\nto: ['+306945550201']\n"
    "message: {{text: Hi, language: en-GB}}\nscheduledDate: '2030-01-01T09:00:00Z'\n"
)


def test_ci_or_mask_masks_numbers_in_the_text_plan(tmp_path: Path) -> None:
    (tmp_path / "campaigns").mkdir()
    for cid in ("one", "two"):  # a shared number: plan warns, quoting it
        (tmp_path / "campaigns" / f"{cid}.yaml").write_text(DECLARATION.format(id=cid))
    env = {"ROUTEE_API_URL": "http://127.0.0.1:9"}
    runner = CliRunner()
    assert runner.invoke(cli, ["init", "--dir", str(tmp_path)], env=env).exit_code == 0
    plain = runner.invoke(cli, ["plan", "--dir", str(tmp_path)], env=env)
    assert plain.exit_code == 0 and "+306945550201" in plain.stdout
    for args, extra in ((["--mask"], {}), ([], {"CI": "true"})):
        masked = runner.invoke(cli, ["plan", "--dir", str(tmp_path), *args], env=env | extra)
        assert masked.exit_code == 0
        assert "+306945550201" not in masked.output and "+30 •••••••• 01" in masked.stdout


def _escaped(char: str, single_line: bool) -> bool:
    """Whether a terminal must not see ``char`` as it is: C0 controls (newline and tab only
    when ``single_line``), DEL, C1 controls and the bidirectional marks and overrides."""
    code = ord(char)
    if char in "\n\t":
        return single_line
    bidi = code in (0x061C, 0x200E, 0x200F) or 0x202A <= code <= 0x202E or 0x2066 <= code <= 0x2069
    return code < 0x20 or 0x7F <= code <= 0x9F or bidi


def test_every_character_up_to_u3000_is_escaped_exactly_when_it_must_be() -> None:
    """Alone and inside printable text, with and without ``single_line``: also what proves the
    shortcut for printable ASCII (returned without a regex pass) answers as the escaping does."""
    for code in range(0x3000):
        char = chr(code)
        for single_line in (False, True):
            shown = f"\\u{code:04x}" if _escaped(char, single_line) else char
            assert for_terminal(char, single_line=single_line) == shown, hex(code)
            inside = for_terminal(f"ab{char}cd", single_line=single_line)
            assert inside == f"ab{shown}cd", hex(code)


def test_the_terminal_stream_escapes_every_character_up_to_u3000_as_its_pattern_says() -> None:
    """A chunk of plain lines passes whole (the ASCII shortcut); any character the stream must
    escape, in the middle of such a chunk, is escaped as when every write went through the
    pattern."""
    for code in range(0x3000):
        char = chr(code)
        text = f"line one\n  ab{char}cd\tx\n"
        out = io.StringIO()
        TerminalStream(out).write(text)
        shown = f"\\u{code:04x}" if _escaped(char, single_line=False) else char
        assert out.getvalue() == f"line one\n  ab{shown}cd\tx\n", hex(code)
