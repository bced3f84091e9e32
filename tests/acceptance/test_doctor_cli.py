"""``campaigns doctor`` through the real CLI: a canary number is checked before anything runs."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from reconciler.cli.main import cli


@pytest.mark.parametrize("number", ["abc", "6900000000", "+30 690 000 0000"])
def test_a_canary_number_that_is_not_e164_is_refused_before_any_call(
    tmp_path: Path, number: str
) -> None:
    (tmp_path / "campaigns").mkdir()
    result = CliRunner().invoke(
        cli, ["doctor", "--sandbox", "--dir", str(tmp_path), "--canary-to", number]
    )
    assert result.exit_code not in (0, 3), result.output
    assert (
        f"Invalid value for '--canary-to': {number!r} is not a phone number in E.164 form "
        "(+306900000000)"
    ) in result.stderr
    assert not (tmp_path / ".sandbox").exists()  # no sandbox started, no canary sent
    assert not (tmp_path / "state").exists()
