"""Files on disk: bounded reads of regular files only, atomic writes, compare-and-swap saves.

- :func:`read_regular_file` opens a path, checks on the open handle (``fstat``) that it is a
  regular file, and reads at most ``limit`` bytes: a FIFO, a device or a symbolic link to
  ``/dev/zero`` is refused, never read.
- :func:`atomic_write_text` writes a temporary file in the same folder, fsyncs it and renames it
  over the target: readers see the old file or the new one, never half.
- :func:`save_if_unchanged` does the same under an exclusive OS lock on a sidecar lock file
  (``.NAME.lock``, the `filelock` library), after checking that the file is still the version
  the caller started from (its :func:`signature`); otherwise it raises :class:`WriteConflict`.
  Two savers can no longer both pass the check and have the last rename win.

>>> sig = save_if_unchanged("a.json", "{}", None)        # create; None: must not exist yet # doctest: +SKIP
>>> sig = save_if_unchanged("a.json", "[]", sig)          # replace the version we read      # doctest: +SKIP
>>> save_if_unchanged("a.json", "{}", sig_from_before)    # raises WriteConflict              # doctest: +SKIP
"""

from __future__ import annotations

import codecs
import contextlib
import errno
import hashlib
import os
import re
import stat
import tempfile
import time
from pathlib import Path

from .errors import ReadinessError

LOCK_TIMEOUT = 30.0  # seconds a save waits for another save of the same file
STALE_TEMP_AGE = 60.0  # a temporary file of ours older than this is left over from a killed save
_READ_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
_KINDS = (
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISDIR, "a folder"),
)


class FileReadError(ReadinessError):
    """A file that cannot be read as asked: missing, not a regular file, or too large.

    ``reason`` is the message without the path, for loaders that wrap it in their own error.
    """

    def __init__(self, path: str | Path, reason: str, errno: int | None = None):
        self.path = str(path)
        self.reason = reason
        self.errno = errno  # the OS error number when opening or reading failed
        super().__init__(f"{path}: {reason}")


class LockTimeout(ReadinessError):
    """Another save of the same file held its lock for longer than the timeout."""

    def __init__(self, path: str | Path, timeout: float):
        self.path = str(path)
        self.reason = f"still locked by another save after {timeout:g} s; try again"
        super().__init__(f"{path}: {self.reason}")


class WriteConflict(ReadinessError):
    """The file is no longer the version the save started from.

    ``expected`` is the signature the caller gave (None: the file should not exist), ``found``
    the signature of the file on disk now (None: it does not exist).
    """

    def __init__(self, path: str | Path, expected: str | None, found: str | None):
        self.path = str(path)
        self.expected = expected
        self.found = found
        super().__init__(
            f"{path}: changed on disk: expected {describe_version(expected)}, found {describe_version(found)}"
        )


def describe_version(sig: str | None) -> str:
    """A signature as people read it: ``version 3f2a9c1e0b7d`` or ``no file``."""
    return f"version {sig[:12]}" if sig else "no file"


# ---- reading -----------------------------------------------------------------------------


def _kind(mode: int) -> str:
    for test, name in _KINDS:
        if test(mode):
            return name
    return "not a regular file"


def read_regular_file(path: str | Path, limit: int, *, truncate: bool = False) -> bytes:
    """The bytes of ``path``, which must be a regular file of at most ``limit`` bytes.

    The type is checked on the open handle, after opening without blocking (so a FIFO cannot
    hang the open and a symbolic link swapped in after a ``stat`` cannot slip through), and
    the read stops at ``limit + 1`` bytes whatever the size says. Raises :class:`FileReadError`.
    With ``truncate``, a larger file gives its first ``limit`` bytes instead.
    """
    try:
        fd = os.open(path, _READ_FLAGS)
    except OSError as exc:
        raise FileReadError(path, f"cannot read: {exc.strerror or exc}", exc.errno) from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise FileReadError(path, f"refused: {_kind(st.st_mode)}, not a regular file")
        if st.st_size > limit and not truncate:
            raise FileReadError(path, f"larger than {limit:,} bytes ({st.st_size:,} bytes)")
        want = limit if truncate else limit + 1
        chunks, got = [], 0
        while got < want:
            chunk = os.read(fd, min(1 << 20, want - got))
            if not chunk:
                break
            chunks.append(chunk)
            got += len(chunk)
        if got > limit:  # the file grew while we read it
            raise FileReadError(path, f"larger than {limit:,} bytes")
        return b"".join(chunks)
    except OSError as exc:
        raise FileReadError(path, f"cannot read: {exc.strerror or exc}", exc.errno) from None
    finally:
        os.close(fd)


