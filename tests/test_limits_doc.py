"""docs/limits.md is what a user reads about limits and codes: it must match the code.

Every error and warning code has a line in its table; every constant a limit row names
exists in the module it names and has the value the row gives; the `ReadOptions` defaults
are the ones the table lists.
"""

from __future__ import annotations

import importlib
import re
from dataclasses import fields
from pathlib import Path

import pytest

from clausecheck.errors import CODES
from clausecheck.parsers import ReadOptions

LIMITS = (Path(__file__).resolve().parents[1] / "docs" / "limits.md").read_text(encoding="utf-8")
ROWS = [[cell.strip() for cell in line.strip().strip("|").split("|")] for line in LIMITS.splitlines() if line.startswith("| ")]
# `(`parsers/docx_numbering.py: MAX_COUNTER`, `MAX_LETTER_REPEAT`)`: a module and its constants.
NAMED = re.compile(r"`([a-z_/]+)\.py: ([A-Z_]+)`((?:, `[A-Z_]+`)*)")


def _named_constants():
    for row in ROWS:
        for match in NAMED.finditer(" | ".join(row)):
            names = [match.group(2), *re.findall(r"`([A-Z_]+)`", match.group(3))]
            yield row, "clausecheck." + match.group(1).replace("/", "."), names


def _spellings(value) -> set[str]:
    """The ways the table writes a number: 20,000 / 1 MB / 128 MB / 0.5 s / 120 s."""
    if isinstance(value, float) and not value.is_integer():
        return {f"{value:g} s"}
    value = int(value)
    spelled = {f"{value:,}", str(value), f"{value} s"}
    if value and value % (1 << 20) == 0:
        spelled.add(f"{value >> 20} MB")
    return spelled


def test_every_code_has_a_line_in_the_table():
    documented = {row[0] for row in ROWS if re.fullmatch(r"[EW]\d{3}", row[0])}
    assert set(CODES) - documented == set(), "codes missing from docs/limits.md"
    assert documented - set(CODES) == set(), "docs/limits.md lists codes errors.py does not have"


@pytest.mark.parametrize(("row", "module", "names"), [pytest.param(*case, id=f"{case[1]}:{','.join(case[2])}") for case in _named_constants()])
def test_named_constants_exist_with_the_documented_value(row, module, names):
    loaded = importlib.import_module(module)
    for name in names:
        assert hasattr(loaded, name), f"{module} has no {name} (docs/limits.md: {row[0]})"
    if len(names) == 1:
        default = row[1]
        assert any(spelling in default for spelling in _spellings(getattr(loaded, names[0]))), (names[0], getattr(loaded, names[0]), default)


def test_read_option_defaults_are_the_documented_ones():
    rows = {option: row[1] for row in ROWS for option in re.findall(r"ReadOptions\.(\w+)", row[2] if len(row) > 2 else "")}
    numeric = [f.name for f in fields(ReadOptions) if isinstance(f.default, int) and f.name.startswith("max_")]
    assert set(numeric) <= set(rows), set(numeric) - set(rows)
    for name in numeric:
        assert any(spelling in rows[name] for spelling in _spellings(getattr(ReadOptions(), name))), (name, rows[name])
