"""``campaigns`` loads no pydantic plugin: an installed one would see every value validated."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

#: A plugin that says it was loaded by writing a file: proof that it could see the data.
SPY = """\
import os
from pathlib import Path

Path(os.environ["SPY_MARKER"]).write_text("loaded")


class Spy:
    def new_schema_validator(self, *args, **kwargs):
        return None, None, None


plugin = Spy()
"""


def install_spy(site: Path) -> None:
    (site / "spy_plugin.py").write_text(SPY)
    info = site / "spy_plugin-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: spy-plugin\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text("[pydantic]\nspy = spy_plugin:plugin\n")


def run(code: str, site: Path, marker: Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "PYDANTIC_DISABLE_PLUGINS"}
    env |= {"PYTHONPATH": os.pathsep.join([str(site), *sys.path]), "SPY_MARKER": str(marker)}
    return subprocess.run(
        [sys.executable, "-c", code],
        check=False,
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_an_installed_pydantic_plugin_is_not_loaded_by_the_command(tmp_path: Path) -> None:
    site, marker = tmp_path / "site", tmp_path / "marker"
    site.mkdir()
    install_spy(site)
    (tmp_path / "project").mkdir()
    # Control: where pydantic is used directly, the installed plugin is loaded.
    direct = run("import pydantic\nclass M(pydantic.BaseModel): x: int", site, marker, tmp_path)
    assert direct.returncode == 0, direct.stderr
    assert marker.read_text() == "loaded"
    marker.unlink()
    command = "import sys\nfrom reconciler.cli.main import main\nsys.argv = ['campaigns', 'validate']\nmain()"
    result = run(command, site, marker, tmp_path / "project")
    assert "campaigns/" in result.stderr  # the command ran (and found no campaigns directory)
    assert not marker.exists()
