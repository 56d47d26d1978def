"""The PDF parser on PDFs written by reportlab in the test, and on the real PDFs of the corpus."""

from __future__ import annotations

import functools
import re
from pathlib import Path

import pytest

from clausecheck.errors import InputError
from clausecheck.parsers import ReadOptions, read_file
from clausecheck.parsers.pdf import is_page_number, join_wrapped, _read_page, _Vocabulary
from clausecheck.structure import build_document
from tests.conftest import corpus_path

reportlab = pytest.importorskip("reportlab")
from reportlab.lib.pagesizes import A4, LETTER  # noqa: E402
from reportlab.pdfbase import pdfmetrics  # noqa: E402
from reportlab.pdfbase.cidfonts import UnicodeCIDFont  # noqa: E402
from reportlab.pdfgen import canvas  # noqa: E402

PAGE_BREAK = object()

# An English contract laid out line by line: every line but a paragraph's last is justified
# to the right margin, as typesetting does; PAGE_BREAK inside a paragraph continues it on
# the next page.
EN_PARAGRAPHS = [
    ["SERVICES AGREEMENT"],
    ["This Services Agreement is made between Acme Corporation (\"Acme\") and Beta Limited", "(\"Beta\") on 1 April 2024."],
    [
        "1. Definitions. In this Agreement the following words have the meanings given below, for exam-",
        "ple the word \"Services\" means the work described in Schedule 1 to this Agreement.",
    ],
    [
        "2. Licence. Acme grants Beta a non-",
        "exclusive licence to use the Deliverables during the Term for its internal business pur-",
        "poses only.",
    ],
    [
        "3. Confidentiality. Each party shall keep the Confidential Information of the other party",
        "secret and shall not disclose it to any third party without the prior written consent",
        PAGE_BREAK,
        "of the other party, except to its employees who need to know it for this Agreement.",
    ],
    ["4. Term. This Agreement starts on the Effective Date and continues for two years unless", "terminated earlier under Section 5."],
    ["5. Termination. Either party may terminate this Agreement by written notice if the other", "party commits a material breach and fails to remedy it within 30 days."],
    PAGE_BREAK,
    ["6. Notices. Notices must be in writing and sent to the address of the party set out above."],
    ["7. Governing Law. This Agreement is governed by the laws of England and Wales."],
]

JA_HEADER = "株式会社アクメ社外秘"
JA_PREAMBLE = "株式会社アクメ（以下「甲」という。）と株式会社ベータ（以下「乙」という。）は、次のとおり契約を締結する。"
JA_CHARS_PER_LINE = 30
# (heading, paragraphs); a paragraph opening with U+3000 is drawn indented by one character.
# The first paragraphs of 第3条 and 第4条 fill their line exactly, so only the next line's
# opening (２, an indent) tells that a new paragraph starts.
JA_CLAUSES = [
    ("第1条（目的）", ("本契約は、甲及び乙が共同して新素材の研究開発を行うにあたり、その役割分担及び成果の取扱いその他の条件を定めることを目的とする。",)),
    ("第2条（秘密保持）", ("甲及び乙は、本研究開発に関して相手方から開示を受けた技術上又は営業上の情報を秘密として保持し、相手方の事前の書面による承諾なく第三者に開示又は漏洩してはならない。ただし、法令に基づき開示が求められた場合はこの限りでない。",)),
    ("第3条（契約期間）", ("本契約の有効期間は、本契約締結日から起算して満二年間とする。", "２　前項の期間満了の三箇月前までに甲乙いずれからも書面による別段の申出がないときは、本契約は同一条件で更に一年間延長されるものとし、以後も同様とする。")),
    ("第4条（協議）", ("本契約に定めのない事項については、甲乙誠実に協議して定める。", "　前項の協議が調わないときは、東京地方裁判所を第一審の専属的合意管轄裁判所とする。")),
]


