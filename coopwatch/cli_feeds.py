"""`coopwatch feed build` and `coopwatch serve`: thin layers over feeds.static and web.server.

Wired into the main command by `register(app)`, which coopwatch.cli calls after defining the
shared helpers imported here.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from coopwatch.common import config, db_session, emit_json, fail
from core.config import ConfigError
from feeds.static import write_static
from storage.db import DatabaseUnavailable


def feed_build(
    out: Annotated[Path, typer.Option("--out", help="Directory to write the feeds into",
                                      file_okay=False)],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of lines")] = False,
) -> None:
    """Write the feeds as static files: OUT/index.html and OUT/feeds/{all,osce,interpol}.{atom,rss}.

    Serve OUT as the web root at COOPWATCH_PUBLIC_URL (nginx, object storage): the feeds'
    rel="self" links point there.

    Example:  COOPWATCH_PUBLIC_URL=https://feeds.example.org coopwatch feed build --out site"""
    cfg = config()
    try:
        with db_session(cfg) as session:
            written = write_static(session, cfg, out)
    except (ConfigError, OSError) as err:
        fail(str(err))
    if as_json:
        emit_json(written)
        return
    for entry in written:
        typer.echo(f"{entry['path']}  ({entry['bytes']} bytes)  {entry['url']}")


def serve(
    host: Annotated[str | None, typer.Option(help="Address to bind [COOPWATCH_HOST]")] = None,
    port: Annotated[int | None, typer.Option(help="Port to bind [COOPWATCH_PORT]")] = None,
    get: Annotated[str | None, typer.Option(
        "--get", help="Run one request in-process, print the body and exit (no port)")] = None,
) -> None:
    """Serve the feeds over HTTP (ETag/304, /healthz, an index page at /).

    Example:  coopwatch serve --port 8080
              coopwatch serve --get /feeds/all.atom"""
    # Imported here: FastAPI and uvicorn would add half a second to every other command.
    from web.app import create_app
    from web.server import make_server, request_in_process

    cfg = config()
    host = host or str(cfg["COOPWATCH_HOST"])
    try:
        port = cfg.get_int("COOPWATCH_PORT") if port is None else port
        if not 0 < port < 2**16:
            raise ConfigError(f"port {port} (--port or COOPWATCH_PORT) is not a TCP port: "
                              "use 1-65535")
        if get is not None:
            response = request_in_process(create_app(cfg), get, host, port)
        else:
            server = make_server(cfg, host, port, embedded=False)
    except (ConfigError, DatabaseUnavailable) as err:
        fail(str(err))
    if get is None:
        typer.echo(f"serving the feeds at http://{host}:{port}/ (Ctrl-C to stop)", err=True)
        server.run()
        return
    # Status and headers on stderr, the body alone on stdout: `--get … > all.atom` works.
    typer.echo(f"HTTP {response.status}", err=True)
    for name, value in response.headers:
        typer.echo(f"{name}: {value}", err=True)
    stdout = typer.get_binary_stream("stdout")
    stdout.write(response.body)
    stdout.flush()
    if response.status >= 400:
        raise typer.Exit(1)


app = typer.Typer()
feed_app = typer.Typer(help="The RSS/Atom feeds.", no_args_is_help=True)
feed_app.command("build")(feed_build)
app.add_typer(feed_app, name="feed")
app.command("serve")(serve)
