"""Uploads: a request body streamed to a file under --data, with the size limit kept while it streams.

The uploaded name is only ever shown: the bytes are written to a generated name (`<32 hex>`
plus the lower-cased suffix, one of the suffixes the parsers read), first as a `.part` file in
`tmp/` and then moved into `uploads/` when the whole body has arrived within the limit. A body
that passes the limit is not written further; the rest of it is read and dropped (up to a bound)
so that the browser receives the coded answer instead of a broken connection.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import shutil
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import AsyncIterator

from clausecheck.errors import InputError
from clausecheck.parsers import SUPPORTED_SUFFIXES

UPLOADS, RESULTS, TEMPORARY = "uploads", "results", "tmp"
NAME_LIMIT = 200  # characters of an uploaded name kept for display
# Past the size limit, this much more of a body is read and dropped before the connection is
# closed: enough for any honest upload to get its E109 answer, bounded for a dishonest one.
DRAIN_LIMIT = 128 * 1024 * 1024


@dataclass(frozen=True)
class StoredUpload:
    """An upload on disk under its generated name."""

    entry_id: str
    name: str
    stored: str
    size: int
    sha256: str


def new_entry_id() -> str:
    return secrets.token_hex(16)


def display_name(raw: str) -> str:
    """The uploaded name as it may be shown: its last path part, no control characters, bounded."""
    name = unicodedata.normalize("NFC", raw).replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip()
    name = name.lstrip(".").strip() or "upload"
    if len(name) > NAME_LIMIT:
        suffix = Path(name).suffix[:16]
        name = name[: NAME_LIMIT - len(suffix) - 1] + "…" + suffix
    return name


def accepted_suffix(name: str) -> str:
    """The lower-cased suffix of `name` when the parsers read it; E103 otherwise."""
    suffix = Path(name).suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        accepted = ", ".join(s for s in SUPPORTED_SUFFIXES)
        raise InputError(f"{suffix or 'a file without a suffix'} is not a contract file clausecheck reads (accepted: {accepted})", code="E103", path=name)
    return suffix


def ensure_folders(data: Path) -> None:
    for folder in (UPLOADS, RESULTS, TEMPORARY):
        (data / folder).mkdir(parents=True, exist_ok=True, mode=0o700)
    # A .part file or folder left by a server that stopped mid-upload or mid-check is garbage.
    for leftover in (data / TEMPORARY).glob("*.part"):
        leftover.unlink(missing_ok=True)
    for leftover in (data / RESULTS).glob(".*.part"):
        shutil.rmtree(leftover, ignore_errors=True)


async def store_upload(data: Path, raw_name: str, declared_length: int | None, body: AsyncIterator[bytes], max_bytes: int) -> StoredUpload:
    """Stream `body` into --data/uploads under a generated name; InputError E102/E103/E109 otherwise."""
    name = display_name(raw_name)
    try:
        suffix = accepted_suffix(name)
    except InputError:
        await _drain(body, 0)
        raise
    if declared_length is not None and declared_length > max_bytes:
        await _drain(body, 0)
        raise _too_large(name, max_bytes)
    entry_id = new_entry_id()
    stored = entry_id + suffix
    partial = data / TEMPORARY / f"{entry_id}.part"
    digest = hashlib.sha256()
    size = 0
    try:
        with open(partial, "xb") as handle:
            async for chunk in body:
                size += len(chunk)
                if size > max_bytes:
                    await _drain(body, size)
                    raise _too_large(name, max_bytes)
                digest.update(chunk)
                handle.write(chunk)
        if size == 0:
            raise InputError("the file is empty", code="E102", path=name)
        os.replace(partial, data / UPLOADS / stored)
    finally:
        partial.unlink(missing_ok=True)
    return StoredUpload(entry_id, name, stored, size, digest.hexdigest())


async def _drain(body: AsyncIterator[bytes], seen: int) -> None:
    """Read and drop the rest of a refused body, up to DRAIN_LIMIT."""
    try:
        async for chunk in body:
            seen += len(chunk)
            if seen > DRAIN_LIMIT:
                return
    except Exception:  # noqa: BLE001 - the client may hang up: the answer is the same
        return


def _too_large(name: str, max_bytes: int) -> InputError:
    return InputError(f"the file is over the limit of {max_bytes // (1024 * 1024)} MB ({max_bytes:,} bytes)", code="E109", path=name)
