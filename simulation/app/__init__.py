"""The classroom app: move a lever, watch 2026-2050 unfold in the browser, in Danish or English.

- :mod:`simulation.app.controller`: the state (a scenario run beside its baseline), no Solara.
- :mod:`simulation.app.charts`: the pictures, as ECharts options built from the controller.
- :mod:`simulation.app.texts`: every text of the app in English and Danish.
- :mod:`simulation.app.page`: the Solara page.

:func:`serve` starts the Solara server (``solara run simulation.app.page``) in a child process
and prints the address; ``python run.py app [--port PORT]`` calls it. The app needs the ``app``
extra (``pip install -e '.[app]'``: solara, solara-assets, ipyvuetify<3, ipyvue<3); this
module imports none of it, so the rest of the package works without.
"""

from __future__ import annotations

import importlib.util
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

from simulation.input_checks import network_address
from simulation.runs.lifeline import die_with_parent
from simulation.shipped import checkout_root

__all__ = [
    "APP_MODULE",
    "AppUnavailable",
    "missing_dependencies",
    "server_command",
    "start",
    "serve",
]

#: The module Solara serves.
APP_MODULE = "simulation.app.page"
#: The repository when the package runs from a checkout (the server needs it on its path), else
#: ``None`` (an installed package is importable as it is).
_PROJECT_ROOT = checkout_root()
_REQUIRED = ("solara", "ipyvuetify", "ipyvue")


class AppUnavailable(RuntimeError):
    """The app cannot start: a dependency is missing or the server did not come up."""


def missing_dependencies() -> list[str]:
    """Return the app's Python packages that are not installed (empty when all are)."""
    missing = [name for name in _REQUIRED if importlib.util.find_spec(name) is None]
    if importlib.util.find_spec("solara_assets") is None and not _assets_installed():
        missing.append("solara-assets")
    return missing


def _assets_installed() -> bool:
    """Whether solara-assets' files (JavaScript served without the internet) are present."""
    return (Path(sys.prefix) / "share" / "solara" / "cdn").is_dir()


def server_command(port: int = 8765, host: str = "127.0.0.1") -> list[str]:
    """The command that serves the app (Solara in production mode, no browser opened).

    Args:
        port: TCP port to listen on.
        host: address to listen on (``127.0.0.1``: this machine only).
    """
    return [
        sys.executable,
        "-m",
        "solara",
        "run",
        APP_MODULE,
        "--host",
        str(host),
        "--port",
        str(int(port)),
        "--production",
        "--no-open",
        "--theme-loader",
        "plain",
        "--log-level",
        "warning",
    ]


def _environment() -> dict[str, str]:
    env = dict(os.environ)
    path = env.get("PYTHONPATH", "")
    if _PROJECT_ROOT is not None:
        env["PYTHONPATH"] = str(_PROJECT_ROOT) + (os.pathsep + path if path else "")
    env["SOLARA_TELEMETRY_MIXPANEL_ENABLE"] = "False"  # no calls home from a classroom
    # Solara warns at every page load that its session cookie falls back from samesite=none
    # over plain http on 127.0.0.1; harmless here, and it would flood the teacher's terminal.
    quiet = "ignore:Cookies with samesite"
    env["PYTHONWARNINGS"] = quiet + (
        "," + env["PYTHONWARNINGS"] if env.get("PYTHONWARNINGS") else ""
    )
    env.setdefault("MPLBACKEND", "Agg")
    return env


def _port_open(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


def start(
    port: int = 8765,
    host: str = "127.0.0.1",
    timeout: float = 60.0,
    stdout: int | None = None,
    stderr: int | None = None,
) -> subprocess.Popen:
    """Start the app's server in a child process and wait until it accepts connections.

    Args:
        port: TCP port.
        host: address to listen on.
        timeout: seconds to wait for the server.
        stdout: where the server's output goes (default: this process's).
        stderr: where the server's errors go (default: this process's).

    Returns:
        The server process (stop it with ``terminate()``).

    Raises:
        AppUnavailable: if a dependency is missing, the port is taken, or the server does not
            come up within ``timeout`` seconds.
    """
    missing = missing_dependencies()
    if missing:
        raise AppUnavailable(
            "the classroom app needs " + ", ".join(missing) + "; install the app extra:"
            " pip install -e '.[app]'"
        )
    if _port_open(host, port):
        raise AppUnavailable(f"port {port} on {host} is already in use; choose another with --port")
    process = subprocess.Popen(
        server_command(port, host),
        cwd=str(_PROJECT_ROOT) if _PROJECT_ROOT is not None else None,
        env=_environment(),
        stdout=stdout,
        stderr=stderr,
        preexec_fn=die_with_parent,  # the server stops when this process dies, even by kill -9
    )
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AppUnavailable(
                f"the app's server stopped at start (exit status {process.returncode})"
            )
        if _port_open(host, port):
            return process
        time.sleep(0.2)
    process.terminate()
    raise AppUnavailable(f"the app's server did not start within {timeout:g} s")


def serve(port: int = 8765, host: str = "127.0.0.1") -> int:
    """Serve the classroom app until interrupted (Ctrl+C), printing the address to open.

    Args:
        port: TCP port (default 8765).
        host: address to listen on (default ``127.0.0.1``: only this machine can connect;
            ``0.0.0.0`` lets other machines in the room connect).

    Returns:
        The server's exit status (0 after Ctrl+C).

    Raises:
        AppUnavailable: if the app cannot start (the message says why and what to do).
    """
    process = start(port, host)
    shown = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host
    print(f"Classroom app: http://{_url_host(shown)}:{port}/  (stop with Ctrl+C)", flush=True)
    others = network_address(host)
    if others is not None:
        print(f"Others on the network open: http://{_url_host(others)}:{port}/", flush=True)

    def stop_on_term(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    previous = None
    if threading.current_thread() is threading.main_thread():
        previous = signal.signal(signal.SIGTERM, stop_on_term)  # take the server down with us
    try:
        return process.wait()
    except KeyboardInterrupt:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        return 0
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def _url_host(host: str) -> str:
    """The host as written in a URL: an IPv6 address in brackets (``http://[::1]:8765/``)."""
    return f"[{host}]" if ":" in host and not host.startswith("[") else host
