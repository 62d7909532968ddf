"""Serve the built site with live code (``make serve``).

Two servers, both bound to 127.0.0.1 only:

- the site (``_build/html``) at ``http://127.0.0.1:8000``, which also answers
  ``/_live/config.json``: where the kernel server listens and its token;
- a Jupyter server (jupyter-server) at ``127.0.0.1:8888``, with a new random token each run,
  that accepts requests from the site's origin only. Its kernels run this project's Python
  (``dl_lib`` installed) with the environment the build gives each page, in a temporary
  folder that is deleted at the end: a reader's edits live in the page and the kernel, never
  in the repository's files.

A page's "Live code" button (``book_theme/static/dl-live.js``) reads the config and, with
thebe, makes the page's code cells editable and runnable against that kernel. Elsewhere
(the static site opened from disk or another server) the config is missing and the button
explains how to start this script.

    python scripts/serve.py [--html _build/html] [--port 8000] [--kernel-port 8888]
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import secrets
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections import deque
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from threading import Event, Thread

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
from page_cache import KERNEL_ENV  # noqa: E402

HOST = "127.0.0.1"
CONFIG_PATH = "/_live/config.json"


def site_origins(port: int) -> str:
    """The pattern of the origins the kernel server accepts: the site, by either local name.

    >>> import re
    >>> bool(re.fullmatch(site_origins(8000), "http://localhost:8000"))
    True
    >>> bool(re.fullmatch(site_origins(8000), "http://127.0.0.1:8001"))
    False
    """
    return rf"http://(127\.0\.0\.1|localhost):{port}"


def live_config(kernel_port: int, token: str) -> dict[str, str]:
    """What a page needs to reach the kernel server (thebe's ``serverSettings``).

    >>> live_config(8888, "abc")["wsUrl"]
    'ws://127.0.0.1:8888/'
    """
    return {"baseUrl": f"http://{HOST}:{kernel_port}/", "wsUrl": f"ws://{HOST}:{kernel_port}/",
            "token": token}


def jupyter_command(site_port: int, kernel_port: int, token: str, root: Path) -> list[str]:
    """The command line of the kernel server: local, token-protected, the site's origin only.

    >>> cmd = jupyter_command(8000, 8888, "abc", Path("/tmp/x"))
    >>> "--ServerApp.ip=127.0.0.1" in cmd and "--IdentityProvider.token=abc" in cmd
    True
    """
    return [sys.executable, "-m", "jupyter_server", "--no-browser",
            f"--ServerApp.ip={HOST}", f"--ServerApp.port={kernel_port}",
            "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}",
            f"--ServerApp.allow_origin_pat={site_origins(site_port)}",
            "--ServerApp.terminals_enabled=False", f"--ServerApp.root_dir={root}",
            # It refuses to start as root otherwise (containers, CI): local and token-bound.
            f"--ServerApp.allow_root={os.geteuid() == 0}"]


class SiteHandler(SimpleHTTPRequestHandler):
    """The built site's files, and the live-code config at ``CONFIG_PATH``."""

    config: dict[str, str] = {}

    def do_GET(self) -> None:  # noqa: N802 (the standard library's name)
        if self.path.split("?")[0] != CONFIG_PATH:
            super().do_GET()
            return
        body = json.dumps(self.config).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Cache-Control", "no-store")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass  # one line per file of every page is noise; errors still reach the reader's page


def wait_for_kernel_server(config: dict[str, str], process: subprocess.Popen, log: deque,
                           timeout: float = 60.0) -> None:
    """Return once the kernel server answers; fail with its exit if it stopped first."""
    url = f"{config['baseUrl']}api/status?token={config['token']}"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            time.sleep(0.5)  # its last lines
            raise SystemExit(b"".join(log).decode(errors="replace") +
                             f"The Jupyter server stopped (exit {process.returncode}); its log "
                             "is above. If the kernel port is taken, choose another with "
                             "--kernel-port.")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.3)
    raise SystemExit(f"The Jupyter server did not answer at {config['baseUrl']} in {timeout} s")


def follow_log(process: subprocess.Popen, log: deque) -> None:
    """Keep the kernel server's last lines; copy them all to stderr if DL_BOOK_SERVE_LOG is set."""
    echo = bool(os.environ.get("DL_BOOK_SERVE_LOG"))
    for line in process.stderr:
        log.append(line)
        if echo:
            sys.stderr.buffer.write(line)
            sys.stderr.flush()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--html", type=Path, default=ROOT / "_build" / "html")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--kernel-port", type=int, default=8888)
    args = parser.parse_args(argv)
    if not (args.html / "index.html").is_file():
        raise SystemExit(f"No built site in {args.html}: run `make book` first.")
    token = secrets.token_hex(24)
    config = live_config(args.kernel_port, token)
    SiteHandler.config = config
    site = ThreadingHTTPServer((HOST, args.port),
                               functools.partial(SiteHandler, directory=str(args.html)))
    with tempfile.TemporaryDirectory(prefix="dl-book-live-") as scratch:
        env = {**os.environ, **KERNEL_ENV}
        kernels = subprocess.Popen(jupyter_command(args.port, args.kernel_port, token,
                                                   Path(scratch)),
                                   env=env, stdin=subprocess.DEVNULL,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        # Its log is shown if it fails to start, and always when asked for (DL_BOOK_SERVE_LOG).
        log: deque = deque(maxlen=40)
        Thread(target=follow_log, args=(kernels, log), daemon=True).start()
        stop = Event()
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        try:
            wait_for_kernel_server(config, kernels, log)
            Thread(target=site.serve_forever, daemon=True).start()
            print(f"Serving the book at http://{HOST}:{args.port}/ with live code "
                  f"(kernels at {config['baseUrl']}). Stop with Ctrl-C.", flush=True)
            while kernels.poll() is None and not stop.wait(0.5):
                pass
        except KeyboardInterrupt:
            pass
        finally:
            site.server_close()
            kernels.terminate()
            try:
                kernels.wait(timeout=10)
            except subprocess.TimeoutExpired:
                kernels.kill()


if __name__ == "__main__":
    main()
