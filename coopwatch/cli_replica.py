"""`coopwatch replica serve` and `coopwatch capture`: the local replica and fixture capture.

The main CLI calls register(app); both commands are thin layers over replica and
coopwatch.capture.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from coopwatch.capture import CaptureError, capture
from core.config import ConfigError, load_config
from core.sources import SOURCES
from crawler.pages.fixtures import KINDS


def serve(
    host: Annotated[str, typer.Option(help="Address to bind; keep it local.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8090,
) -> None:
    """Serve the replica of the OSCE and INTERPOL news sections (and /wire/, a third
    party's newsroom) until Ctrl-C.

    Example:  coopwatch replica serve --port 8090   (then: coopwatch crawl osce
    --base-url http://127.0.0.1:8090)"""
    import uvicorn  # only this command needs the server

    from replica.app import create_app

    uvicorn.run(create_app(), host=host, port=port, log_level="info")


def capture_command(
    source: Annotated[str, typer.Argument(help=" or ".join(SOURCES))],
    urls: Annotated[list[str], typer.Argument(help="One or more page URLs.")],
    out: Annotated[Path, typer.Option(help="Fixtures folder.")] = Path("tests/pages"),
    kind: Annotated[str, typer.Option(help="article, listing or feed.")] = "article",
    force: Annotated[bool, typer.Option(help="Replace an existing case.")] = False,
) -> None:
    """Save pages as page-object fixtures: input.html, meta.json and a drafted expected.json
    (review it before committing).

    Example:  coopwatch capture osce http://127.0.0.1:8090/secretariat/441263 --kind article"""
    # typer.* exceptions, not click.*: Typer 0.29 runs on its own copy of click and lets a
    # click.ClickException through as a traceback.
    if kind not in KINDS:
        raise typer.BadParameter(f"{kind!r}; use one of {', '.join(KINDS)}", param_hint="--kind")
    try:
        user_agent = load_config()["COOPWATCH_USER_AGENT"]
    except ConfigError as err:
        typer.echo(f"error: {err}", err=True)
        raise typer.Exit(code=1) from err
    failed = 0
    for url in urls:
        try:
            case = capture(source, url, out_dir=out, kind=kind, user_agent=user_agent,
                           force=force)
        except CaptureError as err:
            typer.echo(f"error: {err}", err=True)
            failed += 1
        else:
            typer.echo(f"captured {case}")
    if failed:
        raise typer.Exit(code=1)


app = typer.Typer()
replica = typer.Typer(help="The local replica of the two news sections.",
                      no_args_is_help=True)
replica.command("serve")(serve)
app.add_typer(replica, name="replica")
app.command("capture")(capture_command)