def _justified(pdf: canvas.Canvas, x: float, y: float, text: str, width: float, font: str, size: float) -> None:
    natural = pdfmetrics.stringWidth(text, font, size)
    assert natural <= width, f"test line too long ({natural:.0f} > {width}): {text}"
    gaps = text.count(" ")
    line = pdf.beginText(x, y)
    line.setFont(font, size)
    line.setWordSpace((width - natural) / gaps if gaps else 0)
    line.textLine(text)
    pdf.drawText(line)


def write_english(path: Path, scanned_pages: int = 0, image_dir: Path | None = None, **canvas_options) -> Path:
    """The EN_PARAGRAPHS contract on letter pages with a running header and 'Page N of M',
    followed by `scanned_pages` pages holding only an image."""
    pages: list[list] = [[]]
    for paragraph in EN_PARAGRAPHS:
        if paragraph is PAGE_BREAK:
            pages.append([])
            continue
        pages[-1].append([])
        for line in paragraph:
            if line is PAGE_BREAK:
                pages.append([[]])
            else:
                pages[-1][-1].append((line, line is paragraph[-1]))
    pdf = canvas.Canvas(str(path), pagesize=LETTER, **canvas_options)
    left, width, size, leading = 72, 468, 10, 14
    for number, paragraphs in enumerate(pages, 1):
        pdf.setFont("Helvetica", 9)
        pdf.drawString(left, 750, "ACME CONFIDENTIAL")
        pdf.drawCentredString(306, 40, f"Page {number} of {len(pages)}")
        y = 700
        for paragraph in paragraphs:
            for text, last in paragraph:
                if last:
                    pdf.setFont("Helvetica", size)
                    pdf.drawString(left, y, text)
                else:
                    _justified(pdf, left, y, text, width, "Helvetica", size)
                y -= leading
            y -= 10  # space between paragraphs
        pdf.showPage()
    for _ in range(scanned_pages):
        write_image_page(pdf, image_dir or path.parent)
    pdf.save()
    return path


def write_japanese(path: Path) -> Path:
    """JA_CLAUSES on A4 pages, 30 full-width characters a line, header and －N－ page numbers."""
    pdfmetrics.registerFont(UnicodeCIDFont("HeiseiMin-W3"))
    size, leading, left = 10.5, 18, 72
    rows: list[tuple[str, float, float]] = [("共同研究開発契約書", 0, 0)]

    def add_paragraph(text: str) -> None:
        indent = size if text.startswith("\u3000") else 0
        text = text.lstrip("\u3000") if indent else text
        first = JA_CHARS_PER_LINE - (1 if indent else 0)
        rows.append((text[:first], 0, indent))
        rows.extend((text[i : i + JA_CHARS_PER_LINE], 0, 0) for i in range(first, len(text), JA_CHARS_PER_LINE))

    add_paragraph(JA_PREAMBLE)
    for heading, paragraphs in JA_CLAUSES:
        rows.append((heading, 8, 0))
        for paragraph in paragraphs:
            add_paragraph(paragraph)
    # Page 1 breaks in the middle of 第2条 (after its second line), page 2 after 第3条.
    second_clause = rows.index(("第2条（秘密保持）", 8, 0))
    third_clause_end = rows.index(("第4条（協議）", 8, 0))
    pages = [rows[: second_clause + 3], rows[second_clause + 3 : third_clause_end], rows[third_clause_end:]]
    pdf = canvas.Canvas(str(path), pagesize=A4)
    for number, page_rows in enumerate(pages, 1):
        pdf.setFont("HeiseiMin-W3", 9)
        pdf.drawString(left, 800, JA_HEADER)
        pdf.drawCentredString(A4[0] / 2, 30, f"－{number}－".translate(str.maketrans("0123456789", "０１２３４５６７８９")))
        pdf.setFont("HeiseiMin-W3", size)
        y = 760
        for text, space_before, indent in page_rows:
            y -= space_before
            pdf.drawString(left + indent, y, text)
            y -= leading
        pdf.showPage()
    pdf.save()
    return path


