"""Files written so that a crash leaves the old version or the new one, never a mix."""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from .errors import DataError

TMP_SUFFIX = ".accord-tmp"
Writer = Callable[[BinaryIO], None]  # writes a file's bytes to the file it is given, as they come


def umask() -> int:
    """The process's umask; reading it means setting it, so it is put back at once."""
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_durably(file: int | Path, data: bytes | Writer) -> None:
    """Write `data` (or what it writes) to an open descriptor or a new file and flush it to disk."""
    with open(file, "wb") as handle:
        if isinstance(data, bytes):
            handle.write(data)
        else:
            data(handle)
        handle.flush()
        os.fsync(handle.fileno())


def temporary(path: Path, data: bytes | Writer, final: Path | None = None) -> str:
    """`data` (or what it writes) in a new file beside `path`, with `path`'s permissions, flushed to
    disk; renamed to `final` if given."""
    import tempfile  # here: reading (and shell completion) writes nothing

    try:
        mode = path.stat().st_mode & 0o7777
    except FileNotFoundError:
        mode = 0o666 & ~umask()
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=TMP_SUFFIX, dir=path.parent)
    except OSError as exc:
        raise DataError(path, None, f"cannot write: {exc.strerror}") from None
    try:
        write_durably(fd, data)
        os.chmod(tmp, mode)  # mkstemp creates 0600; keep the file's own permissions
        if final is not None:
            os.replace(tmp, final)
    except BaseException as exc:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise DataError(path, None, f"cannot write: {exc.strerror}; the file is unchanged") from None
        raise
    return tmp


def atomic_write(path: Path, data: bytes | Writer) -> None:
    """Replace `path` with `data` (or what it writes) so that readers see the old or the new file, never a mix."""
    temporary(path, data, path)
    fsync_folder(path.parent)


def fsync_folder(folder: Path) -> None:
    """Make a rename itself durable. Some filesystems cannot sync a folder (EINVAL): no error."""
    try:
        sync_folder(folder)
    except OSError as exc:
        raise DataError(folder, None, f"the change is written but may not be on disk yet: {exc.strerror}") from None


def sync_folder(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
    except OSError as exc:
        if exc.errno not in (errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP):
            raise


# -- reading a record file ---------------------------------------------------------------------

MAX_FILE_BYTES = 4 * 1024 * 1024

_OTHER_KINDS = (
    (stat.S_ISLNK, "a symbolic link"),
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a FIFO"),
    (stat.S_ISCHR, "a device"),
    (stat.S_ISBLK, "a device"),
    (stat.S_ISSOCK, "a socket"),
)
# Never follow a link, never wait on a FIFO that lstat did not see (it was swapped in since).
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)


def read_file(path: Path) -> bytes:
    """The bytes of a record file, which must be a regular file (not a link) of at most MAX_FILE_BYTES."""
    return read_regular(path, MAX_FILE_BYTES)


def read_regular(path: Path, limit: int | None) -> bytes:
    """The bytes of a regular file, refused if it is a link, a FIFO, a device or a folder, or over `limit`."""
    try:
        _check_regular(path, os.lstat(path), limit)
        with open(os.open(path, _OPEN_FLAGS), "rb") as handle:
            status = os.fstat(handle.fileno())
            _check_regular(path, status, limit)
            if limit is None:
                raw = handle.read()
            else:
                # A read of limit + 1 bytes allocates that much for every file: ask for its size first,
                # and for the rest up to the limit only if it grew since.
                raw = handle.read(status.st_size + 1)
                if len(raw) > status.st_size:
                    raw += handle.read(limit + 1 - len(raw))
    except FileNotFoundError:
        raise DataError(path, None, "file not found") from None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise DataError(path, None, "is a symbolic link; a record must be a regular file") from None
        raise DataError(path, None, f"cannot read: {exc.strerror}") from None
    if limit is not None and len(raw) > limit:
        raise DataError(path, None, f"file is over the {limit} byte limit")
    return raw


def _check_regular(path: Path, status: os.stat_result, limit: int | None) -> None:
    mode = status.st_mode
    if not stat.S_ISREG(mode):
        kind = next((name for test, name in _OTHER_KINDS if test(mode)), "a special file")
        raise DataError(path, None, f"is {kind}; a record must be a regular file")
    if limit is not None and status.st_size > limit:
        raise DataError(path, None, f"file is {status.st_size} bytes, over the {limit} byte limit")
