"""Structure of the real contracts in the shared corpus (skipped when the corpus is absent)."""

from __future__ import annotations

import re

import pytest
from conftest import corpus_path

from clausecheck.pipeline import read_document
from clausecheck.structure import find_clause

JA_MODEL_CONTRACTS = [
    "oi_model_v1_1_nda_shinsozai.txt",
    "oi_model_v1_2_poc_shinsozai.txt",
    "oi_model_v1_3_joint_rd_shinsozai.txt",
    "oi_model_v1_4_license_shinsozai.txt",
]
# 第N条 opening a line and followed by its heading or text — not 第3条に定める… (a reference).
_RE_ARTICLE_LINE = re.compile(r"^[#\s]*第\s*[0-9０-９一二三四五六七八九十百]+\s*条(?:の\s*[0-9０-９一二三四五六七八九十]+)?(?=[\s　（(]|$)")
_RE_ARTICLE_NUMBER = re.compile(r"第\d+条(?:の\d+)?")


def _article_lines(path) -> int:
    return sum(1 for line in path.read_text(encoding="utf-8").splitlines() if _RE_ARTICLE_LINE.match(line))


def _articles(document):
    return [c for c in document.all_clauses() if c.number and _RE_ARTICLE_NUMBER.fullmatch(c.number)]


@pytest.mark.parametrize("name", JA_MODEL_CONTRACTS + ["ycam_grp_kyodo_kenkyu_kaihatsu_v2.md", "faultray_nda_one_way_bilingual.md"])
def test_every_japanese_article_line_is_one_article(name):
    path = corpus_path("ja", name)
    document = read_document(path)
    articles = _articles(document)
    assert len(articles) == _article_lines(path)
    numbers = [int(re.match(r"第(\d+)条", c.number).group(1)) for c in articles]
    assert numbers == list(range(1, len(numbers) + 1))
    assert document.language == "ja"


@pytest.mark.parametrize("name", JA_MODEL_CONTRACTS)
def test_model_contract_parties_are_x_and_y(name):
    document = read_document(corpus_path("ja", name))
    assert [(p.id, p.aliases, p.names) for p in document.parties] == [("A", ("甲",), ("X社",)), ("B", ("乙",), ("Y社",))]
    assert document.title.endswith("（新素材）")


def test_joint_rd_article_16_items_follow_the_text():
    # The model text itself skips ② in 第16条 (an option item was removed); every item
    # that is there must be its own clause, none swallowed by its neighbour.
    path = corpus_path("ja", "oi_model_v1_3_joint_rd_shinsozai.txt")
    document = read_document(path)
    article = find_clause(document, "第16条")
    source = path.read_text(encoding="utf-8")
    section = source[source.index("第16条"):source.index("第17条")]
    circled = [line.strip()[0] for line in section.splitlines() if line.strip() and line.strip()[0] in "①②③④⑤⑥⑦⑧⑨⑩"]
    assert [c.number for c in article.children] == [f"第16条{mark}" for mark in circled]
    assert all(len(c.text.splitlines()) == 1 for c in article.children)
    assert article.heading == "解除"


def test_joint_rd_paragraphs_and_items_nest():
    document = read_document(corpus_path("ja", "oi_model_v1_3_joint_rd_shinsozai.txt"))
    article11 = find_clause(document, "第11条")
    assert article11.heading == "秘密情報、データおよび素材等の取扱い"
    assert [c.number for c in article11.children][:3] == ["第11条2項", "第11条3項", "第11条4項"]
    assert [c.number for c in find_clause(document, "第11条2項").children] == [f"第11条2項{m}" for m in "①②③④⑤"]
    assert find_clause(document, "第7条第6項").text.startswith("6　本発明にかかる知的財産権は、甲に帰属する。ただし、")


def test_license_annexes_are_not_taken_from_sentences():
    document = read_document(corpus_path("ja", "oi_model_v1_4_license_shinsozai.txt"))
    definitions = find_clause(document, "第1条")
    assert [c.number for c in definitions.children] == [f"第1条{m}" for m in "①②③④⑤⑥⑦⑧⑨⑩"]
    assert [c.number for c in document.clauses if c.kind == "clause"] == [f"第{n}条" for n in range(1, 18)]
    assert all(c.number.startswith("別紙") for c in document.clauses if c.kind == "schedule")


def test_bilingual_nda_language_per_clause_and_citations():
    document = read_document(corpus_path("ja", "faultray_nda_one_way_bilingual.md"))
    assert [p.aliases for p in document.parties] == [("開示者",), ("受領者",)]
    assert document.parties[0].names == ("前田雄太郎",)
    for citation, start in [("第5条5.1", "5.1 受領者は"), ("第6条6.2", "6.2 FaultRay"), ("第2条2.1", "2.1 受領者は"), ("第5条5.2(b)", "(b) 秘密情報を基にした")]:
        assert find_clause(document, citation).text.startswith(start)
    for article in (c for c in document.clauses if c.kind == "clause" and c.number):
        assert article.language == "ja"
        english = [c for c in article.children if c.language == "en"]
        assert all(c.text.startswith("English Reference") for c in english)
    assert sum(1 for c in document.all_clauses() if c.language == "en" and c.text.startswith("English Reference")) == 8


