"""The clause tree for the numbering styles Japanese and English contracts use."""

from __future__ import annotations

from conftest import document_from_text

from clausecheck.structure import find_clause
from clausecheck.structure.numbering import find_marker

JA_CONTRACT = """業務委託契約書
株式会社アルファ（以下「甲」という。）と株式会社ベータ（以下「乙」という。）は、次のとおり契約を締結する。
第１章　総則
（目的）
第一条　本契約は、甲が乙に業務を委託することを目的とする。
第二条（定義）本契約において「本業務」とは、別紙に定める業務をいう。
２　「成果物」とは、本業務の結果物をいう。
第２章　委託
（委託料）
第十二条　甲は乙に対し、次の各号に定める委託料を支払う。
（１）　着手金　金100万円
（２）　残金　金200万円
２　前項の支払は、銀行振込による。
ただし、振込手数料は甲の負担とする。
第十二条の２　乙は、次に掲げる事項を遵守する。
一　法令を遵守すること
二　秘密を保持すること
ア　口頭の情報
イ　書面の情報
第13条　甲は、次の条件で許諾する。
記
①　対象：本製品
②　期間：1年
附則
この契約は、令和6年4月1日から施行する。
"""

EN_CONTRACT = """LICENSE AGREEMENT
TABLE OF CONTENTS
1. Definitions 1
2. License 2
3. Term 4
This License Agreement (the "Agreement") is made as of January 5, 2021 by and between Acme Widgets, Inc., a Delaware corporation ("Licensor"), and Beta Labs LLC, a California limited liability company ("Licensee") (each a "Party").
WHEREAS, Licensor owns certain technology; and
WHEREAS, Licensee wishes to license it.
NOW, THEREFORE, the Parties agree as follows:
1. Definitions
1.1 "Licensed Technology" means the technology described in Exhibit A.
1.2 "Territory" shall have the meaning set forth in Section 2.1.
2. License
2.1 Grant. Licensor grants to Licensee an exclusive licence in the Territory, subject to
Section 5.2 of this Agreement and to the following conditions:
(a) Licensee shall pay royalties;
(b) Licensee shall not sublicense, except:
(i) to its Affiliates; or
(ii) with consent.
2.1.1 Reports. Licensee shall report quarterly.
3. Term
The term is five years.
IN WITNESS WHEREOF, the Parties have signed this Agreement.
ACME WIDGETS, INC.
By: ______
Name:
EXHIBIT A
Description of the technology.
"""


def _tree(clauses):
    return [(c.number, [n for n, _ in _tree(c.children)] if c.children else []) for c in clauses]


def test_japanese_articles_chapters_paragraphs_and_items():
    document = document_from_text(JA_CONTRACT)
    kinds = [c.kind for c in document.clauses]
    assert kinds == ["preamble", "clause", "clause", "schedule"]
    chapter1, chapter2 = document.clauses[1], document.clauses[2]
    assert (chapter1.number, chapter1.heading) == ("第1章", "総則")
    assert [(c.number, c.heading) for c in chapter1.children] == [("第1条", "目的"), ("第2条", "定義")]
    assert [c.number for c in chapter1.children[1].children] == ["第2条2項"]
    assert [c.number for c in chapter2.children] == ["第12条", "第12条の2", "第13条"]
    article12 = chapter2.children[0]
    assert article12.heading == "委託料"
    assert [c.number for c in article12.children] == ["第12条(1)", "第12条(2)", "第12条2項"]
    # ただし書 on its own line stays with its paragraph.
    assert article12.children[2].text.endswith("ただし、振込手数料は甲の負担とする。")
    article12_2 = chapter2.children[1]
    assert [c.number for c in article12_2.children] == ["第12条の2一", "第12条の2二"]
    assert [c.number for c in article12_2.children[1].children] == ["第12条の2二ア", "第12条の2二イ"]
    # Items under 記 belong to the article that introduces them.
    assert [c.number for c in chapter2.children[2].children] == ["第13条①", "第13条②"]
    assert document.clauses[3].number == "附則"


def test_japanese_heading_on_the_line_above_is_part_of_the_article():
    document = document_from_text(JA_CONTRACT)
    article1 = find_clause(document, "第1条")
    assert article1.text.startswith("（目的）\n第一条")
    assert document.text[article1.start:article1.end] == article1.text


def test_english_numbering_toc_recitals_signature_and_exhibits():
    document = document_from_text(EN_CONTRACT)
    kinds = [c.kind for c in document.clauses]
    assert kinds == ["preamble", "toc", "preamble", "clause", "clause", "clause", "signature", "schedule"]
    assert _tree([c for c in document.clauses if c.kind == "clause"]) == [
        ("1", ["1.1", "1.2"]),
        ("2", ["2.1"]),
        ("3", []),
    ]
    grant = find_clause(document, "2.1")
    assert grant.heading == "Grant"
    assert [c.number for c in grant.children] == ["2.1(a)", "2.1(b)", "2.1.1"]
    assert [c.number for c in grant.children[1].children] == ["2.1(b)(i)", "2.1(b)(ii)"]
    # "Section 5.2 of this Agreement" continues a sentence; it is not a clause.
    assert find_clause(document, "5.2") is None
    assert "Section 5.2 of this Agreement" in grant.text
    signature = document.clauses[6]
    assert signature.text.startswith("IN WITNESS WHEREOF") and "EXHIBIT A" not in signature.text
    assert document.clauses[7].number == "Exhibit A"


