"""Lazy command loading: names come from module names, and importing one module gives that command."""

from __future__ import annotations

import importlib
import pkgutil
import subprocess
import sys

import click
import pytest
from click.testing import CliRunner

from reconciler.cli import commands
from reconciler.cli.main import LazyCommands, cli, command_name

MODULES = sorted(info.name for info in pkgutil.iter_modules(commands.__path__))


def test_command_names_follow_module_names() -> None:
    assert command_name("force_unlock") == "force-unlock"
    assert command_name("import_cmd") == "import"
    assert command_name("plan") == "plan"


@pytest.mark.parametrize("module_name", MODULES)
def test_every_module_defines_the_command_list_commands_advertises(module_name: str) -> None:
    module = importlib.import_module(f"{commands.__name__}.{module_name}")
    command = getattr(module, "command", None)
    assert isinstance(command, click.Command), f"{module_name} has no click command"
    advertised = cli.list_commands(click.Context(cli))
    assert command.name == command_name(module_name)
    assert command.name in advertised


def test_list_commands_is_every_module_and_nothing_else() -> None:
    assert cli.list_commands(click.Context(cli)) == sorted(command_name(m) for m in MODULES)


def test_listing_imports_no_command_module() -> None:
    script = (
        "import sys, click; from reconciler.cli.main import cli; "
        "names = cli.list_commands(click.Context(cli)); "
        "loaded = [m for m in sys.modules if m.startswith('reconciler.cli.commands.')]; "
        "print(len(names), loaded)"
    )
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=60
    )
    assert out.stdout.strip() == f"{len(MODULES)} []"


def test_a_command_imports_only_its_own_module() -> None:
    script = (
        "import sys; from reconciler.cli.main import cli\n"
        "try:\n    cli(['validate', '--help'])\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in sys.modules if m.startswith('reconciler.cli.commands.')))"
    )
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=60
    )
    assert out.stdout.strip().splitlines()[-1] == "['reconciler.cli.commands.validate']"


def test_help_lists_every_command() -> None:
    result = CliRunner().invoke(cli, ["--help"])
    assert result.exit_code == 0
    for module_name in MODULES:
        assert f"  {command_name(module_name)} " in result.output


def test_unknown_command_is_a_usage_error_with_a_suggestion() -> None:
    result = CliRunner().invoke(cli, ["imprt"])
    assert result.exit_code == 1
    assert "No such command 'imprt'" in result.output
    assert "import" in result.output


def test_mapping_behaves_like_a_dict_of_commands() -> None:
    lazy = LazyCommands(commands)
    extra = click.Command("extra")
    lazy["extra"] = extra
    assert lazy["extra"] is extra and "extra" in lazy and len(lazy) == len(MODULES) + 1
    del lazy["extra"]
    del lazy["plan"]
    assert "plan" not in lazy and lazy.get("plan") is None
    with pytest.raises(KeyError):
        del lazy["plan"]
