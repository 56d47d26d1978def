"""The text parser: encodings decoded exactly, Markdown marks out of the way, page furniture dropped."""

from __future__ import annotations

import codecs

import pytest

from clausecheck.errors import InputError
from clausecheck.parsers import read_file
from clausecheck.parsers.text import decode, is_page_furniture, split_paragraphs, strip_markdown
from conftest import document_from_text

JA_TEXT = "秘密保持契約書\n第1条（目的）\n甲及び乙は、①本件取引の検討のため、㈱Ｘの情報を開示する。\n２　乙は、秘密を保持する。\n"
EN_TEXT = "MUTUAL NDA\n1. Purpose. The parties will exchange information.\n"


@pytest.mark.parametrize(
    "encoded, expected",
    [
        (JA_TEXT.encode("utf-8"), JA_TEXT),
        (codecs.BOM_UTF8 + JA_TEXT.encode("utf-8"), JA_TEXT),
        (codecs.BOM_UTF16_LE + JA_TEXT.encode("utf-16-le"), JA_TEXT),
        (codecs.BOM_UTF16_BE + JA_TEXT.encode("utf-16-be"), JA_TEXT),
        (JA_TEXT.encode("cp932"), JA_TEXT),
        (JA_TEXT.replace("①", "一").replace("㈱", "株").encode("shift_jis"), JA_TEXT.replace("①", "一").replace("㈱", "株")),
        (JA_TEXT.replace("①", "一").replace("㈱", "株").encode("euc_jp"), JA_TEXT.replace("①", "一").replace("㈱", "株")),
        (EN_TEXT.encode("ascii"), EN_TEXT),
    ],
    ids=["utf8", "utf8-bom", "utf16-le-bom", "utf16-be-bom", "cp932", "shift_jis", "euc_jp", "ascii"],
)
def test_decode_gives_the_exact_text(encoded, expected):
    text, _encoding = decode(encoded)
    assert text == expected


@pytest.mark.parametrize("codec", ["cp932", "euc_jp"])
def test_legacy_japanese_files_read_exactly_with_a_warning(tmp_path, codec):
    text = "\n".join([JA_TEXT.replace("①", "一").replace("㈱", "株")] * 20)
    path = tmp_path / f"contract-{codec}.txt"
    path.write_bytes(text.encode(codec))
    raw = read_file(path)
    assert "\n".join(b.text for b in raw.blocks) == "\n".join(line for line in text.split("\n") if line.strip())
    assert any(w.code == "W106" for w in raw.warnings)


def test_utf16_file_with_bom_parses_into_clauses(tmp_path):
    path = tmp_path / "utf16.txt"
    path.write_bytes(codecs.BOM_UTF16_LE + JA_TEXT.encode("utf-16-le"))
    raw = read_file(path)
    assert raw.blocks[0].text == "秘密保持契約書"
    assert raw.blocks[1].text == "第1条（目的）"


def test_binary_data_is_refused(tmp_path):
    path = tmp_path / "noise.txt"
    path.write_bytes(bytes(range(256)) * 40)
    with pytest.raises(InputError) as excinfo:
        read_file(path)
    assert excinfo.value.code == "E111"


def test_markdown_marks_are_removed_and_headings_kept():
    assert strip_markdown("## 第1条　目的") == ("第1条　目的", "heading")
    assert strip_markdown("**Section 2.** Licence") == ("Section 2. Licence", "paragraph")
    assert strip_markdown("> **注意**: 下書き") == ("注意: 下書き", "paragraph")
    assert strip_markdown("*English Reference — Article 1*") == ("English Reference — Article 1", "paragraph")
    assert strip_markdown("- item") == ("item", "list_item")
    assert strip_markdown('1. <span class="h2" id="1">Service</span>') == ("1. Service", "paragraph")
    assert strip_markdown("see [the terms](https://example.com/terms)") == ("see the terms", "paragraph")
    # Redaction marks and arithmetic are not emphasis.
    assert strip_markdown("[***] and [*]")[0] == "[***] and [*]"
    assert strip_markdown("a * b * c")[0] == "a * b * c"


