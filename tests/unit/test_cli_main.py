from click.testing import CliRunner

from reconciler.cli.main import cli


def test_help_lists_exit_codes() -> None:
    result = CliRunner().invoke(cli, ["--help"])
    assert result.exit_code == 0
    assert "4  a guard tripped" in result.output


def test_version() -> None:
    result = CliRunner().invoke(cli, ["--version"])
    assert result.exit_code == 0
    assert "campaigns, version" in result.output


def test_workspace_option_refuses_a_path(tmp_path) -> None:
    result = CliRunner().invoke(cli, ["init", "--dir", str(tmp_path), "--workspace", "../evil"])
    assert result.exit_code != 0
    assert "'../evil' is not a workspace name" in result.output
    assert not (tmp_path / "evil.json").exists()
    assert not (tmp_path / "state").exists()


def test_a_usage_error_exits_1_never_2_which_means_changes_present() -> None:
    result = CliRunner().invoke(cli, ["plan", "--detailed-exitcode", "--bogus"])
    assert result.exit_code == 1
    assert "No such option '--bogus'" in result.output


def test_an_interrupt_exits_1_with_a_message(monkeypatch) -> None:
    from reconciler.cli.commands import validate

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(validate, "load_project", interrupted)
    result = CliRunner().invoke(cli, ["validate"])
    assert result.exit_code == 1
    assert "Interrupted." in result.output


def test_the_console_script_maps_a_usage_error_to_1() -> None:
    import subprocess
    import sys
    from pathlib import Path

    script = Path(sys.executable).with_name("campaigns")
    done = subprocess.run([script, "status", "--nope"], capture_output=True, text=True, check=False)
    assert done.returncode == 1
    assert "No such option" in done.stderr
