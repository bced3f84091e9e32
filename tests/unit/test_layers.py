"""The import rules of docs/architecture.md, checked on every import statement (lazy ones too)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import reconciler

PACKAGE = Path(reconciler.__file__).parent


def imported_modules(path: Path) -> set[str]:
    """Every module ``path`` imports anywhere (top level, in functions, under TYPE_CHECKING)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
            found.add(node.module)
    return found


def importers_of(top: str) -> set[str]:
    """The package's files (relative to it) that import ``top`` or one of its submodules."""
    return {
        path.relative_to(PACKAGE).as_posix()
        for path in PACKAGE.rglob("*.py")
        if any(m == top or m.startswith(f"{top}.") for m in imported_modules(path))
    }


def test_only_the_routee_layer_imports_httpx() -> None:
    assert {p for p in importers_of("httpx") if not p.startswith("routee/")} == set()


def test_only_the_loader_imports_ruamel() -> None:
    assert {p for p in importers_of("ruamel") if not p.startswith("load/")} == set()


def test_click_stays_in_the_cli_and_the_text_renderers_colours() -> None:
    outside = {p for p in importers_of("click") if not p.startswith("cli/")}
    assert outside == {"render/text.py"}


def sandbox_import_allowed(module: str) -> bool:
    top = module.split(".", maxsplit=1)[0]
    if top == "reconciler":
        return (
            module.startswith(("reconciler.sandbox", "reconciler.enums", "reconciler.errors"))
            or module == "reconciler"
        )
    return top in sys.stdlib_module_names or top in ("phonenumbers", "__future__")


def test_the_sandbox_imports_only_enums_errors_the_stdlib_and_phonenumbers() -> None:
    offending = {
        f"{path.name}: {module}"
        for path in (PACKAGE / "sandbox").rglob("*.py")
        for module in imported_modules(path)
        if not sandbox_import_allowed(module)
    }
    assert offending == set()


def test_the_sandbox_rule_catches_a_forbidden_import() -> None:
    assert not sandbox_import_allowed("reconciler.routee.client")
    assert not sandbox_import_allowed("httpx")
    assert sandbox_import_allowed("reconciler.errors.CampaignsError")
    assert sandbox_import_allowed("http.server")


def test_the_diff_is_pure_it_loads_no_io_layer() -> None:
    check = (
        "import sys, reconciler.plan.diff\n"
        "heavy = ('httpx', 'click', 'ruamel', 'reconciler.state', 'reconciler.routee',"
        " 'reconciler.load', 'reconciler.apply', 'reconciler.cli', 'reconciler.sandbox',"
        " 'reconciler.render', 'reconciler.config')\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in heavy or m.startswith(heavy)))"
    )
    out = subprocess.run(
        [sys.executable, "-c", check], capture_output=True, text=True, check=True, timeout=60
    )
    assert out.stdout.strip() == "[]"
