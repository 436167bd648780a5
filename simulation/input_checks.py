"""Checks of command-line values before anything runs: one message, never a traceback.

The command line (``run.py``) parses; this module checks what it parsed, by the same rules as the
files where a file has the same key, and raises :class:`CommandLineError` (a ``ValueError``) with
one line naming the flag, what is allowed and the nearest valid name. It also tells the kinds of
TOML file apart by their keys and warns about runs that simulated nobody.
"""

from __future__ import annotations

import difflib
import ipaddress
import re
import socket
import tomllib
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from simulation.safe_paths import UnsafePath, check_regular_file
from simulation.shipped import find_scenario, scenario_dir, shipped_scenarios  # re-exported

__all__ = [
    "CommandLineError",
    "shipped_scenarios",
    "scenario_argument",
    "check_port",
    "check_host",
    "free_port",
    "is_loopback",
    "network_address",
    "check_scheduler",
    "check_workers",
    "check_max_runs",
    "file_kind",
    "empty_places",
    "empty_places_warning",
    "plain_warnings",
]

_MAX_TOML_BYTES = 1_000_000
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_SCHEDULER = re.compile(r"^(tcp|tls)://(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._-]+):(\d{1,5})/?$")
#: Keys only a sweep file has; a file with either of the first two is read as a sweep.
SWEEP_KEYS = frozenset({"sampler", "parameters", "samples", "num_levels", "second_order"})


class CommandLineError(ValueError):
    """A command-line value that is not allowed (one-line message naming the flag)."""


def scenario_argument(text: str) -> Path:
    """Turn a scenario argument (a shipped name or a file) into a path, or say what was meant.

    Args:
        text: What the user typed, e.g. ``strategic`` or ``my-scenario.toml``.

    Returns:
        The file to load (its errors, if any, are reported when it is loaded).

    Raises:
        CommandLineError: If ``text`` is neither a file nor a shipped scenario name; the message
            names the nearest shipped scenario.
    """
    path = Path(text)
    if _CONTROL.search(text):
        raise CommandLineError(f"scenario {text[:60]!r}: must not hold control characters")
    try:
        if path.exists():
            return path
    except OSError as exc:  # a name too long for the file system, and the like
        raise CommandLineError(
            f"scenario {text[:40]!r}...: cannot be a file name ({exc.strerror}); give a"
            " scenario file or a shipped name such as strategic"
        ) from None
    if len(text) > 200:
        raise CommandLineError(
            f"scenario {text[:40]!r}...: no such file and too long for a shipped scenario name"
            " (python run.py list scenarios)"
        )
    found = find_scenario(text)  # a shipped name: "strategic", "levers/scaling", "sweeps/..."
    if found is not None:
        return found
    if path.suffix == ".toml" or "/" in text or "\\" in text:
        return path  # a file that is not there: loading it says so, with the files nearby
    shipped = shipped_scenarios()
    near = difflib.get_close_matches(text.lower(), list(shipped), n=1, cutoff=0.5)
    hint = f"; did you mean {near[0]}?" if near else ""
    names = ", ".join(n for n in shipped if (scenario_dir() / f"{n}.toml").exists())
    raise CommandLineError(
        f"scenario {text!r}: no such file and no shipped scenario of that name{hint}"
        f" (shipped: {names}; levers: python run.py list scenarios)"
    )


def check_port(port: int, option: str = "--port") -> int:
    """Check a TCP port number (0 asks for any free port).

    Raises:
        CommandLineError: If it is outside 0-65535.
    """
    if not 0 <= port <= 65535:
        raise CommandLineError(
            f"{option} {port}: not a port number; allowed: 1-65535, or 0 for any free port"
        )
    return port


def check_host(host: str, option: str = "--host") -> str:
    """Check that a host name or address can be listened on.

    Raises:
        CommandLineError: If it is empty or does not resolve.
    """
    if not host.strip():
        raise CommandLineError(f"{option}: empty; allowed: an address such as 127.0.0.1")
    try:
        socket.getaddrinfo(host, None)
    except (OSError, UnicodeError):
        raise CommandLineError(
            f"{option} {host!r}: not a known address; allowed: 127.0.0.1 (this machine only),"
            " 0.0.0.0 (every interface) or this machine's name or address"
        ) from None
    return host