def write_image_page(pdf: canvas.Canvas, tmp_path: Path) -> None:
    from PIL import Image

    image_path = tmp_path / "scan.png"
    if not image_path.exists():
        Image.new("L", (200, 260), color=200).save(image_path)
    pdf.drawImage(str(image_path), 72, 200, width=400, height=520)
    pdf.showPage()


@pytest.fixture(scope="module")
def english(tmp_path_factory):
    return read_file(write_english(tmp_path_factory.mktemp("en") / "services.pdf"))


@pytest.fixture(scope="module")
def japanese(tmp_path_factory):
    return read_file(write_japanese(tmp_path_factory.mktemp("ja") / "kyodo.pdf"))


def _block_starting(raw, prefix: str):
    matches = [block for block in raw.blocks if block.text.startswith(prefix)]
    assert len(matches) == 1, [block.text for block in raw.blocks]
    return matches[0]


def test_english_pages_and_source(english):
    assert english.source.format == "pdf"
    assert english.source.pages == 3
    assert all(block.page in (1, 2, 3) for block in english.blocks)
    assert english.warnings == ()


def test_english_running_header_and_page_numbers_kept_apart(english):
    assert "ACME CONFIDENTIAL" in english.headers
    assert "Page 1 of 3" in english.headers
    for block in english.blocks:
        assert "ACME CONFIDENTIAL" not in block.text
        assert not re.search(r"Page \d of 3", block.text)


def test_english_paragraphs_rebuilt(english):
    texts = [block.text for block in english.blocks]
    assert texts[:2] == ["SERVICES AGREEMENT", "This Services Agreement is made between Acme Corporation (\"Acme\") and Beta Limited (\"Beta\") on 1 April 2024."]
    assert len(texts) == 9


@pytest.mark.parametrize(
    ("prefix", "expected_text", "page"),
    [
        # a hyphen that only breaks a word is removed
        ("1. Definitions.", "for example the word \"Services\" means", 1),
        # a hyphen after a prefix contracts write hyphenated is kept; a broken word is rejoined
        ("2. Licence.", "grants Beta a non-exclusive licence to use the Deliverables during the Term for its internal business purposes only.", 1),
        # a clause running over a page break stays one block, on the page where it starts
        ("3. Confidentiality.", "without the prior written consent of the other party, except to its employees", 1),
        ("4. Term.", "continues for two years unless terminated earlier under Section 5.", 2),
        ("6. Notices.", "Notices must be in writing", 3),
    ],
)
def test_english_clause_text_and_page(english, prefix, expected_text, page):
    block = _block_starting(english, prefix)
    assert expected_text in block.text
    assert block.page == page


def test_english_clauses_from_structure(english):
    document = build_document(english, "en")
    numbered = [clause for clause in document.clauses if clause.number]
    assert [clause.number for clause in numbered] == ["1", "2", "3", "4", "5", "6", "7"]
    confidentiality = numbered[2]
    assert confidentiality.page == 1
    assert "prior written consent of the other party, except to its employees" in confidentiality.text
    assert [clause.page for clause in numbered] == [1, 1, 1, 2, 2, 3, 3]


def test_japanese_header_and_page_numbers_removed(japanese):
    assert japanese.source.pages == 3
    assert JA_HEADER in japanese.headers
    # PDFium reads the full-width hyphen the test drew (pdfminer read it as U+2212 MINUS SIGN)
    assert [header for header in japanese.headers if is_page_number(header)] == ["－１－"]
    for block in japanese.blocks:
        assert "社外秘" not in block.text
        assert not is_page_number(block.text)


