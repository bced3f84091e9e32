from pathlib import Path

import pytest

from reconciler.config import DEFAULT_API_URL, load_config
from reconciler.errors import ConfigError


def test_missing_file_means_defaults(tmp_path: Path) -> None:
    config = load_config(tmp_path)
    workspace = config.workspace("production", env={})
    assert workspace.api_url == DEFAULT_API_URL
    assert workspace.settings.max_sends == 100
    assert workspace.settings.max_recipients == 50_000
    assert "el-GR" in config.languages


def test_file_and_environment(tmp_path: Path) -> None:
    (tmp_path / "campaigns.toml").write_text(
        '[declarations]\nlanguages = ["cs-CZ"]\n'
        '[workspaces.production]\napi_url = "https://api.example.test"\nmax_sends = 5\n'
    )
    config = load_config(tmp_path)
    assert "cs-CZ" in config.languages
    assert config.workspace("production", env={}).api_url == "https://api.example.test"
    assert config.workspace("production", env={}).settings.max_sends == 5
    env = {"ROUTEE_API_URL": "http://127.0.0.1:9", "ROUTEE_AUTH_URL": "http://127.0.0.1:9"}
    assert config.workspace("production", env=env).api_url == "http://127.0.0.1:9"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[workspaces.production\n", "campaigns.toml: "),
        (
            "[workspaces.production]\nmax_sendz = 1\n",
            "workspaces.production.max_sendz: Extra inputs",
        ),
        ("[workspaces.production]\nconcurrency = 0\n", "workspaces.production.concurrency"),
    ],
)
def test_bad_file_is_a_clear_error(tmp_path: Path, text: str, expected: str) -> None:
    (tmp_path / "campaigns.toml").write_text(text)
    with pytest.raises(ConfigError, match=expected.replace(".", r"\.")):
        load_config(tmp_path)


def test_not_utf8(tmp_path: Path) -> None:
    (tmp_path / "campaigns.toml").write_bytes(b"a = '\xff'\n")
    with pytest.raises(ConfigError, match="not UTF-8"):
        load_config(tmp_path)


def test_missing_directory(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        load_config(tmp_path / "nope")


@pytest.mark.parametrize("name", ["../evil", "a/b", ".hidden", "", "x" * 65, "a b"])
def test_a_workspace_name_cannot_escape_state_dir(tmp_path: Path, name: str) -> None:
    with pytest.raises(ConfigError, match="is not a workspace name"):
        load_config(tmp_path).workspace(name, env={})


def test_config_file_workspace_names_are_checked(tmp_path: Path) -> None:
    (tmp_path / "campaigns.toml").write_text('[workspaces."../prod"]\nmax_sends = 1\n')
    with pytest.raises(ConfigError, match="is not a workspace name"):
        load_config(tmp_path)
