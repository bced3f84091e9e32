"""``campaigns sandbox``: run the local Routee simulator on loopback until Ctrl-C or SIGTERM."""

from __future__ import annotations

import contextlib
import logging
import signal
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING

import click

from reconciler.sandbox.options import (
    EMPTY_TRACKING_MODES,
    NAME_KEYS,
    POST_DELETE_MODES,
    SandboxOptions,
)

if TYPE_CHECKING:  # the server (and its HTTP stack) loads only when the sandbox runs
    from reconciler.sandbox.server import RunningSandbox

DEFAULT_PORT = 8585
RATE = click.FloatRange(0.0, 1.0)


@click.command("sandbox")
@click.option("--host", default="127.0.0.1", show_default=True, help="Loopback address to bind.")
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=DEFAULT_PORT,
    show_default=True,
    help="Port to listen on; 0 picks a free one.",
)
@click.option(
    "--data-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path(".sandbox"),
    show_default=True,
    help="Where campaigns and the account identity are kept between runs.",
)
@click.option(
    "--application-id",
    default="sandbox",
    show_default=True,
    help="Application id the token endpoint accepts (Basic auth user).",
)
@click.option(
    "--application-secret",
    default="sandbox",
    help="Secret the token endpoint accepts (default: sandbox). Never printed.",
)
@click.option("--latency-ms", type=click.IntRange(min=0), default=0, help="Delay per API request.")
@click.option("--error-rate", type=RATE, default=0.0, help="P(500) on campaign POST/DELETE.")
@click.option("--rate-limit-rate", type=RATE, default=0.0, help="P(429) on campaign POST/DELETE.")
@click.option("--reset-rate", type=RATE, default=0.0, help="P(connection reset before work).")
@click.option(
    "--lose-response-rate", type=RATE, default=0.0, help="P(work done, then no response)."
)
@click.option(
    "--no-name-uniqueness", is_flag=True, help="Accept a second campaign with a used name."
)
@click.option(
    "--name-key",
    type=click.Choice(NAME_KEYS),
    default="name",
    show_default=True,
    help="The one request key the campaign name is read from; the other is ignored "
    "('name' is Routee's published voice key; the answer always echoes it as campaignName).",
)
@click.option(
    "--empty-tracking",
    type=click.Choice(EMPTY_TRACKING_MODES),
    default="404",
    show_default=True,
    help="What the tracking of a campaign with no messages (yet) answers: 404 (404005000, as "
    "SMS tracking documents) or an empty page.",
)
@click.option(
    "--post-delete",
    type=click.Choice(POST_DELETE_MODES),
    default="404",
    show_default=True,
    help="What a cancelled campaign answers afterwards: 404 (404009001), or 'record' (kept; "
    "a DELETE gets 400009002, tracking is empty).",
)
@click.option(
    "--tracking-includes-campaign-id",
    is_flag=True,
    help="Add campaignTrackingId to tracking items.",
)
@click.option("--seed", type=int, default=None, help="Seed the fault dice (reproducible faults).")
@click.option(
    "--verbose",
    "-v",
    is_flag=True,
    help="Also log every request and callback attempt on stderr.",
)
def command(
    *,
    host: str,
    port: int,
    data_dir: Path,
    application_id: str,
    application_secret: str,
    latency_ms: int,
    error_rate: float,
    rate_limit_rate: float,
    reset_rate: float,
    lose_response_rate: float,
    no_name_uniqueness: bool,
    name_key: str,
    empty_tracking: str,
    post_delete: str,
    tracking_includes_campaign_id: bool,
    seed: int | None,
    verbose: bool,
) -> None:
    """Serve a local Routee voice API (token, campaigns, tracking) on loopback.

    Point a workspace at it with ROUTEE_API_URL and ROUTEE_AUTH_URL set to the printed URL.
    Controls live under /_sandbox/ (see `campaigns help sandbox`). Stops on Ctrl-C or SIGTERM.

    One sandbox at a time may use a data directory. `campaigns apply --sandbox` (and any
    --sandbox command that calls Routee) starts its own sandbox on .sandbox: stop this server, or
    give it another --data-dir, before running those in the same project.

    Callbacks are POSTed to loopback URLs only; each other callback URL is named once on stderr
    and never called. --verbose adds a line per request.
    """
    options = SandboxOptions(
        latency_ms=latency_ms,
        error_rate=error_rate,
        rate_limit_rate=rate_limit_rate,
        reset_rate=reset_rate,
        lose_response_rate=lose_response_rate,
        seed=seed,
        name_uniqueness=not no_name_uniqueness,
        name_key=name_key,
        empty_tracking=empty_tracking,
        post_delete=post_delete,
        tracking_includes_campaign_id=tracking_includes_campaign_id,
    )
    with _server_log(verbose):
        running = _start(data_dir, host, port, (application_id, application_secret), options)
        with running:
            click.echo(
                f"Routee sandbox listening on {running.base_url} (account {running.account_id})"
            )
            click.echo(f"  ROUTEE_API_URL={running.base_url} ROUTEE_AUTH_URL={running.base_url}")
            click.echo(f"  application id: {application_id}; data: {data_dir}")
            _wait_for_stop()
    click.echo("Routee sandbox stopped.")


def _start(
    data_dir: Path, host: str, port: int, credentials: tuple[str, str], options: SandboxOptions
) -> RunningSandbox:
    """Start serving; a ``SandboxError`` (busy port, data in use...) reaches the CLI's handler."""
    from reconciler.sandbox.server import start_sandbox

    return start_sandbox(
        data_dir,
        host,
        port,
        application_id=credentials[0],
        application_secret=credentials[1],
        options=options,
    )


@contextlib.contextmanager
def _server_log(verbose: bool) -> Iterator[None]:
    """Show the sandbox's INFO messages (DEBUG with --verbose) on stderr while it serves.

    Only the standalone server does this; a sandbox embedded by ``--sandbox`` logs nothing below
    WARNING, so skipped callbacks do not clutter a plan or an apply.
    """
    logger = logging.getLogger("reconciler.sandbox")
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("sandbox: %(message)s"))
    previous = logger.level
    logger.setLevel(logging.DEBUG if verbose else logging.INFO)
    logger.addHandler(handler)
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.setLevel(previous)


def _wait_for_stop() -> None:
    """Block until SIGTERM or Ctrl-C; both end the command normally."""
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    previous = signal.signal(signal.SIGTERM, on_signal)
    try:
        while not stop.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)
