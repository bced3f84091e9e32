"""``campaigns schema [--out DIR]``: the JSON Schemas of this version, for editors and CI."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from reconciler.cli.options import project_dir_option
from reconciler.render.scaffold import render_schemas
from reconciler.usecases.scaffold import write_schemas


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
    root, under = (out_dir, "") if out_dir else (project_dir, "schema/")
    render_schemas(root, write_schemas(root, under), sys.stdout)
