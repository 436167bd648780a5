"""Paths from users, checked before use: nothing read forever, nothing written in the wrong place.

Every file the tool reads (scenario, ``extends`` parent, sweep file, sweep base, a sweep folder's
manifest) is checked to be a regular file within a size limit before it is opened: a device such
as ``/dev/zero`` reports size 0 and a named pipe blocks on open, so a plain size check is not
enough. Text from users that becomes part of a path (a sweep's ``name``) must be one plain path
component. Output folders are checked before any simulation starts, and default output folders
are reserved atomically, so that two runs started in the same second get two folders.

Every check raises :class:`UnsafePath` (a ``ValueError``) with a one-line message naming the
path and what is allowed; callers turn it into their own error class or print it.
"""

from __future__ import annotations

import datetime as dt
import errno
import os
import re
import shutil
import stat
import tempfile
from pathlib import Path

_NAME_MAX = 255  # bytes in one folder name (Linux, macOS and Windows file systems)

__all__ = [
    "UnsafePath",
    "check_regular_file",
    "check_folder",
    "check_name_component",
    "check_out_folder",
    "folder_label",
    "reserve_folder",
    "incomplete_name",
    "remove_stale_incomplete",
    "process_alive",
]

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class UnsafePath(ValueError):
    """A path or name given by a user that the tool refuses to use (one-line message).

    Attributes:
        reason: The message without the leading path (for callers that name the file
            themselves).
    """

    def __init__(self, message: str, reason: str | None = None) -> None:
        super().__init__(message)
        self.reason = reason if reason is not None else message


def _refuse(path: str | Path, reason: str) -> UnsafePath:
    return UnsafePath(f"{path}: {reason}", reason)


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISREG(mode):
        return "a file"
    return "not a regular file"


def check_regular_file(path: str | Path, limit: int, what: str = "file") -> int:
    """Check that ``path`` is a regular file of at most ``limit`` bytes, without opening it.

    Args:
        path: The file (symbolic links are followed).
        limit: The largest size allowed, in bytes.
        what: What the file should be, for the message (``"scenario file"``).

    Returns:
        The file's size in bytes.

    Raises:
        UnsafePath: If it does not exist, is a folder, a device, a named pipe or a socket, or is
            larger than ``limit``.
    """
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise _refuse(path, "file not found") from None
    except (OSError, ValueError) as exc:
        reason = getattr(exc, "strerror", None) or str(exc)
        raise _refuse(path, f"cannot read the file: {reason}") from None
    if not stat.S_ISREG(info.st_mode):
        hint = "" if "manifest" in what else "; give a .toml file"
        raise _refuse(path, f"is {_kind(info.st_mode)}, not a {what}{hint}")
    if info.st_size > limit:
        raise _refuse(
            path,
            f"file is too large for a {what} ({info.st_size:,} bytes; the limit is"
            f" {limit:,}); is it the right file?",
        )
    return info.st_size


def check_folder(path: str | Path, what: str = "folder") -> Path:
    """Check that ``path`` is an existing folder (not a file, device or pipe).

    Raises:
        UnsafePath: If it does not exist or is not a folder.
    """
    path = Path(path)
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise UnsafePath(f"{path}: {what} not found") from None
    except (OSError, ValueError) as exc:
        reason = getattr(exc, "strerror", None) or str(exc)
        raise UnsafePath(f"{path}: cannot read the {what}: {reason}") from None
    if not stat.S_ISDIR(info.st_mode):
        raise UnsafePath(f"{path}: is {_kind(info.st_mode)}, not a {what}")
    return path


def check_name_component(text: str, what: str = "name") -> str:
    """Check that user text can be used as one file or folder name.

    Args:
        text: The text (for example a sweep's ``name``).
        what: What it is, for the message.

    Returns:
        The text, stripped of surrounding spaces.

    Raises:
        UnsafePath: If it is empty, ``.`` or ``..``, or holds ``/``, a backslash, ``..`` or a
            control character.
    """
    name = text.strip()
    if not name or name in (".", ".."):
        raise UnsafePath(f"{what} {text!r} cannot be used as a folder name")
    if name.startswith("-"):
        raise UnsafePath(
            f"{what} {text!r} must be a plain name (letters, digits, '-', '_'), not starting"
            " with '-'"
        )
    for bad, label in (("/", "'/'"), ("\\", "'\\'"), ("..", "'..'")):
        if bad in name:
            raise UnsafePath(
                f"{what} {text!r} must be a plain name (letters, digits, '-', '_'), without {label}"
            )
    if _CONTROL.search(name):
        raise UnsafePath(f"{what} {text!r} must not hold control characters")
    odd = sorted({c for c in name if not (c.isalnum() or c in "-_.")})
    if odd:
        shown = " ".join(repr(c) for c in odd[:5])
        raise UnsafePath(
            f"{what} {text!r} must be a plain name (letters, digits, '-', '_'), without {shown}"
        )
    if len(name.encode("utf-8")) > 200:
        raise UnsafePath(f"{what} {text[:40]!r}...: too long for a folder name (200 bytes at most)")
    return name


