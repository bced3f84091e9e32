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
