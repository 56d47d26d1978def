"""The .docx parser on hostile and unusual Word files: bombs in numbering, duplicate parts,
Strict Open XML, external parts, footnotes, text boxes, altChunk and hidden text.

Every file is written here with python-docx and then changed with zipfile, so each case
states exactly what is unusual about it.
"""

from __future__ import annotations

import docx
import pytest
from test_docx import NS, _counter, _level, add_list, numbered

from clausecheck.parsers import read_file
from clausecheck.parsers.docx_numbering import MAX_LABEL_CHARS


# -- numbering bombs ----------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["upperLetter", "lowerLetter", "chicago", "decimal", "upperRoman", "japaneseCounting"])
def test_huge_start_values_give_bounded_labels(fmt):
    counter = _counter(_level(0, fmt, "%1.%1.%1.%1.%1.%1.%1.%1.%1", start=2_600_000_000),
                       '<w:num w:numId="1"><w:abstractNumId w:val="1"/></w:num>'
                       '<w:num w:numId="2"><w:abstractNumId w:val="1"/><w:lvlOverride w:ilvl="0"><w:startOverride w:val="99999999999"/></w:lvlOverride></w:num>')
    for num_id in ("1", "2"):
        label = counter.advance(num_id, 0).label
        assert 0 < len(label) <= MAX_LABEL_CHARS, label


def test_ordinary_letter_labels_are_unchanged():
    counter = _counter(_level(0, "upperLetter", "(%1)", start=26), '<w:num w:numId="1"><w:abstractNumId w:val="1"/></w:num>')
    assert [counter.advance("1", 0).label for _ in range(3)] == ["(Z)", "(AA)", "(BB)"]


def test_upper_letter_numbering_bomb_reads_in_bounded_memory(tmp_path):
    from test_hostile_input import run_isolated

    document = docx.Document()
    add_list(document, 100, [_level(0, "upperLetter", "%1", start=2_600_000_000)])
    for n in range(50):
        numbered(document, f"Clause {n} says something.", 100)
    path = tmp_path / "letters.docx"
    document.save(path)
    result = run_isolated(
        f"""
        from clausecheck.parsers import read_file
        raw = read_file({str(path)!r})
        result["longest"] = max(len(block.number or "") for block in raw.blocks)
        """
    )
    assert "error" not in result, result
    assert result["longest"] <= MAX_LABEL_CHARS
    assert result["peak_mb"] < 400, result  # the unbounded label took 5.2 GB
