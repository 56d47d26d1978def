"""Finding the contracts under a batch folder, safely: only regular files are read, links are
followed only to regular files inside the folder (unless asked), and nothing found here ever
blocks (a FIFO, a socket or a device is refused by its type before anything opens it).

Each file found gets a display name (valid UTF-8, for people), a store name (its exact bytes,
so two names that differ only in undecodable bytes stay two files) and a memo file name.
"""

from __future__ import annotations

import fnmatch
import hashlib
import os
import re
import stat
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from clausecheck.batch.options import BatchOptions
from clausecheck.parsers import SUPPORTED_SUFFIXES, sniff_format

# What a non-regular file is called in the message that refuses it.
FILE_KINDS = {
    stat.S_IFIFO: "a FIFO (named pipe)",
    stat.S_IFSOCK: "a socket",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
    stat.S_IFDIR: "a folder",
}


@dataclass(frozen=True)
class Candidate:
    """One file found under the batch folder."""

    path: Path  # as found (may hold non-UTF-8 bytes as surrogates)
    display: str  # relative to the batch folder, always valid UTF-8
    memo: str  # memo file name, unique and safe
    name: bytes  # the relative path's exact bytes: the store's key for this file
    refusal: str | None = None  # why the file is not read (recorded as E101), None when it is


def display_path(relative: str) -> str:
    """A relative path as valid UTF-8 text: undecodable bytes become U+FFFD."""
    return relative.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def memo_name(display: str, name: bytes | None = None) -> str:
    """`slug-<8 hex>.html`: readable, unique per path, and safe as a file name anywhere.

    The digest is taken over the path's exact bytes when they are given, so that two names
    that differ only in undecodable bytes get two memos; for a UTF-8 name it is the same.
    """
    stem = unicodedata.normalize("NFKC", Path(display).stem)
    slug = re.sub(r"[^\w]+", "-", stem, flags=re.UNICODE).strip("-_").lower()[:60].strip("-_") or "contract"
    digest = hashlib.sha256(name if name is not None else display.encode("utf-8")).hexdigest()[:8]
    return f"{slug}-{digest}.html"


def _matches(relative: str, patterns: tuple[str, ...]) -> bool:
    name = relative.rsplit("/", 1)[-1]
    return any(fnmatch.fnmatch(relative, p) or fnmatch.fnmatch(name, p) for p in patterns)


def open_regular(path: Path) -> int:
    """A descriptor of `path` opened for reading, refused unless it is a regular file.

    O_NONBLOCK keeps the open itself from waiting on a FIFO that was swapped in after the
    folder was listed; the type is checked on the open descriptor, so no race remains.
    """
    descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    try:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            raise OSError(f"not a regular file: {path}")
        if hasattr(os, "set_blocking"):
            os.set_blocking(descriptor, True)
    except BaseException:
        os.close(descriptor)
        raise
    return descriptor


def safe_sha256(path: Path) -> str:
    """The content hash of a regular file; never blocks on a FIFO or reads a device."""
    digest = hashlib.sha256()
    with os.fdopen(open_regular(path), "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _is_contract_file(path: Path) -> bool:
    if path.suffix.lower() in SUPPORTED_SUFFIXES:
        return True
    try:
        with os.fdopen(open_regular(path), "rb") as handle:
            head = handle.read(4096)
    except OSError:
        return False
    return sniff_format(head, path) in ("pdf", "docx")


def _inside(real: str, folder_real: str) -> bool:
    return real == folder_real or real.startswith(folder_real.rstrip(os.sep) + os.sep)


def _refusal(path: Path, folder_real: str, follow_links: bool) -> tuple[str | None, bool]:
    """(why `path` is not read, whether it may be a contract at all) without opening it."""
    try:
        link = os.lstat(path)
    except OSError as error:
        return f"cannot read file: {error.strerror or error}", False
    if stat.S_ISLNK(link.st_mode):
        try:
            target = os.stat(path)
        except OSError as error:  # dangling or circular
            return f"a link that leads nowhere: {error.strerror or error}", True
        mode = target.st_mode
    else:
        mode = link.st_mode
    if not stat.S_ISREG(mode):
        return f"not a regular file but {FILE_KINDS.get(stat.S_IFMT(mode), 'a special file')}: not read", True
    if stat.S_ISLNK(link.st_mode) and not follow_links and not _inside(os.path.realpath(path), folder_real):
        return "a link to a file outside the input folder: not read (give --follow-links to read it)", True
    return None, True


def find_contracts(folder: Path, options: BatchOptions, skip: Path | None = None) -> list[Candidate]:
    """Every contract file under `folder`, sorted; follows folder links once, never in circles."""
    folder = Path(folder)
    folder_real = os.path.realpath(folder)
    skip_real = os.path.realpath(skip) if skip else None
    seen_dirs: set[tuple[int, int]] = set()
    found: list[Candidate] = []
    used_memos: set[str] = set()
    for root, dirs, files in os.walk(folder, followlinks=True):
        try:
            info = os.stat(root)
        except OSError:
            dirs[:] = []
            continue
        root_real = os.path.realpath(root)
        outside = not options.follow_links and not _inside(root_real, folder_real)
        if (info.st_dev, info.st_ino) in seen_dirs or (skip_real and root_real == skip_real) or outside:
            dirs[:] = []
            continue
        seen_dirs.add((info.st_dev, info.st_ino))
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if name.startswith(".") or name.startswith("~$"):
                continue
            path = Path(root) / name
            relative = path.relative_to(folder).as_posix()
            if options.include and not _matches(relative, options.include):
                continue
            if options.exclude and _matches(relative, options.exclude):
                continue
            refusal, maybe_contract = _refusal(path, folder_real, options.follow_links)
            if refusal:
                # Report a refused file only when its name says it is a contract: a FIFO
                # or a link without such a name is never opened to find out.
                if not maybe_contract or Path(name).suffix.lower() not in SUPPORTED_SUFFIXES:
                    continue
            elif not _is_contract_file(path):
                continue
            raw_name = os.fsencode(relative)
            display = display_path(relative)
            memo = memo_name(display, raw_name)
            while memo in used_memos:  # two 8-hex digests that happen to meet
                memo = memo_name(display, raw_name + f"#{len(used_memos)}".encode())
            used_memos.add(memo)
            found.append(Candidate(path, display, memo, raw_name, refusal))
    return found