def test_markdown_tables_rules_and_fences_do_not_break_clauses():
    text = (
        "# Agreement\n\n---\n\n## 1. Fees\n\n| Item | Fee |\n| --- | --- |\n| Licence | 100 |\n\n```\nBy: ____\n```\n\n"
        "## 2. Term\n\nThe term is one year.\n"
    )
    document = document_from_text(text, suffix=".md")
    numbers = [c.number for c in document.clauses if c.kind == "clause"]
    assert numbers == ["1", "2"]
    assert "```" not in document.text and "---" not in document.text
    fees = document.clauses[[c.number for c in document.clauses].index("1")]
    assert "Licence" in fees.text and "100" in fees.text


def test_markdown_nested_ordered_lists_are_renumbered():
    text = "1. Service\n    1. Access. Customer may use it.\n    2. Support. Provider supports it.\n        a. by email\n2. Fees\n    1. Payment. Customer pays.\n"
    pieces = split_paragraphs(text, markdown=True)
    assert [(p["text"], p.get("number")) for p in pieces] == [
        ("1. Service", None),
        ("Access. Customer may use it.", "1.1"),
        ("Support. Provider supports it.", "1.2"),
        ("by email", "(a)"),
        ("2. Fees", None),
        ("Payment. Customer pays.", "2.1"),
    ]
    document = document_from_text(text, suffix=".md")
    service = document.clauses[0]
    assert [c.number for c in service.children] == ["1.1", "1.2"]
    assert [c.number for c in service.children[1].children] == ["1.2(a)"]


@pytest.mark.parametrize(
    "line, furniture",
    [
        ("Source: CONFORMIS INC, 10-Q, 11/1/2019", True),
        ("Source: ALLIED ESPORTS ENTERTAINMENT, INC., 8-K, 8/15/2019", True),
        ("Page 3 of 12", True),
        ("Case 18-10248- MFW Doc 632-1 Filed 04/18/18 Page 2 of 60", True),
        ("12", True),
        ("- 4 -", True),
        ("1.", False),
        ("12 months after the Effective Date", False),
        ("Source code shall be escrowed.", False),
    ],
)
def test_page_furniture(line, furniture):
    assert is_page_furniture(line) is furniture


def test_edgar_footers_go_to_headers_not_clause_bodies():
    line = (
        "1.1 \"Affiliate\" means any entity controlling a Party.   2   Source: CONFORMIS INC, 10-Q, 11/1/2019   "
        "1.2 \"Background IP\" means the technology a Party holds on the Effective Date and all rights in it, "
        + "including improvements made by that Party alone. " * 6
    )
    text = "LICENSE AGREEMENT\n1. DEFINITIONS\n" + line + "\nPage 3 of 12\n2. LICENSE\n2.1 Grant. Licensor grants a licence.\n"
    headers: list[str] = []
    pieces = split_paragraphs(text, markdown=False, headers=headers)
    assert "Source: CONFORMIS INC, 10-Q, 11/1/2019" in headers and "Page 3 of 12" in headers and "2" in headers
    assert not any("Source:" in p["text"] or p["text"] == "2" for p in pieces)
    document = document_from_text(text)
    assert "Source:" not in document.text and "Page 3 of 12" not in document.text
    definitions = next(c for c in document.clauses if c.number == "1")
    assert [c.number for c in definitions.children] == ["1.1", "1.2"]


def test_long_lines_without_breaks_are_split_before_inline_clause_numbers():
    body = "The Parties hereby agree as follows: 1. DEFINITIONS. 1.1 \"Product\" means the device. " + (
        "The Parties shall cooperate in good faith in all matters. " * 30
    ) + "2. LICENSE. 2.1 Grant. Licensor grants a licence under Section 5.2 of the Agreement. 2.2 Limits. None."
    document = document_from_text("PROMOTION AGREEMENT\n" + body)
    tops = [c for c in document.clauses if c.kind == "clause"]
    assert [c.number for c in tops] == ["1", "2"]
    assert [c.number for c in tops[1].children] == ["2.1", "2.2"]
    # "Section 5.2 of the Agreement" inside a sentence is a reference, not a clause.
    assert all(c.number != "5.2" for c in document.all_clauses())
