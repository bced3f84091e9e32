"""apply's progress display: a bar under the action lines on a terminal, the lines alone elsewhere."""

from __future__ import annotations

import io
import threading

import pytest

from reconciler.apply.results import ActionResult, ResultStatus
from reconciler.cli.commands.apply import ClickApplyView
from reconciler.cli.progress import ERASE_LINE, ProgressBar, bar_text
from reconciler.models.intent import CancelIntent, CancelReason
from reconciler.models.plan import Cancel, Forget


def forget(campaign_id: str) -> ActionResult:
    return ActionResult(Forget(id=campaign_id), ResultStatus.DONE)


def failed(campaign_id: str) -> ActionResult:
    intent = CancelIntent(id=campaign_id, tracking_id="t-1", reason=CancelReason.CANCEL)
    action = Cancel(
        id=campaign_id,
        cancel=intent,
        submission_name=f"{campaign_id}-seq1",
        revision=1,
        spec_hash="sha256:s",
        decl_hash="sha256:d",
        before={"to": ["+306911111111"]},
    )
    return ActionResult(action, ResultStatus.FAILED, message="not scheduled")


@pytest.mark.parametrize(
    ("done", "total", "text"),
    [
        (0, 4, "[--------------------] 0/4"),
        (1, 4, "[#####---------------] 1/4"),
        (3, 10, "[######--------------] 3/10"),
        (4, 4, "[####################] 4/4"),
        (0, 0, "[####################] 0/0"),
    ],
)
def test_bar_text_fills_in_proportion(done: int, total: int, text: str) -> None:
    assert bar_text(done, total) == text


def test_lines_are_printed_above_the_bar_which_is_redrawn() -> None:
    out = io.StringIO()
    bar = ProgressBar(out, 2)
    bar.draw()
    bar.advance("+ send a")
    bar.advance("+ send b")
    bar.close()
    assert out.getvalue() == (
        f"{ERASE_LINE}[--------------------] 0/2"
        f"{ERASE_LINE}+ send a\n[##########----------] 1/2"
        f"{ERASE_LINE}+ send b\n[####################] 2/2"
        "\n"
    )


def test_close_before_drawing_writes_nothing_and_hidden_passes_through() -> None:
    out = io.StringIO()
    bar = ProgressBar(out, 3)
    with bar.hidden():
        out.write("note\n")
    bar.close()
    assert out.getvalue() == "note\n"


def test_advancing_from_many_threads_counts_every_line() -> None:
    out = io.StringIO()
    bar = ProgressBar(out, 400)
    bar.draw()

    def work(worker: int) -> None:
        for index in range(50):
            bar.advance(f"line {worker}-{index}")

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    bar.close()
    text = out.getvalue()
    assert bar.done == 400
    assert text.endswith("[####################] 400/400\n")
    lines = [part.split("\n")[0] for part in text.split(ERASE_LINE) if part.startswith("line ")]
    assert sorted(lines) == sorted(f"line {w}-{i}" for w in range(8) for i in range(50))


def test_off_a_terminal_only_the_action_lines_are_printed(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with ClickApplyView(tty=False) as view:
        view.start(2)
        view.finished(forget("a"))
        view.note("a note")
        view.finished(failed("b"))
    captured = capsys.readouterr()
    assert captured.out == "~ forget a\n! cancel b failed: not scheduled\n"
    assert captured.err == "a note\n"


def test_on_a_terminal_a_bar_follows_the_lines_and_notes(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with ClickApplyView(tty=True) as view:
        view.start(2)
        view.finished(forget("a"))
        view.note("a note")
        view.finished(failed("b"))
    captured = capsys.readouterr()
    assert captured.out == (
        f"{ERASE_LINE}[--------------------] 0/2"
        f"{ERASE_LINE}~ forget a\n[##########----------] 1/2"
        f"{ERASE_LINE}[##########----------] 1/2"
        f"{ERASE_LINE}! cancel b failed: not scheduled\n[####################] 2/2"
        "\n"
    )
    assert captured.err == "a note\n"


def test_the_bar_line_is_ended_when_the_apply_stops_part_way(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(RuntimeError), ClickApplyView(tty=True) as view:
        view.start(3)
        view.finished(forget("a"))
        raise RuntimeError("lost the journal")
    assert capsys.readouterr().out.endswith("[######--------------] 1/3\n")
