import os
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
        ("[workspaces.production\n", "campaigns.toml:1:23: "),
        (
            "[workspaces.production]\nmax_sendz = 1\n",
            "campaigns.toml:2:1: workspaces.production.max_sendz: unknown key",
        ),
        ("[workspaces.production]\nconcurrency = 0\n", "workspaces.production.concurrency"),
    ],
)
def test_bad_file_is_a_clear_error(tmp_path: Path, text: str, expected: str) -> None:
    (tmp_path / "campaigns.toml").write_text(text)
    with pytest.raises(ConfigError, match=expected.replace(".", r"\.")):
        load_config(tmp_path)


def test_each_problem_is_one_line_whatever_a_quoted_key_holds(tmp_path: Path) -> None:
    """A pull request can write a key with a line break: it must not forge a line of the log."""
    (tmp_path / "campaigns.toml").write_text(
        '[workspaces."a\\nPlan: 0 to send"]\nmax_sends = 1\n'
        '[policy]\n"bogus\\tPlan: 0 to send" = 1\n'
    )
    with pytest.raises(ConfigError) as raised:
        load_config(tmp_path)
    lines = str(raised.value).splitlines()
    assert len(lines) == 2
    assert "campaigns.toml: workspaces.a\\u000aPlan: 0 to send: 'a\\nPlan" in lines[0]
    assert lines[1].endswith("campaigns.toml:3:1: policy.bogus\\u0009Plan: 0 to send: unknown key")


@pytest.mark.parametrize("target", ["other.toml", "/dev/zero"])
def test_a_linked_configuration_is_refused_unread(tmp_path: Path, target: str) -> None:
    (tmp_path / "other.toml").write_text("[workspaces.production]\nmax_sends = 100000\n")
    (tmp_path / "campaigns.toml").symlink_to(target)
    with pytest.raises(ConfigError, match=r"campaigns\.toml: is a symbolic link; campaigns never"):
        load_config(tmp_path)


def test_a_configuration_must_be_a_small_regular_file(tmp_path: Path) -> None:
    (tmp_path / "campaigns.toml").write_bytes(b"# padding\n" * 200_000)
    with pytest.raises(ConfigError, match="more than the 1 MiB this file may hold"):
        load_config(tmp_path)
    (tmp_path / "campaigns.toml").unlink()
    os.mkfifo(tmp_path / "campaigns.toml")
    with pytest.raises(ConfigError, match="is a named pipe, not a regular file"):
        load_config(tmp_path)


def test_a_project_reached_through_a_link_reads_its_configuration(tmp_path: Path) -> None:
    (tmp_path / "real").mkdir()
    (tmp_path / "real" / "campaigns.toml").write_text("[workspaces.production]\nmax_sends = 7\n")
    (tmp_path / "link").symlink_to(tmp_path / "real", target_is_directory=True)
    config = load_config(tmp_path / "link")
    assert config.workspace("production", env={}).settings.max_sends == 7


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


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("connect.routee.net", "is not an https URL with a host"),
        ("ftp://connect.routee.net", "is not an https URL with a host"),
        ("https://", "is not an https URL with a host"),
        ("https://connect.routee.net:port", "is not a URL"),
        ("http://connect.routee.net", "plain http is allowed only for a loopback host"),
        ("https://connect.routee.net/?a=1", "no query or fragment"),
        ("https://connect.routee.net#x", "no query or fragment"),
        ("https://app:s3cr3t@connect.routee.net", "must not carry a user or password"),
    ],
)
def test_a_bad_endpoint_in_the_environment_is_refused(
    tmp_path: Path, url: str, expected: str
) -> None:
    with pytest.raises(ConfigError, match=expected) as caught:
        load_config(tmp_path).workspace("production", env={"ROUTEE_API_URL": url})
    assert str(caught.value).startswith("ROUTEE_API_URL: ")
    assert "s3cr3t" not in str(caught.value)


def test_a_bad_endpoint_in_the_file_names_its_line(tmp_path: Path) -> None:
    (tmp_path / "campaigns.toml").write_text(
        '[workspaces.production]\nmax_sends = 1\nauth_url = "http://auth.example.com"\n'
    )
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path)
    assert str(caught.value) == (
        f"{tmp_path / 'campaigns.toml'}:3:1: workspaces.production.auth_url: "
        "'http://auth.example.com': plain http is allowed only for a loopback host (the "
        "credentials travel to it); use https"
    )


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:9", "http://localhost:8585", "http://[::1]:9", "https://r.test/v1"]
)
def test_loopback_http_and_https_with_a_path_are_endpoints(tmp_path: Path, url: str) -> None:
    workspace = load_config(tmp_path).workspace("w", env={"ROUTEE_AUTH_URL": url})
    assert workspace.auth_url == url


def test_a_trailing_slash_names_the_same_endpoint(tmp_path: Path) -> None:
    (tmp_path / "campaigns.toml").write_text(
        '[workspaces.a]\napi_url = "https://connect.routee.net/"\n'
    )
    config = load_config(tmp_path)
    assert config.workspace("a", env={}).api_url == DEFAULT_API_URL
    env = {"ROUTEE_API_URL": "https://connect.routee.net/"}
    assert config.workspace("b", env=env).api_url == DEFAULT_API_URL


def test_every_problem_is_reported_by_line_with_the_nearest_key(tmp_path: Path) -> None:
    (tmp_path / "campaigns.toml").write_text(
        "# campaigns\n"
        "[workspaces.production]\n"
        "max_send = 1\n"
        'name_key = "nom"\n'
        "[declarations]\n"
        'languages = ["cs_CZ"]\n'
        "[workspaces.staging]\n"
        'canary_to = "6900000000"\n'
        "workspaces.other.concurrency = 0\n"
    )
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path)
    path = tmp_path / "campaigns.toml"
    assert str(caught.value).splitlines() == [
        f"{path}:3:1: workspaces.production.max_send: unknown key (did you mean max_sends?)",
        f"{path}:4:1: workspaces.production.name_key: Input should be 'name' or 'campaignName'",
        f"{path}:6:1: declarations.languages.0: 'cs_CZ' is not a language tag like cs-CZ "
        "(language-COUNTRY)",
        f"{path}:8:1: workspaces.staging.canary_to: '6900000000' is not a phone number in "
        "E.164 form (+306900000000)",
        f"{path}:9:1: workspaces.staging.workspaces: unknown key",
    ]


def test_a_syntax_error_names_line_and_column(tmp_path: Path) -> None:
    (tmp_path / "campaigns.toml").write_text("[workspaces.production]\nmax_sends = 1 2\n")
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path)
    assert str(caught.value).startswith(f"{tmp_path / 'campaigns.toml'}:2:15: ")


def test_canary_from_is_a_sender(tmp_path: Path) -> None:
    (tmp_path / "campaigns.toml").write_text(
        '[workspaces.a]\ncanary_from = "Routee"\n[workspaces.b]\ncanary_from = "+30 690"\n'
    )
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path)
    assert str(caught.value) == (
        f"{tmp_path / 'campaigns.toml'}:4:1: workspaces.b.canary_from: '+30 690' is not a "
        "sender: numeric (up to 16 digits, optional leading +) or alphanumeric (up to 11 "
        "letters and digits)"
    )
    (tmp_path / "campaigns.toml").write_text('[workspaces.a]\ncanary_from = "Routee"\n')
    assert load_config(tmp_path).workspace("a", env={}).settings.canary_from == "Routee"