def test_table_of_contents_without_a_title_does_not_duplicate_clauses():
    text = "SUPPLY AGREEMENT\n1. DEFINITIONS1\n2. SUPPLY4\n3. PRICE7\n4. TERM9\n" + "\n".join(
        f"{n}. {title}\n{n}.1 The parties agree on the {title.lower()} set out here in full detail." for n, title in enumerate(["DEFINITIONS", "SUPPLY", "PRICE", "TERM"], 1)
    )
    document = document_from_text(text)
    assert [c.kind for c in document.clauses] == ["preamble", "toc", "clause", "clause", "clause", "clause"]
    assert [c.number for c in document.clauses if c.kind == "clause"] == ["1", "2", "3", "4"]
    assert [c.heading for c in document.clauses if c.kind == "clause"] == ["DEFINITIONS", "SUPPLY", "PRICE", "TERM"]


def test_articles_sections_and_caps_headings():
    text = """SERVICES AGREEMENT
ARTICLE I
DEFINITIONS
Section 1.1 Affiliates. An affiliate controls a party.
Section 1.2 Services. The services in Schedule 1.
ARTICLE II
FEES
Section 2.1 Payment. Fees are due in 30 days.
CONFIDENTIALITY
Each party keeps the other's information confidential.
"""
    document = document_from_text(text)
    clauses = [c for c in document.clauses if c.kind == "clause"]
    assert [c.number for c in clauses] == ["Article I", "Article II"]
    assert [c.number for c in clauses[0].children] == ["Section 1.1", "Section 1.2"]
    assert clauses[0].children[0].heading == "Affiliates"


def test_markdown_bold_headings_and_recitals():
    text = """# Development Agreement

This Development Agreement is made between Acme Inc. ("Acme") and Beta GmbH ("Beta").

**Recitals**

A. Acme develops sensors.

B. Beta builds devices.

**1. Definitions.** Terms have the meanings below.

**2. Development.**

**2.1.** Acme will develop the sensor.
"""
    document = document_from_text(text, suffix=".md")
    numbered = [c for c in document.clauses if c.kind == "clause" and c.number]
    assert [c.number for c in numbered] == ["1", "2"]
    assert numbered[0].heading == "Definitions"
    assert [c.number for c in numbered[1].children] == ["2.1"]
    assert [p.aliases for p in document.parties] == [("Acme",), ("Beta",)]


def test_bilingual_translation_paragraph_is_its_own_english_clause():
    text = """# 秘密保持契約書 / Non-Disclosure Agreement

## 第5条　目的外使用の禁止（Permitted Use）

5.1 受領者は、秘密情報を評価目的にのみ使用することができる。

5.2 受領者は、以下の行為を禁止される。

   (a) 秘密情報の商業的利用

   (b) 類似製品の開発

*English Reference — Article 5: The Receiving Party may use Confidential Information only for the evaluation purpose.*

## 第6条　知的財産権（Intellectual Property）

6.1 開示は、権利の移転を意味しない。
"""
    document = document_from_text(text, suffix=".md")
    article5 = find_clause(document, "第5条")
    assert article5.heading == "目的外使用の禁止（Permitted Use）"
    assert article5.language == "ja"
    assert [c.number for c in article5.children] == ["第5条5.1", "第5条5.2", None]
    english = article5.children[2]
    assert english.language == "en" and english.text.startswith("English Reference")
    assert find_clause(document, "第5条5.2(b)").text == "(b) 類似製品の開発"
    assert find_clause(document, "5.2(b)") is find_clause(document, "第5条5.2(b)")
    assert find_clause(document, "第５条 ５．１").number == "第5条5.1"
    assert find_clause(document, "第6条6.1").language == "ja"


def test_references_do_not_start_clauses():
    assert find_marker("Section 5.2 of this Agreement applies.") is None
    assert find_marker("5.2 and 5.3 apply.") is None
    assert find_marker("Article 7 shall survive.") is None
    assert find_marker("Section 5.2 Termination.").label == "Section 5.2"
    assert find_marker("別紙製品目録1記載のヘッドライトカバーをいう。") is None
    assert find_marker("別紙1").style == "schedule"
    assert find_marker("Exhibit B to the executed Agreement.") is None
    assert find_marker("第3条の2（再委託）").label == "第3条の2"


def test_numbered_items_inside_a_japanese_article_are_items():
    text = "第10条　秘密情報\n２　次の各号の情報は秘密情報に該当しない。\n1. 公知の情報\n2. 独自に開発した情報\n３　受領者は、秘密を保持する。\n第11条　期間\n本契約の期間は1年とする。"
    document = document_from_text(text)
    article = find_clause(document, "第10条")
    assert [c.number for c in article.children] == ["第10条2項", "第10条3項"]
    assert [c.number for c in article.children[0].children] == ["第10条2項1.", "第10条2項2."]
    assert [c.number for c in document.clauses if c.kind == "clause"] == ["第10条", "第11条"]
