"""``campaigns help [TOPIC]``: the manual (docs/*.md), from the installed tool."""

from __future__ import annotations

import click

from reconciler.manual import page, topics


@click.command("help")
@click.argument("topic", required=False)
def command(topic: str | None) -> None:
    """Show a page of the manual, or list the topics.

    The same pages as docs/ in the tool's repository, for the installed version: every message
    that says `campaigns help TOPIC` points here.
    """
    if topic is None:
        click.echo("Topics (campaigns help TOPIC):")
        for entry in topics():
            click.echo(f"  {entry.name:<16} {entry.title}")
        return
    click.echo(page(topic), nl=False)