class NotTextError(ReadinessError):
    """Bytes that are not UTF-8 text; ``line`` (1-based) where the first bad byte is."""

    def __init__(self, reason: str, line: int | None = None):
        self.reason = reason
        self.line = line
        super().__init__(reason if line is None else f"line {line}: {reason}")


_BOMS = (
    (codecs.BOM_UTF32_LE, "UTF-32"),
    (codecs.BOM_UTF32_BE, "UTF-32"),
    (codecs.BOM_UTF16_LE, "UTF-16"),
    (codecs.BOM_UTF16_BE, "UTF-16"),
)


def decode_utf8(raw: bytes) -> str:
    """``raw`` as UTF-8 text (a UTF-8 byte-order mark is dropped); :class:`NotTextError` if not.

    UTF-16 and UTF-32, with or without a byte-order mark, and NUL bytes are named as such, with
    the line of the first bad byte.
    """
    if raw.startswith(codecs.BOM_UTF8):
        raw = raw[len(codecs.BOM_UTF8) :]
    for bom, name in _BOMS:
        if raw.startswith(bom):
            raise NotTextError(f"not UTF-8 text: {name} with a byte-order mark; save it as UTF-8", 1)
    nul = raw.find(b"\x00")
    if nul >= 0:
        line = raw.count(b"\n", 0, nul) + 1
        head = raw[:200]
        if head and (head[1::2].count(0) >= 0.8 * len(head[1::2]) or head[0::2].count(0) >= 0.8 * len(head[0::2])):
            raise NotTextError("not UTF-8 text: UTF-16 without a byte-order mark; save it as UTF-8", line)
        raise NotTextError("not UTF-8 text: it holds a NUL byte", line)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        column = exc.start - raw.rfind(b"\n", 0, exc.start)
        raise NotTextError(
            f"not UTF-8 text: byte 0x{raw[exc.start]:02x} at column {column}; save it as UTF-8",
            line,
        ) from None


def signature_of(data: bytes) -> str:
    """The signature of one version of a file: the SHA-256 of its bytes, in hex."""
    return hashlib.sha256(data).hexdigest()


def signature(path: str | Path, limit: int = 1 << 31) -> str | None:
    """The signature of the file at ``path`` now, or None if there is no file.

    A content hash, not a modification time: two versions written within one tick of the file
    system's clock, or with the same size, still differ.
    """
    try:
        return signature_of(read_regular_file(path, limit))
    except FileReadError:
        if not os.path.lexists(path):
            return None
        raise


# ---- writing -----------------------------------------------------------------------------


def _folder(target: Path) -> Path:
    return target.parent if str(target.parent) else Path(".")