def test_japanese_lines_joined_without_spaces(japanese):
    texts = [block.text for block in japanese.blocks]
    expected = ["共同研究開発契約書", JA_PREAMBLE]
    for heading, paragraphs in JA_CLAUSES:
        expected.append(heading)
        # wrapped lines come back as the paragraph with no space added; an indent is layout, not text
        # (the font draws U+3000 after a paragraph number as a plain space)
        expected.extend(paragraph.lstrip("\u3000").replace("\u3000", " ") for paragraph in paragraphs)
    assert texts == expected


def test_japanese_clauses_from_structure(japanese):
    document = build_document(japanese, "ja")
    articles = [clause for clause in document.clauses if clause.number and clause.number.startswith("第")]
    assert [clause.number for clause in articles] == ["第1条", "第2条", "第3条", "第4条"]
    assert [clause.page for clause in articles] == [1, 1, 2, 3]
    assert JA_CLAUSES[1][1][0] in articles[1].text  # 第2条 runs over the page break, whole
    assert [child.number for child in articles[2].children] == ["第3条2項"]


def test_encrypted_pdf_needs_password(tmp_path):
    path = write_english(tmp_path / "locked.pdf", encrypt="secret")
    with pytest.raises(InputError) as missing:
        read_file(path)
    assert missing.value.code == "E106"
    with pytest.raises(InputError) as wrong:
        read_file(path, ReadOptions(password="guess"))
    assert wrong.value.code == "E107"
    opened = read_file(path, ReadOptions(password="secret"))
    assert _block_starting(opened, "7. Governing Law.").page == 3


def test_image_only_pdf_is_refused_as_scanned(tmp_path):
    path = tmp_path / "scan.pdf"
    pdf = canvas.Canvas(str(path), pagesize=A4)
    write_image_page(pdf, tmp_path)
    write_image_page(pdf, tmp_path)
    pdf.save()
    with pytest.raises(InputError) as error:
        read_file(path)
    assert error.value.code == "E108"


def test_some_scanned_pages_are_listed_in_w103(tmp_path):
    raw = read_file(write_english(tmp_path / "mixed.pdf", scanned_pages=1, image_dir=tmp_path))
    assert raw.source.pages == 4
    assert [(warning.code, warning.pages) for warning in raw.warnings] == [("W103", (4,))]
    assert _block_starting(raw, "7. Governing Law.").page == 3


