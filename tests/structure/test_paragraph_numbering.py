"""項 numbered with dots (１． / 2.), 号 lists numbered like their 項, and headings that are really sentences."""

from __future__ import annotations

import docx
import pytest
from conftest import document_from_text

from clausecheck.pipeline import read_document
from clausecheck.structure import find_clause

FULL_WIDTH_DOTS = """第4条（秘密保持）
１．受託者は、委託者から開示された情報を秘密として保持する。
２．受託者は、前項の情報を本業務以外の目的に使用してはならない。
３．前二項の義務は、本契約の終了後も3年間存続する。
第5条（費用）
本業務の費用は委託者が負担する。
"""


@pytest.mark.parametrize("dot", ["．", ".", "."])
@pytest.mark.parametrize("digits", ["１２３", "123"])
def test_dot_numbered_paragraphs_are_paragraphs(dot, digits):
    text = FULL_WIDTH_DOTS.replace("１．", digits[0] + dot).replace("２．", digits[1] + dot).replace("３．", digits[2] + dot)
    document = document_from_text(text)
    article = find_clause(document, "第4条")
    assert [c.number for c in article.children] == ["第4条1項", "第4条2項", "第4条3項"]
    assert article.children[1].text.startswith(digits[1] + dot + "受託者は、前項の情報を")
    assert find_clause(document, "第4条第3項").text.endswith("3年間存続する。")
    assert [c.number for c in document.clauses if c.kind == "clause"] == ["第4条", "第5条"]


def test_second_paragraph_numbered_with_a_dot_after_an_unnumbered_first():
    text = "第6条（再委託）\n受託者は、委託者の承諾なく再委託してはならない。\n2. 受託者は、再委託先の行為について責任を負う。\n第7条（準拠法）\n本契約は日本法に準拠する。\n"
    article = find_clause(document_from_text(text), "第6条")
    assert [c.number for c in article.children] == ["第6条2項"]


NESTED = """第9条（解除）
1. 委託者は、受託者が次の各号のいずれかに該当したときは、催告なく本契約を解除することができる。
1. 支払を怠ったとき
2. 差押えを受けたとき
3. 破産手続開始の申立てがあったとき
4. 解散の決議をしたとき
5. 本契約に違反したとき
2. 受託者は、委託者が本契約に違反したときは、本契約を解除することができる。
3. 前二項による解除は、損害賠償の請求を妨げない。
第10条（協議）
本契約に定めのない事項は、協議して定める。
"""


def _assert_nested(document):
    article = find_clause(document, "第9条")
    assert [c.number for c in article.children] == ["第9条1項", "第9条2項", "第9条3項"]
    items = article.children[0].children
    assert [c.number for c in items] == [f"第9条1項{n}." for n in range(1, 6)]
    assert items[4].text.startswith("5. 本契約に違反したとき")
    numbers = [c.number for c in document.all_clauses() if c.number]
    assert len(numbers) == len(set(numbers)), "no two clauses share a citation"
    assert find_clause(document, "第9条2項").text.startswith("2. 受託者は、")


def test_item_list_inside_a_dot_numbered_paragraph_is_nested():
    _assert_nested(document_from_text(NESTED))


def test_item_list_inside_a_full_width_numbered_paragraph_is_nested():
    text = NESTED.replace("1. 委託者", "１．委託者").replace("2. 受託者", "２．受託者").replace("3. 前二項", "３．前二項")
    document = document_from_text(text)
    article = find_clause(document, "第9条")
    assert [c.number for c in article.children] == ["第9条1項", "第9条2項", "第9条3項"]
    assert [c.number for c in article.children[0].children] == [f"第9条1項{n}." for n in range(1, 6)]


def test_short_item_list_then_the_next_paragraph():
    # Two items: "2." after item 2 must still be read as the second paragraph.
    text = "第9条（解除）\n1. 委託者は、次の各号のいずれかに該当したときは、解除することができる。\n1. 支払を怠ったとき\n2. 差押えを受けたとき\n2. 受託者は、委託者が本契約に違反したときは、本契約を解除することができる。\n"
    article = find_clause(document_from_text(text), "第9条")
    assert [c.number for c in article.children] == ["第9条1項", "第9条2項"]
    assert [c.number for c in article.children[0].children] == ["第9条1項1.", "第9条1項2."]


def test_nested_items_in_a_word_file(tmp_path):
    document = docx.Document()
    for line in NESTED.splitlines():
        paragraph = document.add_paragraph(line)
        if line[:2] in {f"{n}." for n in range(1, 6)} and ("とき" in line[-4:]):
            paragraph.paragraph_format.left_indent = docx.shared.Pt(24)
    path = tmp_path / "nested.docx"
    document.save(path)
    _assert_nested(read_document(path))


LONG_SENTENCE = "The Supplier shall deliver all Products to the delivery point designated by the Customer within thirty days."


def test_a_long_sentence_styled_as_a_heading_is_not_a_heading(tmp_path):
    document = docx.Document()
    document.add_paragraph("SUPPLY AGREEMENT")
    document.add_paragraph('This Agreement is made between Alder Ltd. ("Supplier") and Birch Ltd. ("Customer").')
    document.add_heading("1. Delivery", level=1)
    document.add_heading(LONG_SENTENCE, level=2)
    document.add_paragraph("Delivery is complete when the Customer signs the delivery note.")
    document.add_heading("2. Price", level=1)
    document.add_paragraph("The Customer shall pay the price stated in the order.")
    path = tmp_path / "long_heading.docx"
    document.save(path)
    parsed = read_document(path)
    assert len(LONG_SENTENCE) > 100
    for clause in parsed.all_clauses():
        assert clause.number is None or len(clause.number) <= 40
        assert clause.heading is None or len(clause.heading) <= 80
        assert clause.label() != LONG_SENTENCE
    assert LONG_SENTENCE in find_clause(parsed, "1").text


@pytest.mark.parametrize(
    "text",
    [
        "# SUPPLY AGREEMENT\n\n## 1. Delivery\n\n## " + LONG_SENTENCE + "\n\nDelivery is complete on signature.\n\n## 2. Price\n\nThe price is fixed.\n",
        "第1条　受託者は、委託者が指定する納入場所に、注文書に記載された数量の本製品を納期までに納入するものとし、納入に要する費用を負担する\n２　納入は検収をもって完了する。\n",
    ],
)
def test_a_long_sentence_is_never_a_clause_label_or_heading(text):
    document = document_from_text(text, suffix=".md" if text.startswith("#") else ".txt")
    for clause in document.all_clauses():
        assert len(clause.label()) <= 40, clause.label()
        # a heading names the clause; a sentence with its subject and verb is the clause's text
        assert clause.heading is None or not any(word in clause.heading for word in ("shall", "は、")), clause.heading
