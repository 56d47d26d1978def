"""Bilingual contracts: a language per clause, and 第N条 / Article N as two parallel numberings."""

from __future__ import annotations

import docx
import pytest
from conftest import document_from_text

from clausecheck.pipeline import read_document
from clausecheck.structure import find_clause
from clausecheck.bilingual import parallel_clauses

# Japanese and English one after the other, article by article.
INTERLEAVED = """共同開発契約書 / Joint Development Agreement

株式会社ミナト精機（以下「甲」という。）と株式会社ソラリス（以下「乙」という。）は、次のとおり契約を締結する。

Minato Seiki Co., Ltd. ("Party A") and Solaris Inc. ("Party B") hereby agree as follows.

第1条（目的）

本契約は、甲及び乙が新型センサーを共同で開発することを目的とする。

Article 1 (Purpose)

The purpose of this Agreement is for Party A and Party B to jointly develop a new sensor.

第2条（成果の帰属）

本開発により生じた発明その他の成果は、すべて甲に帰属するものとし、乙は無償で甲に譲渡する。

Article 2 (Ownership of Results)

All inventions and other results arising from the development shall belong solely to Party A, and Party B shall assign them to Party A free of charge.

第3条（準拠法）

本契約は日本法に準拠する。

Article 3 (Governing Law)

This Agreement shall be governed by the laws of Japan.
"""

# The whole Japanese text first, then the whole English translation numbered "1." / "2.".
SEQUENTIAL = """業務委託契約書

株式会社ミナト精機（以下「委託者」という。）と株式会社ソラリス（以下「受託者」という。）は、以下のとおり合意する。

第1条（委託業務）
委託者は、受託者に対し、評価試験の実施を委託する。
２　受託者は、委託業務を善良な管理者の注意をもって行う。

第2条（秘密保持）
受託者は、委託業務に関して知り得た委託者の情報を第三者に開示してはならない。

第3条（有効期間）
本契約の有効期間は、締結日から1年間とする。

English Translation

1. Entrusted Work
The Client entrusts the Contractor with carrying out the evaluation tests.
2. Confidentiality
The Contractor shall not disclose to any third party information of the Client learned in the course of the work.
3. Term
This Agreement shall remain in force for one year from the date of execution.
"""


def _top(document):
    return [c for c in document.clauses if c.kind == "clause" and c.number]


def _all_numbers(clause):
    return [c.number for c in clause.walk() if c.number]


def test_interleaved_articles_are_parallel_not_nested():
    document = document_from_text(INTERLEAVED)
    top = _top(document)
    assert [c.number for c in top] == ["第1条", "Article 1", "第2条", "Article 2", "第3条", "Article 3"]
    assert [c.language for c in top] == ["ja", "en"] * 3
    for clause in top:
        # no article of one numbering inside an article of the other
        assert _all_numbers(clause) == [clause.number]
    assert find_clause(document, "Article 2").heading == "Ownership of Results"
    assert find_clause(document, "第2条").text.endswith("乙は無償で甲に譲渡する。")
    assert find_clause(document, "Article 2").text.startswith("Article 2 (Ownership of Results)\nAll inventions")


def test_whole_translation_after_the_japanese_has_its_own_sections():
    document = document_from_text(SEQUENTIAL)
    top = _top(document)
    assert [c.number for c in top] == ["第1条", "第2条", "第3条", "1", "2", "3"]
    assert [c.language for c in top] == ["ja"] * 3 + ["en"] * 3
    assert [c.number for c in find_clause(document, "第1条").children] == ["第1条2項"]
    # the English sections are not 号 of the last Japanese article
    assert find_clause(document, "第3条").children == ()
    assert find_clause(document, "第3条").text.rstrip().endswith("1年間とする。")
    assert find_clause(document, "2").heading == "Confidentiality"


def test_parallel_clauses_pair_each_article_with_its_translation():
    for text in (INTERLEAVED, SEQUENTIAL):
        document = document_from_text(text)
        pairs = parallel_clauses(document)
        assert all(ja.language == "ja" and en.language == "en" for ja, en in pairs)
        by_number = {ja.number: en.number for ja, en in pairs} | {en.number: ja.number for ja, en in pairs}
        ja_numbers = [c.number for c in _top(document) if c.language == "ja"]
        en_numbers = [c.number for c in _top(document) if c.language == "en"]
        for ja_number, en_number in zip(ja_numbers, en_numbers):
            assert by_number[ja_number] == en_number
            assert by_number[en_number] == ja_number


def test_a_monolingual_contract_has_no_parallel_clauses():
    text = "第1条（目的）\n本契約は、評価を目的とする。\n第2条（期間）\n本契約の期間は1年とする。\n"
    assert parallel_clauses(document_from_text(text)) == []