@pytest.mark.parametrize(
    "name, sections",
    [
        # Counted by reading each agreement: its top-level numbered sections.
        ("bonterms_cloud_terms_v1.md", 23),
        ("bonterms_mutual_nda_v1.md", 12),
        ("commonpaper_cloud_service_agreement.md", 13),
        ("commonpaper_mutual_nda_v1.md", 11),
    ],
)
def test_standard_agreements_top_level_sections(name, sections):
    path = corpus_path("standard", name)
    document = read_document(path)
    top = [c for c in document.clauses if c.kind == "clause" and c.number]
    assert [c.number for c in top] == [str(n) for n in range(1, sections + 1)]
    unindented = [line for line in path.read_text(encoding="utf-8").splitlines() if re.match(r"^\*{0,2}\d+\.\s", line)]
    assert len(unindented) == sections
    assert all(c.heading for c in top)


def test_common_paper_nested_lists_become_subsections():
    document = read_document(corpus_path("standard", "commonpaper_cloud_service_agreement.md"))
    service = find_clause(document, "1")
    assert service.heading == "Service"
    assert [c.number for c in service.children] == [f"1.{n}" for n in range(1, 7)]
    assert find_clause(document, "1.1").text.startswith("Access and Use.")
    assert "<span" not in document.text


def _cuad(prefix: str):
    folder = corpus_path("cuad", "txt")
    matches = sorted(folder.glob(prefix + "*"))
    if not matches:
        pytest.skip(f"{prefix} not in the corpus")
    return read_document(matches[0])


def test_cuad_articles_with_headings_on_their_own_line():
    document = _cuad("ATMOSENERGYCORP_11_22_2002")
    top = [c for c in document.clauses if c.kind == "clause"]
    assert (top[0].number, top[0].heading) == ("Article I", "DEFINITIONS")
    assert [c.number for c in top[0].children][:2] == ["1.1", "1.2"]
    assert [(p.names, p.aliases) for p in document.parties] == [
        (("Arkansas Western Pipeline Company",), ("Transporter",)),
        (("Associated Natural Gas Company",), ("Shipper",)),
    ]


def test_cuad_cover_page_and_preamble_parties():
    document = _cuad("ADIANUTRITION,INC_04_01_2005")
    top = [c for c in document.clauses if c.kind == "clause"]
    assert (top[0].number, top[0].heading) == ("1", "GRANT OF RIGHTS")
    assert [(p.names, p.aliases) for p in document.parties] == [(("PivX Corporation",), ("PivX",)), (("Detto Technologies",), ("Detto",))]
    assert document.clauses[-1].kind == "signature"


def test_cuad_contents_list_without_title_and_edgar_footer():
    document = _cuad("CoherusBiosciencesInc_20200227")
    assert "toc" in [c.kind for c in document.clauses]
    top = [c for c in document.clauses if c.kind == "clause"]
    assert [c.number for c in top] == [str(n) for n in range(1, 17)]
    assert top[0].heading == "DEFINITIONS AND INTERPRETATION"
    assert "Source: COHERUS BIOSCIENCES, INC., 10-K, 2/27/2020" in document.headers
    assert "Source:" not in document.text


def test_cuad_text_without_line_breaks_is_split_into_clauses():
    document = _cuad("ExactSciencesCorp_20180822")
    top = [c for c in document.clauses if c.kind == "clause"]
    assert (top[0].number, top[0].heading) == ("1", "DEFINITIONS")
    assert find_clause(document, "1.1").text.startswith('1.1 "AdvaMed Code" shall have the meaning')
    assert [p.aliases for p in document.parties] == [("Pfizer",), ("Exact",)]


def test_cuad_distributor_agreement():
    document = _cuad("AIRSPANNETWORKSINC_04_11_2000")
    top = [c for c in document.clauses if c.kind == "clause"]
    assert (top[0].number, top[0].heading) == ("1", "APPOINTMENT")
    assert [(p.names, p.aliases) for p in document.parties] == [(("Airspan Networks Incorporated",), ("Airspan",)), (("GLS LLC",), ("Distributor",))]
    assert not any(re.fullmatch(r"Page \d+", c.heading or "") for c in document.all_clauses())


def test_cuad_party_detection_rate():
    """benchmarks/parties.py on the CUAD sample: two parties found, and named as labelled."""

    from conftest import ROOT, load_script

    folder = corpus_path("cuad")
    benchmark = load_script(ROOT / "benchmarks" / "parties.py", "parties_benchmark")
    result = benchmark.score(folder)
    assert result["contracts"] >= 100
    assert result["two_or_more_parties"] >= 0.80
    assert result["overlap_with_label"] >= 0.88
