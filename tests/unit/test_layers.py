"""The import rules of docs/architecture.md, checked on every import statement (lazy ones too)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

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


def test_click_stays_in_the_cli_renderers_take_a_stream() -> None:
    outside = {p for p in importers_of("click") if not p.startswith("cli/")}
    assert outside == set()


def test_nothing_imports_the_cli() -> None:
    assert {p for p in importers_of("reconciler.cli") if not p.startswith("cli/")} == set()


#: What a module of the plan layer may not import: I/O, and the layers that do it.
PLAN_FORBIDDEN = (
    "os",
    "io",
    "pathlib",
    "shutil",
    "tempfile",
    "socket",
    "subprocess",
    "httpx",
    "click",
    "ruamel",
    "reconciler.state",
    "reconciler.load",
    "reconciler.routee",
    "reconciler.apply",
    "reconciler.usecases",
    "reconciler.cli",
    "reconciler.sandbox",
    "reconciler.render",
    "reconciler.config",
    "reconciler.gitrepo",
)
PLAN_MODULES = sorted(
    path.relative_to(PACKAGE).as_posix() for path in (PACKAGE / "plan").rglob("*.py")
)


def plan_layer_violations(path: Path) -> set[str]:
    """Forbidden imports of ``path``, and calls of the ``open`` builtin."""
    found = {
        module
        for module in imported_modules(path)
        if any(module == f or module.startswith(f"{f}.") for f in PLAN_FORBIDDEN)
    }
    tree = ast.parse(path.read_text(encoding="utf-8"))
    calls = (n for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name))
    found.update("open()" for call in calls if call.func.id == "open")  # type: ignore[attr-defined]
    return found


@pytest.mark.parametrize("name", PLAN_MODULES)
def test_the_plan_layer_does_no_io(name: str) -> None:
    assert plan_layer_violations(PACKAGE / name) == set()


def test_the_plan_rule_catches_io(tmp_path: Path) -> None:
    module = tmp_path / "bad.py"
    module.write_text("from pathlib import Path\nimport reconciler.state.store\nopen('x')\n")
    assert plan_layer_violations(module) == {
        "pathlib",
        "pathlib.Path",
        "reconciler.state.store",
        "open()",
    }
    assert "plan/saved.py" in PLAN_MODULES and len(PLAN_MODULES) > 5


def sandbox_import_allowed(module: str) -> bool:
    top = module.split(".", maxsplit=1)[0]
    if top == "reconciler":
        return (
            module.startswith(
                (
                    "reconciler.sandbox",
                    "reconciler.enums",
                    "reconciler.errors",
                    "reconciler.safefile",
                )
            )
            or module == "reconciler"
        )
    return top in sys.stdlib_module_names or top in ("phonenumbers", "__future__")


def test_the_sandbox_imports_only_enums_errors_safefile_the_stdlib_and_phonenumbers() -> None:
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


def test_the_plan_layer_loads_no_io_layer() -> None:
    names = (
        m.removesuffix(".py").replace("/", ".").removesuffix(".__init__") for m in PLAN_MODULES
    )
    imports = "".join(f"import reconciler.{name}\n" for name in names)
    check = (
        f"import sys\n{imports}"
        "heavy = ('httpx', 'click', 'ruamel', 'reconciler.state', 'reconciler.routee',"
        " 'reconciler.load', 'reconciler.apply', 'reconciler.cli', 'reconciler.sandbox',"
        " 'reconciler.render', 'reconciler.config', 'reconciler.usecases')\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in heavy or m.startswith(heavy)))"
    )
    out = subprocess.run(
        [sys.executable, "-c", check], capture_output=True, text=True, check=True, timeout=60
    )
    assert out.stdout.strip() == "[]"


def test_safefile_shared_with_the_sandbox_imports_only_the_stdlib() -> None:
    modules = imported_modules(PACKAGE / "safefile.py")
    assert {m for m in modules if m.split(".")[0] not in sys.stdlib_module_names} == set()