def check_out_folder(path: str | Path, option: str = "--out", reuse: bool = False) -> Path:
    """Check an output folder before any work starts.

    It may not exist yet (its parent is then created when results are written) or be an empty
    folder; an existing file, a non-empty folder or a control character is refused.

    Args:
        path: The folder asked for.
        option: The command-line option or key that named it, for the message.
        reuse: An existing folder may hold files (a sweep folder that is resumed).

    Raises:
        UnsafePath: With a message naming ``option`` and the folder.
    """
    text = str(path)
    if not text.strip():
        raise UnsafePath(f"{option}: empty; give a folder name")
    if _CONTROL.search(text):
        raise UnsafePath(f"{option} {text!r}: must not hold control characters")
    path = Path(path)
    if os.path.islink(path) and not os.path.exists(path):
        raise UnsafePath(
            f"{option} {path}: is a symbolic link to {os.readlink(path)}, which does not exist;"
            " choose a new folder name"
        )
    try:
        info = os.stat(path)
    except FileNotFoundError:
        info = None
    except (OSError, ValueError) as exc:
        reason = getattr(exc, "strerror", None) or str(exc)
        raise UnsafePath(f"{option} {path}: cannot use this folder: {reason}") from None
    if info is not None:
        if not stat.S_ISDIR(info.st_mode):
            raise UnsafePath(
                f"{option} {path}: is {_kind(info.st_mode)}, not a folder; choose a new folder name"
            )
        try:
            if not reuse and any(path.iterdir()):
                raise UnsafePath(f"{option} {path}: exists and is not empty; choose another folder")
        except OSError as exc:
            raise UnsafePath(f"{option} {path}: cannot use this folder: {exc.strerror}") from None
        if not os.access(path, os.W_OK | os.X_OK):
            raise UnsafePath(f"{option} {path}: cannot write in this folder (permission denied)")
    too_long = [part for part in path.parts if len(os.fsencode(part)) > _NAME_MAX]
    if too_long:
        raise UnsafePath(
            f"{option} {path}: a folder name is longer than {_NAME_MAX} bytes; choose a shorter one"
        )
    for parent in path.absolute().parents:
        if parent.exists():
            if not parent.is_dir():
                raise UnsafePath(f"{option} {path}: {parent} is a file, not a folder")
            if not os.access(parent, os.W_OK | os.X_OK):
                raise UnsafePath(f"{option} {path}: cannot write in {parent} (permission denied)")
            try:  # permissions can say yes where the file system says no (/sys, read-only)
                os.rmdir(tempfile.mkdtemp(prefix=".write-check-", dir=parent))
            except OSError as exc:
                reason = exc.strerror or str(exc)
                raise UnsafePath(f"{option} {path}: cannot write in {parent} ({reason})") from None
            break
    return path


def folder_label(text: str, limit: int = 120) -> str:
    """Make text (such as scenario names joined by ``-``) safe as the end of a folder name.

    Anything but letters, digits, ``-``, ``_`` and single dots becomes ``_``; the result is at
    most ``limit`` characters and never empty.
    """
    label = re.sub(r"[^\w.-]", "_", text, flags=re.UNICODE)
    label = re.sub(r"\.{2,}", "_", label).strip(".")
    return label[:limit] or "run"


def reserve_folder(results_dir: Path, label: str) -> Path:
    """Create ``results_dir/<timestamp>-<label>`` as an empty folder and return it.

    The folder is created with an exclusive ``mkdir``: of two runs started in the same second,
    the second gets ``...-2``. The empty folder holds the name until the finished results are
    moved onto it.

    Args:
        results_dir: Where results folders go.
        label: The end of the name (already checked, or made of scenario names).
    """
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    results_dir.mkdir(parents=True, exist_ok=True)
    base = f"{stamp}-{label}"
    for k in range(1, 10_000):
        path = results_dir / (base if k == 1 else f"{base}-{k}")
        try:
            path.mkdir()
        except FileExistsError:
            continue
        return path
    raise UnsafePath(f"{results_dir}: no free folder name for {base}")


def incomplete_name(final: Path, pid: int | None = None) -> Path:
    """The temporary folder a process writes ``final`` into: ``.incomplete-<name>-<pid>``."""
    return final.parent / f".incomplete-{final.name}-{os.getpid() if pid is None else pid}"


def process_alive(pid: int) -> bool:
    """Return whether a process with this id is running (a zombie counts as gone)."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except OSError as exc:  # pragma: no cover - unusual platforms
        return exc.errno != errno.ESRCH
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as handle:
            return handle.read().rsplit(")", 1)[-1].split()[0] != "Z"
    except OSError:
        return True


def remove_stale_incomplete(final: Path) -> list[Path]:
    """Remove ``.incomplete-<name>-<pid>`` folders of ``final`` whose process is gone.

    The names are compared as text (never as a glob pattern), and a folder is removed only if
    its owning process no longer runs; this process's own folder is left alone.

    Returns:
        The folders removed.
    """
    prefix = f".incomplete-{final.name}-"
    removed: list[Path] = []
    try:
        entries = list(os.scandir(final.parent))
    except OSError:
        return removed
    for entry in entries:
        if not entry.name.startswith(prefix):
            continue
        pid_text = entry.name[len(prefix) :]
        if not pid_text.isdigit():
            continue
        pid = int(pid_text)
        if pid == os.getpid() or process_alive(pid):
            continue
        if entry.is_dir(follow_symlinks=False):
            shutil.rmtree(entry.path, ignore_errors=True)
            removed.append(Path(entry.path))
    return removed
