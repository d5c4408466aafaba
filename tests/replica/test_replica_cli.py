"""`coopwatch replica serve` runs the replica in the foreground until Ctrl-C (SIGINT)."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
import urllib.request

from replica.server import free_socket

# The replica area's own Typer app: what `coopwatch` adds to its commands.
SCRIPT = "from coopwatch.cli_replica import app; app()"


def test_replica_serve_answers_and_stops_on_ctrl_c() -> None:
    sock = free_socket()
    port = sock.getsockname()[1]
    sock.close()  # uvicorn binds it again (SO_REUSEADDR)
    process = subprocess.Popen([sys.executable, "-c", SCRIPT, "replica", "serve", "--port",
                                str(port)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline, body = time.monotonic() + 20, b""
        while time.monotonic() < deadline and not body:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/robots.txt",
                                            timeout=1) as response:
                    body = response.read()
            except OSError:
                time.sleep(0.1)
        assert b"Disallow: /en/Search" in body
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=10) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
