"""``campaigns schema [--out DIR]``: the JSON Schemas of this version, for editors and CI."""

from __future__ import annotations

from pathlib import Path

import click

from reconciler.cli.options import project_dir_option
from reconciler.scaffold.content import schema_files
from reconciler.scaffold.layout import Status, lay, survey


@click.command("schema")
@project_dir_option
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Directory to write them to. Default: schema/ in the project root.",
)
def command(project_dir: Path, out_dir: Path | None) -> None:
    """Write the JSON Schemas: campaign, defaults, state and plan.

    Declarations point at them with a first line such as
    `# yaml-language-server: $schema=../schema/campaign.schema.json`. The files are those of the
    installed version: run it again after an upgrade (files that differ are replaced).
    """
    # Below the project root, schema/ itself is checked too: a link there is never followed.
    root, files = (out_dir, schema_files()) if out_dir else (project_dir, schema_files("schema/"))
    surveyed = survey(root, files)
    lay(root, surveyed, force=True)
    for entry in surveyed:
        verb = "unchanged" if entry.status is Status.UNCHANGED else "wrote"
        click.echo(f"{verb:<10} {root / entry.file.path}")
