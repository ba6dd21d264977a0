"""Files written so that a crash leaves the old version or the new one, never a mix."""

from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path

from .errors import DataError

TMP_SUFFIX = ".accord-tmp"


def umask() -> int:
    """The process's umask; reading it means setting it, so it is put back at once."""
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_durably(file: int | Path, data: bytes) -> None:
    """Write `data` to an open descriptor or a new file and flush it to disk."""
    with open(file, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


def temporary(path: Path, data: bytes, final: Path | None = None) -> str:
    """`data` in a new file beside `path`, with `path`'s permissions, flushed to disk; renamed to `final` if given."""
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


def atomic_write(path: Path, data: bytes) -> None:
    """Replace `path` with `data` so that readers see the old or the new file, never a mix."""
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