def _side_by_side_docx(path):
    document = docx.Document()
    document.add_paragraph("秘密保持契約書 / Non-Disclosure Agreement")
    rows = [
        ("第1条（秘密情報）", "本契約において秘密情報とは、開示者が受領者に開示する技術上の情報をいう。",
         "Article 1 (Confidential Information)", "Confidential Information means technical information disclosed by the Discloser to the Recipient."),
        ("第2条（秘密保持義務）", "受領者は、秘密情報を第三者に開示又は漏洩してはならない。",
         "Article 2 (Duty of Confidentiality)", "The Recipient shall not disclose or leak Confidential Information to any third party."),
        ("第3条（有効期間）", "本契約の有効期間は、締結日から3年間とする。",
         "Article 3 (Term)", "This Agreement shall remain in force for three years from the date of execution."),
    ]
    table = document.add_table(rows=len(rows), cols=2)
    for row, (ja_head, ja_body, en_head, en_body) in zip(table.rows, rows):
        ja_cell, en_cell = row.cells
        ja_cell.paragraphs[0].text = ja_head
        ja_cell.add_paragraph(ja_body)
        en_cell.paragraphs[0].text = en_head
        en_cell.add_paragraph(en_body)
    document.save(path)


def test_side_by_side_table_gives_a_clause_per_cell(tmp_path):
    path = tmp_path / "side_by_side.docx"
    _side_by_side_docx(path)
    document = read_document(path)
    top = _top(document)
    assert [c.number for c in top] == ["第1条", "Article 1", "第2条", "Article 2", "第3条", "Article 3"]
    assert [c.language for c in top] == ["ja", "en"] * 3
    assert find_clause(document, "Article 2").heading == "Duty of Confidentiality"
    assert find_clause(document, "第2条").text.endswith("漏洩してはならない。")


@pytest.mark.parametrize("english_head", ["Article 2 (Ownership of Results)", "ARTICLE 2 OWNERSHIP OF RESULTS", "Article 2. Ownership of Results"])
def test_english_article_headings_of_a_bilingual_contract(english_head):
    text = INTERLEAVED.replace("Article 2 (Ownership of Results)", english_head)
    document = document_from_text(text)
    assert find_clause(document, "Article 2").heading.lower() == "ownership of results"


def _interleaved_pdf(path):
    reportlab = pytest.importorskip("reportlab")
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    assert reportlab
    pdfmetrics.registerFont(UnicodeCIDFont("HeiseiMin-W3"))
    page = canvas.Canvas(str(path), pagesize=A4)
    y = 800
    for paragraph in (p for p in INTERLEAVED.split("\n\n") if p.strip()):
        japanese = any("\u3040" <= ch <= "\u9fff" for ch in paragraph)
        page.setFont("HeiseiMin-W3" if japanese else "Helvetica", 9)
        width = 40 if japanese else 95
        text = paragraph.strip()
        for start in range(0, len(text), width):
            page.drawString(50, y, text[start:start + width])
            y -= 13
        y -= 10
    page.save()


def test_interleaved_pdf_keeps_the_two_numberings_apart(tmp_path):
    path = tmp_path / "interleaved.pdf"
    _interleaved_pdf(path)
    document = read_document(path)
    top = _top(document)
    assert [c.number for c in top] == ["第1条", "Article 1", "第2条", "Article 2", "第3条", "Article 3"]
    assert [c.language for c in top] == ["ja", "en"] * 3


def test_an_english_annex_list_is_not_a_translation_of_the_articles():
    articles = "".join(f"第{n}条（第{n}の定め）\n甲及び乙は、本契約の第{n}の事項について誠実に協議し、その結果を書面により確認するものとする。\n" for n in range(1, 11))
    annex = "Annex\n" + "".join(f"{n}. Item {n} of the evaluation services to be performed by the parties under this agreement, with the deliverables to be handed over by the parties at the end of the evaluation period and the acceptance tests that apply to them.\n" for n in range(1, 4))
    document = document_from_text(articles + annex)
    assert [c.number for c in _top(document)] == [f"第{n}条" for n in range(1, 11)] + ["1", "2", "3"]
    assert parallel_clauses(document) == []


def _dotted_versions(interleaved: bool) -> str:
    japanese = [f"{n}．第{n}の事項\n甲及び乙は、第{n}の事項について誠実に協議し、その結果を書面で確認する。" for n in range(1, 6)]
    english = [f"{n}. Matter {n}\nThe parties shall discuss matter {n} in good faith and confirm the outcome in writing." for n in range(1, 6)]
    preamble = "覚書 / Memorandum\n株式会社ミナト精機（以下「甲」という。）と株式会社ソラリス（以下「乙」という。）は、次のとおり合意する。\n"
    if interleaved:
        body = [part for pair in zip(japanese, english) for part in pair]
    else:
        body = japanese + ["English Version"] + english
    return preamble + "\n".join(body) + "\n"


@pytest.mark.parametrize("interleaved", [True, False])
def test_two_dotted_numberings_count_apart(interleaved):
    document = document_from_text(_dotted_versions(interleaved))
    top = _top(document)
    expected = [(str(n), language) for n in range(1, 6) for language in ("ja", "en")] if interleaved else \
        [(str(n), "ja") for n in range(1, 6)] + [(str(n), "en") for n in range(1, 6)]
    assert [(c.number, c.language) for c in top] == expected
    assert all(c.kind != "toc" for c in document.clauses)
    assert len(parallel_clauses(document)) == 5
