"""A validated rule pack kept in the user's cache folder, so an unchanged pack is not validated again.

Reading and validating every rule file (YAML with line numbers, every regex and token
pattern checked) takes longer than checking a small contract, and indexing the pack's
literals for each language takes a third as long again. The validated pack, with its
per-language index and the compiler's memo tables (every pack pattern compiled, its
literals and backtracking read: engine/memo.py), is pickled into the user cache folder
under a key made of the content of every rule file
(paths and bytes, the same files the loader reads) and of the code that reads them (the
clausecheck version, the package's own source files, the Python and regex versions): a
changed rule file, another clausecheck version or an edited loader gives another key, so
a cached pack is never trusted across versions. A cache that cannot be read or written is
ignored; the pack is then loaded as before.

The cache folder is `$CLAUSECHECK_CACHE_DIR`, else `$XDG_CACHE_HOME/clausecheck`, else
`~/.cache/clausecheck`; `CLAUSECHECK_CACHE_DIR=off` switches the cache off.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
import tempfile
from pathlib import Path

import regex

import clausecheck
from clausecheck import __version__
from clausecheck.engine import memo
from clausecheck.engine.compiler import CompiledLanguage
from clausecheck.engine.loader import RULE_SUFFIXES, RulePack, builtin_rules_dir, load_rules
from clausecheck.engine.runner import Engine
from clausecheck.engine.warm import precompile
from clausecheck.statements.variants import dictionary_version  # the Japanese cue variants depend on it

CACHE_FORMAT = 3  # bump when the cached object's layout changes
LANGUAGES = ("en", "ja")
MAX_CACHED_PACKS = 16  # older entries are removed beyond this many


def cache_dir() -> Path | None:
    configured = os.environ.get("CLAUSECHECK_CACHE_DIR")
    if configured == "off":
        return None
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "clausecheck"


def pack_key(extra_dirs, include_builtin: bool = True) -> str:
    """The hash of everything a loaded pack depends on: rule files and the code reading them."""
    digest = hashlib.sha256()
    for part in (str(CACHE_FORMAT), __version__, sys.version, regex.__version__, str(include_builtin), dictionary_version()):
        digest.update(part.encode() + b"\0")
    package = Path(clausecheck.__file__).parent
    for source in sorted(package.rglob("*.py")):  # any code that could shape a loaded pack or its index
        digest.update(source.relative_to(package).as_posix().encode() + b"\0" + source.read_bytes())
    dirs = ([builtin_rules_dir()] if include_builtin else []) + [Path(d) for d in extra_dirs]
    for directory in dirs:
        digest.update(str(directory.resolve()).encode() + b"\0")
        if not directory.is_dir():
            continue
        for path in sorted(p for p in directory.rglob("*") if p.suffix in RULE_SUFFIXES and p.is_file()):
            digest.update(path.relative_to(directory).as_posix().encode() + b"\0")
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def load_rules_cached(extra_dirs=(), *, include_builtin: bool = True) -> RulePack:
    """`load_rules`, served from the cache when the same files were validated before."""
    return _load(extra_dirs, include_builtin, with_index=False)[0]


def cached_engine(extra_dirs=()) -> Engine:
    """An Engine over the built-in and `extra_dirs` packs, its per-language index from the cache when it can be."""
    pack, compiled = _load(extra_dirs, True, with_index=True)
    engine = Engine(pack)
    for language, index in compiled.items():
        engine._compiled[(language, None)] = index  # what Engine.compiled(language) would build
    return engine


def _load(extra_dirs, include_builtin: bool, with_index: bool) -> tuple[RulePack, dict]:
    folder = cache_dir()
    if folder is None:
        return load_rules(list(extra_dirs), include_builtin=include_builtin), {}
    try:
        key = pack_key(extra_dirs, include_builtin)
    except OSError:
        return load_rules(list(extra_dirs), include_builtin=include_builtin), {}
    entry = folder / f"rules-{key[:32]}.pickle"
    try:
        with entry.open("rb") as handle:
            cached = pickle.load(handle)  # noqa: S301 - the user's own cache folder, keyed by content
        if isinstance(cached, tuple) and len(cached) == 4 and cached[0] == key and isinstance(cached[1], RulePack) and isinstance(cached[2], dict):
            memo.restore(cached[3])
            return cached[1], cached[2]
    except Exception:  # noqa: BLE001 - a truncated or foreign cache file (any unpickling error) is ignored
        pass
    pack = load_rules(list(extra_dirs), include_builtin=include_builtin)  # RuleError propagates: nothing cached
    compiled: dict[str, CompiledLanguage] = {}
    if with_index:
        engine = Engine(pack)
        compiled = {language: engine.compiled(language) for language in LANGUAGES}
        precompile(engine, LANGUAGES)
    # One pickle: the index shares the pack's Rule objects. The memo tables hold what
    # validating (and, with the index, precompiling) the pack compiled.
    _store(folder, entry, (key, pack, compiled, memo.snapshot()))
    return pack, compiled


def _store(folder: Path, entry: Path, value) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=".rules-", suffix=".part")
        try:
            with os.fdopen(handle, "wb") as out:
                pickle.dump(value, out, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(temporary, entry)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        entries = sorted(folder.glob("rules-*.pickle"), key=lambda p: p.stat().st_mtime, reverse=True)
        for old in entries[MAX_CACHED_PACKS:]:
            old.unlink(missing_ok=True)
    except OSError:
        pass  # a read-only or full disk: the pack is simply validated again next time