def _write_replace(target: Path, data: bytes) -> None:
    """Temporary file in the same folder, fsync, keep the mode, rename over ``target``."""
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=_folder(target))
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        try:
            mode = target.stat().st_mode & 0o777
        except FileNotFoundError:
            mode = 0o644
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    with contextlib.suppress(OSError):  # the rename itself is durable once the folder is synced
        dir_fd = os.open(_folder(target), os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


def _encode(text: str | bytes, encoding: str) -> bytes:
    return text if isinstance(text, bytes) else text.encode(encoding)


def atomic_write_text(path: str | Path, text: str, encoding: str = "utf-8") -> Path:
    """Write ``text`` to ``path`` so that readers see the old file or the new one, never half.

    No lock and no check: for outputs nobody else edits (reports, configuration). Files that
    several writers share go through :func:`save_if_unchanged`.
    """
    target = Path(path)
    _write_replace(target, _encode(text, encoding))
    return target


def lock_path(path: str | Path) -> Path:
    """The sidecar lock file of ``path``: ``.NAME.lock`` in the same folder (left in place)."""
    target = Path(path)
    return _folder(target) / f".{target.name}.lock"


@contextlib.contextmanager
def locked(path: str | Path, timeout: float = LOCK_TIMEOUT):
    """Hold the exclusive OS lock of ``path`` (flock on its sidecar lock file).

    Every process that saves through this module takes it, so checks and renames never
    interleave. Raises :class:`LockTimeout` when the lock is not free within ``timeout``, and
    ``OSError`` when the lock file cannot be created (a missing or read-only folder).
    """
    from filelock import FileLock, Timeout

    folder = _folder(Path(path))
    if not folder.is_dir():  # filelock would create the missing folders: a save does not
        raise FileNotFoundError(errno.ENOENT, os.strerror(errno.ENOENT), str(folder))
    lock = FileLock(lock_path(path), timeout=timeout, thread_local=False)
    try:
        lock.acquire()
    except Timeout:
        raise LockTimeout(path, timeout) from None
    try:
        yield
    finally:
        lock.release()


ANY = "*"  # expected signature that accepts whatever is on disk (an explicit overwrite)


def save_if_unchanged(
    path: str | Path,
    data: str | bytes,
    expected_signature: str | None,
    *,
    encoding: str = "utf-8",
    timeout: float = LOCK_TIMEOUT,
    limit: int = 1 << 31,
) -> str:
    """Compare-and-swap: replace ``path`` with ``data`` only if it is still ``expected_signature``.

    ``expected_signature`` is the :func:`signature` of the version the caller read, ``None``
    when the file must not exist yet, or :data:`ANY` to overwrite whatever is there. Under the
    exclusive lock of :func:`locked`: the file's signature is checked, ``data`` is written to a
    temporary file, fsynced and renamed over the file. Temporary files left by a killed save of
    the same file (older than a minute, our naming pattern only) are removed.

    Returns the new signature (pass it to the next save). Raises :class:`WriteConflict` when the
    file is another version, and ``OSError`` when it cannot be written.
    """
    target = Path(path)
    payload = _encode(data, encoding)
    with locked(target, timeout):
        if expected_signature != ANY:
            found = signature(target, limit)
            if found != expected_signature:
                raise WriteConflict(target, expected_signature, found)
        remove_stale_temp_files(target)
        _write_replace(target, payload)
    return signature_of(payload)


def remove_stale_temp_files(path: str | Path, older_than: float = STALE_TEMP_AGE) -> list[Path]:
    """Remove the temporary files a killed save of ``path`` left behind; returns them.

    Only regular files named as :func:`atomic_write_text` names them (``.NAME.XXXXXXXX.tmp``)
    and last modified more than ``older_than`` seconds ago.
    """
    target = Path(path)
    pattern = re.compile(rf"\.{re.escape(target.name)}\.[A-Za-z0-9_]{{8}}\.tmp")
    now = time.time()
    removed = []
    try:
        entries = list(os.scandir(_folder(target)))
    except OSError:
        return removed
    for entry in entries:
        if not pattern.fullmatch(entry.name):
            continue
        try:
            st = entry.stat(follow_symlinks=False)
            if stat.S_ISREG(st.st_mode) and now - st.st_mtime > older_than:
                os.unlink(entry.path)
                removed.append(Path(entry.path))
        except OSError:  # gone already, or not ours to remove
            continue
    return removed


__all__ = [
    "ANY",
    "FileReadError",
    "LockTimeout",
    "NotTextError",
    "WriteConflict",
    "atomic_write_text",
    "decode_utf8",
    "describe_version",
    "lock_path",
    "locked",
    "read_regular_file",
    "remove_stale_temp_files",
    "save_if_unchanged",
    "signature",
    "signature_of",
]