def is_loopback(host: str) -> bool:
    """Return whether ``host`` only accepts connections from this machine."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def network_address(host: str) -> str | None:
    """Return the address other machines would use to reach a server on ``host``.

    ``None`` for a loopback host (no one else can connect). For ``0.0.0.0`` it is this machine's
    address on its default route (found without sending anything), else its name.
    """
    if is_loopback(host):
        return None
    if host not in ("0.0.0.0", "::", ""):
        return host
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.connect(("192.0.2.1", 9))  # a documentation address; UDP sends nothing here
            address = probe.getsockname()[0]
            if address and not address.startswith("127."):
                return address
    except OSError:
        pass
    return socket.gethostname()


def free_port(host: str = "127.0.0.1") -> int:
    """Return a TCP port that is free on ``host`` now (the system picks it)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def check_scheduler(address: str, option: str = "--scheduler") -> str:
    """Check the form of a Dask scheduler address before connecting.

    Raises:
        CommandLineError: Unless it reads ``tcp://HOST:PORT`` (or ``tls://``) with a port in
            1-65535.
    """
    match = _SCHEDULER.match(address.strip())
    if not match or not 1 <= int(match.group(3)) <= 65535:
        raise CommandLineError(
            f"{option} {address!r}: not a scheduler address; allowed: tcp://HOST:PORT, such as"
            " tcp://127.0.0.1:8786"
        )
    return address.strip().rstrip("/")


def check_workers(workers: int | None, option: str = "--workers") -> int | None:
    """Check a number of worker processes (``None``: the default).

    Raises:
        CommandLineError: If it is below 1 or above 1024.
    """
    if workers is not None and not 1 <= workers <= 1024:
        raise CommandLineError(f"{option} {workers}: allowed: a whole number from 1 to 1024")
    return workers


def check_max_runs(value: int | None, option: str = "--max-runs") -> int | None:
    """Check the limit on a sweep's runs (``None``: the default).

    Raises:
        CommandLineError: If it is below 1.
    """
    from simulation.experiments.design_size import HARD_MAX_RUNS

    if value is not None and not 1 <= value <= HARD_MAX_RUNS:
        raise CommandLineError(
            f"{option} {value}: allowed: a whole number from 1 to {HARD_MAX_RUNS:,}"
            " (a larger design would not fit in memory)"
        )
    return value


def file_kind(path: Path) -> str:
    """Tell a sweep file from a scenario file by its keys.

    A sweep file has ``sampler`` or ``parameters``; a scenario has neither (whatever the file's
    name or folder). A file that cannot be read or parsed is called a scenario (its loader then
    gives the precise message).

    Returns:
        ``"sweep"`` or ``"scenario"``.
    """
    try:
        check_regular_file(path, _MAX_TOML_BYTES, "TOML file")
        data = tomllib.loads(path.read_bytes().decode("utf-8", errors="replace"))
    except (UnsafePath, OSError, tomllib.TOMLDecodeError, RecursionError):
        return "scenario"
    return "sweep" if {"sampler", "parameters"} & set(data) else "scenario"


def empty_places(table: pd.DataFrame) -> list[tuple[str, int]]:
    """Return ``(scenario, municipality code)`` pairs where a run simulated no citizen at all.

    Args:
        table: The tidy output table (``population`` rows by municipality).
    """
    rows = table[table["metric"] == "population"]
    if rows.empty:
        return []
    first = rows[rows["year"] == rows["year"].min()]
    totals = first.groupby(["scenario", "municipality"], observed=True)["value"].max()
    return [(str(s), int(m)) for (s, m), v in totals.items() if v == 0]


def empty_places_warning(pairs: Iterable[tuple[str, int]], scale: float) -> str | None:
    """Return the warning for places that simulated no citizen, or ``None``."""
    from simulation.inputs.places import municipality_name

    codes = sorted({code for _, code in pairs})
    if not codes:
        return None
    names = ", ".join(municipality_name(c) for c in codes[:8]) + (" ..." if len(codes) > 8 else "")
    suggested = min(1.0, scale * 10)
    return (
        f"no citizen was simulated in {names} at scale {scale:g}: its figures are zeros;"
        f" use a larger --scale (for example --scale {suggested:g})"
    )


def plain_warnings() -> None:
    """Print Python warnings as one ``warning: ...`` line, without file names and source lines."""
    import sys
    import warnings

    def show(
        message: Warning | str,
        category: type[Warning],
        filename: str,
        lineno: int,
        file: object = None,
        line: str | None = None,
    ) -> None:
        print(f"warning: {message}", file=sys.stderr)

    warnings.showwarning = show