def test_truncated_pdf_is_corrupt(tmp_path):
    whole = write_english(tmp_path / "whole.pdf").read_bytes()
    cut = tmp_path / "cut.pdf"
    cut.write_bytes(whole[: len(whole) // 3])
    with pytest.raises(InputError) as error:
        read_file(cut)
    assert error.value.code == "E105"


def test_page_limit_refuses_rather_than_truncates(tmp_path):
    path = write_english(tmp_path / "long.pdf")
    with pytest.raises(InputError) as error:
        read_file(path, ReadOptions(max_pages=2))
    assert error.value.code == "E109"
    assert read_file(path, ReadOptions(max_pages=3)).source.pages == 3


@pytest.mark.parametrize(
    ("text", "expected"),
    [("3", True), ("- 3 -", True), ("－３－", True), ("−３−", True), ("Page 3 of 12", True), ("3/12", True), ("ii", True), ("3 ページ", True),
     ("3. Term", False), ("Section 3", False), ("(a)", False), ("2024年", False)],
)
def test_page_number_lines(text, expected):
    assert is_page_number(text) is expected


class _Lines:
    """Just enough of a pdfplumber page for the per-page checks."""

    def __init__(self, texts: list[str], page_number: int = 1):
        self.page_number = page_number
        self.images = []
        self._texts = texts

    def extract_text_lines(self, return_chars=False):
        return [{"text": text, "x0": 72.0, "x1": 72.0 + 5 * len(text), "top": 100.0 + 14 * i, "bottom": 110.0 + 14 * i} for i, text in enumerate(self._texts)]


def test_cid_noise_is_stripped_and_flags_the_page():
    page = _read_page(_Lines(["(cid:12)(cid:34)(cid:56) Licence fee", "The Licensee shall pay (cid:99) the fee."]))
    assert page.garbled
    assert [line.text for line in page.lines] == ["Licence fee", "The Licensee shall pay the fee."]
    # a few bullets drawn from a symbol font on an otherwise readable page are not garbling
    readable = ["(cid:127) " + "the Licensee shall pay the fee within thirty days of the invoice " * 6] * 5
    assert not _read_page(_Lines(readable)).garbled


@pytest.mark.parametrize(
    ("left", "right", "joined"),
    [
        ("for exam-", "ple the word", "for example the word"),
        ("a non-", "exclusive licence", "a non-exclusive licence"),
        ("the mid-", "2020 review", "the mid-2020 review"),
        ("the first", "line", "the first line"),
        ("Form 10-", "K filed", "Form 10-K filed"),
        ("相手方の事前の", "書面による承諾", "相手方の事前の書面による承諾"),
        ("本契約において「", "Product」とは", "本契約において「Product」とは"),
    ],
)
def test_join_wrapped(left, right, joined):
    assert join_wrapped(left, right, _Vocabulary([])) == joined


def test_join_wrapped_follows_the_documents_own_spelling():
    from clausecheck.parsers.pdf import _Line

    vocabulary = _Vocabulary([[_Line("a well-known brand and a co-operative", 1, 0, 1, 0, 1, 1), _Line("cooperation", 1, 0, 1, 0, 1, 1)]])
    assert join_wrapped("the co-", "operation of", vocabulary) == "the cooperation of"
    assert join_wrapped("a co-", "operative", vocabulary) == "a co-operative"
    assert join_wrapped("re-", "commend", vocabulary) == "recommend"


# --- the real PDFs of the shared corpus ---------------------------------------------------


@functools.lru_cache(maxsize=None)
def read_cuad(name: str):
    return read_file(corpus_path("cuad", "pdf", name))

CUAD_HEADERS = {
    "CerenceInc_20191002_8-K_EX-10.4_11827494_EX-10.4_Intellectual Property Agreement.pdf": "Source: CERENCE INC., 8-K, 10/2/2019",
    "CoherusBiosciencesInc_20200227_10-K_EX-10.29_12021376_EX-10.29_Development Agreement.pdf": "Execution Version",
    "LegacyEducationAllianceInc_20200330_10-K_EX-10.18_12090678_EX-10.18_Development Agreement.pdf": "Source: LEGACY EDUCATION ALLIANCE, INC., 10-K, 3/30/2020",
}


@pytest.mark.parametrize("name", sorted(CUAD_HEADERS))
def test_cuad_pdf_headers_leave_the_body(name):
    raw = read_cuad(name)
    header = CUAD_HEADERS[name]
    assert header in raw.headers
    assert raw.source.pages and raw.source.pages > 10
    for block in raw.blocks:
        assert header not in block.text
        assert not block.text.startswith("Source: ")
    document = build_document(raw, "en")
    assert len([clause for clause in document.clauses if clause.number]) >= 5


# Coherus prints no page numbers except "48" on its last page, above a document id and
# not at the page edge: no pattern to learn it from, so it stays.
CUAD_PAGE_NUMBERS_LEFT = {"CoherusBiosciencesInc_20200227_10-K_EX-10.29_12021376_EX-10.29_Development Agreement.pdf": ["48"]}


def _near_page(block) -> bool:
    number = re.fullmatch(r"\D*(\d+)\D*", block.text)
    return bool(number) and abs(int(number.group(1)) - block.page) <= 3


def test_cuad_pdfs_all_parse():
    folder = corpus_path("cuad", "pdf")
    names = [line.split("\t")[0] for line in (folder / "INDEX.tsv").read_text(encoding="utf-8").splitlines()[1:] if line.strip()]
    assert len(names) == 7
    for name in names:
        raw = read_cuad(name)
        assert raw.blocks, name
        assert all(block.page for block in raw.blocks), name
        # a bare number left in the body is never the page's own number (a year may stay)
        left_over = [block.text for block in raw.blocks if is_page_number(block.text) and _near_page(block)]
        assert left_over == CUAD_PAGE_NUMBERS_LEFT.get(name, []), name


def test_standard_pdf_footer_leaves_the_body():
    raw = read_file(corpus_path("standard", "bonterms_cloud_terms_v1.pdf"))
    footer = "© 2022 Bonterms, Inc. Free to use under CC BY 4.0."
    assert footer in raw.headers
    assert raw.source.pages == 7
    for block in raw.blocks:
        assert footer not in block.text
        assert "Page |" not in block.text
    document = build_document(raw, "en")
    numbers = [clause.number for clause in document.clauses if clause.number]
    assert "1" in numbers and "8" in numbers


def test_standard_one_page_pdf_parses():
    raw = read_file(corpus_path("standard", "bonterms_mutual_nda_v1.pdf"))
    assert raw.source.pages == 1
    assert any("Confidential Information" in block.text for block in raw.blocks)


def _line(text: str, x0: float, x1: float, top: float, page: int = 1):
    from clausecheck.parsers.pdf import _Line, _first_word_width

    return _Line(text, page, x0, x1, top, top + 10.5, _first_word_width(text, x0, x1))


@pytest.mark.parametrize(
    ("above", "line", "new_block"),
    [
        # a full line ending with 。 followed by a 項 number written without a space
        (("本契約の有効期間は、本契約締結日から起算して満二年間とする。", 72, 387), ("２前項の期間満了の三箇月前までに甲乙いずれからも書面による", 72, 387), True),
        # the same opening after a line that does not end a sentence is a wrapped number (３０日)
        (("乙は、本契約に基づく報酬を、甲の請求書を受領した日から起算し", 72, 387), ("３０日以内に甲の指定する銀行口座に振り込んで支払うものとす", 72, 387), False),
        # a wrapped cross-reference is not a new clause
        (("The Licensee may terminate this Agreement as provided in Section", 72, 387), ("5.2 by written notice to the Licensor.", 72, 250), False),
        (("the Licensee shall pay the fees set out below; and", 72, 387), ("(b) the Licensor shall deliver the Software.", 72, 250), True),
    ],
)
def test_starts_block_on_one_page(above, line, new_block):
    from clausecheck.parsers.pdf import _Layout, starts_block

    layout = _Layout(right_edge=387.0, paragraph_gap=12.0)
    assert starts_block(_line(*line, top=118), _line(*above, top=100), layout) is new_block


@pytest.mark.parametrize(
    ("last_of_page", "first_of_next", "new_block"),
    [
        # a page-end line cut short by re-pagination: the sentence goes on
        ("embodiments of the foregoing in whatever", "form or medium now known", False),
        ("and shall not disclose it to any third party without the prior written consent", "of the other party.", False),
        ("Dated as of September 30, 2019", "TABLE OF CONTENTS", True),
        ("The Parties agree as follows.", "The Supplier shall deliver", True),
        ("第2条（秘密保持）", "甲及び乙は、本研究開発に関して相手方から開示を受けた技術上", True),
    ],
)
def test_starts_block_across_a_page_break(last_of_page, first_of_next, new_block):
    from clausecheck.parsers.pdf import _Layout, starts_block

    layout = _Layout(right_edge=540.0, paragraph_gap=12.0)
    above = _line(last_of_page, 72, 72 + 5.5 * len(last_of_page) if last_of_page.isascii() else 72 + 10.5 * len(last_of_page), 700, page=1)
    line = _line(first_of_next, 72, 540 if len(first_of_next) > 20 else 200, 60, page=2)
    assert starts_block(line, above, layout) is new_block
