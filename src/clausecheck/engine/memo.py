"""Bounded memo tables for the compiler's per-pattern work, which a cached rule pack can carry.

Compiling a regular expression with the `regex` module runs its pattern parser, which is pure
Python (about 0.3 ms a pattern), and reading a pattern's literals or its backtracking takes as
long again; a `check` of one small file used to spend most of its time there. A compiled
`regex` pattern pickles as its compiled code and unpickles in microseconds, so the results of
this work are kept in named tables that `engine/pack_cache.py` saves with the validated pack
and loads back into a fresh process. A table is filled as `functools.lru_cache` would fill
it and holds `maxsize` entries at most (a few more while threads race; the oldest go
first), since per-document patterns with party aliases pass through it too.

Loading a snapshot only adds entries; it never changes what a function returns for a key,
since the snapshot's key (pack_cache.pack_key) covers this package's code and the `regex`
version that produced the values.
"""

from __future__ import annotations

from functools import wraps

TABLES: dict[str, dict] = {}  # table name → {arguments: result}


def memo(maxsize: int):
    """Decorator: a `functools.lru_cache`-like memo whose table is named in TABLES."""

    def decorate(function):
        table: dict = {}
        name = f"{function.__module__}.{function.__qualname__}"
        TABLES[name] = table

        @wraps(function)
        def cached(*args):
            try:
                return table[args]
            except KeyError:
                pass
            result = function(*args)
            if len(table) >= maxsize:
                try:
                    del table[next(iter(table))]  # the oldest entry
                except (KeyError, RuntimeError, StopIteration):
                    pass  # another thread (serve) evicted it first
            table[args] = result
            return result

        cached.table = table
        return cached

    return decorate


def snapshot() -> dict[str, dict]:
    """A copy of every table, to be pickled."""
    return {name: dict(table) for name, table in TABLES.items()}


def restore(saved) -> None:
    """Add the entries of a `snapshot` to the tables (a table not known here is ignored)."""
    if not isinstance(saved, dict):
        return
    for name, entries in saved.items():
        table = TABLES.get(name)
        if table is not None and isinstance(entries, dict):
            for key, value in entries.items():
                table.setdefault(key, value)
