"""OCR of scanned PDF pages (skipped where Tesseract or its jpn/eng data are missing), and E108 without it."""

from __future__ import annotations

from pathlib import Path

import pytest

from clausecheck.errors import InputError
from clausecheck.parsers import ReadOptions, pdf_ocr, read_file

reportlab = pytest.importorskip("reportlab")
from reportlab.lib.pagesizes import LETTER  # noqa: E402
from reportlab.lib.utils import ImageReader  # noqa: E402
from reportlab.pdfgen import canvas  # noqa: E402

needs_ocr = pytest.mark.skipif(pdf_ocr.unavailable_reason() is not None, reason=f"OCR unavailable: {pdf_ocr.unavailable_reason()}")

SCANNED = [
    "4. Confidentiality. Each party shall keep the Confidential Information",
    "of the other party secret and shall not disclose it to any third party.",
    "5. Termination. Either party may terminate this Agreement by written",
    "notice if the other party commits a material breach of this Agreement.",
]
TYPED = [
    "1. Services. The Supplier shall provide the Services to the Customer.",
    "2. Fees. The Customer shall pay the fees within thirty days of invoice.",
    "3. Term. This Agreement starts on the Effective Date for two years.",
]


def _text_page(pdf: canvas.Canvas, lines: list[str]) -> None:
    pdf.setFont("Helvetica", 12)
    for i, line in enumerate(lines):
        pdf.drawString(72, 700 - 22 * i, line)
    pdf.showPage()


def _scanned_page(pdf: canvas.Canvas, lines: list[str], tmp_path: Path) -> None:
    """`lines` typed on a page, printed to a 200 dpi image, and the image alone put on the page."""
    import pypdfium2 as pdfium

    typed = tmp_path / "typed.pdf"
    source = canvas.Canvas(str(typed), pagesize=LETTER)
    _text_page(source, lines)
    source.save()
    document = pdfium.PdfDocument(str(typed))
    image = document[0].render(scale=200 / 72, grayscale=True).to_pil()
    document.close()
    pdf.drawImage(ImageReader(image), 0, 0, width=LETTER[0], height=LETTER[1])
    pdf.showPage()


def _pdf(path: Path, pages: list[tuple[str, list[str]]]) -> Path:
    pdf = canvas.Canvas(str(path), pagesize=LETTER)
    for kind, lines in pages:
        if kind == "text":
            _text_page(pdf, lines)
        else:
            _scanned_page(pdf, lines, path.parent)
    pdf.save()
    return path


@pytest.fixture(scope="module")
def mixed(tmp_path_factory) -> Path:
    return _pdf(tmp_path_factory.mktemp("ocr") / "mixed.pdf", [("text", TYPED), ("scan", SCANNED)])


@needs_ocr
def test_mixed_pdf_is_read_whole(mixed):
    raw = read_file(mixed)
    text = "\n".join(block.text for block in raw.blocks)
    for line in TYPED:
        assert line in text
    words = set(" ".join(SCANNED).split())
    read = set(text.split())
    assert len(words & read) / len(words) >= 0.9
    assert {block.page for block in raw.blocks} == {1, 2}
    ocr = [w for w in raw.warnings if w.code == "W124"]
    assert [w.pages for w in ocr] == [(2,)]
    assert 0 < ocr[0].confidence <= 100
    assert "W103" not in [w.code for w in raw.warnings]
    assert ocr[0].as_dict()["confidence"] == ocr[0].confidence


@needs_ocr
def test_ocr_never_leaves_the_scanned_page_unread(mixed):
    raw = read_file(mixed, ReadOptions(ocr="never"))
    assert [(w.code, w.pages) for w in raw.warnings] == [("W103", (2,))]
    assert "--ocr never" in raw.warnings[0].message


@needs_ocr
def test_topics_resting_on_low_confidence_pages_are_uncertain(mixed, monkeypatch):
    from clausecheck.engine import weak_evidence
    from clausecheck.pipeline import check_file

    trusted = check_file(mixed)
    assert trusted.topics["confidentiality"].status == "present"
    monkeypatch.setattr(weak_evidence, "LOW_CONFIDENCE", 101.0)  # every OCR'd page now counts as unreliable
    doubted = check_file(mixed)
    assert doubted.topics["confidentiality"].status == "uncertain"
    assert all(result.status != "absent" for result in doubted.topics.values())
    assert not [f for f in doubted.findings if f.kind == "missing"]


def test_without_ocr_a_scanned_pdf_says_how_to_enable_it(tmp_path, monkeypatch):
    path = tmp_path / "scan.pdf"
    pdf = canvas.Canvas(str(path), pagesize=LETTER)
    _scanned_page(pdf, SCANNED, tmp_path)
    pdf.save()
    monkeypatch.setattr(pdf_ocr, "unavailable_reason", lambda: f"OCR is not installed: {pdf_ocr.INSTALL_HINT}")
    with pytest.raises(InputError) as error:
        read_file(path)
    assert error.value.code == "E108"
    assert 'pip install "clausecheck[ocr]"' in error.value.message
    assert "tesseract-ocr-jpn" in error.value.message


@pytest.mark.parametrize(
    ("left", "right", "japanese", "joined"),
    [("秘密", "情報", True, "秘密情報"), ("第", "1", True, "第1"), ("(1", ")", True, "(1)"), ("Acme", "Corporation", True, "Acme Corporation"), ("the", "fee", False, "the fee"), ("Section", "5.2", False, "Section 5.2")],
)
def test_join_words(left, right, japanese, joined):
    assert pdf_ocr.join_words(left, right, japanese) == joined


def test_ocr_option_of_check(tmp_path):
    from click.testing import CliRunner

    from clausecheck.cli import main

    path = tmp_path / "scan.pdf"
    pdf = canvas.Canvas(str(path), pagesize=LETTER)
    _scanned_page(pdf, SCANNED, tmp_path)
    pdf.save()
    result = CliRunner().invoke(main, ["check", str(path), "--ocr", "never", "--format", "json", "-o", str(tmp_path / "out.json")])
    assert result.exit_code != 0
    assert "[E108]" in result.output and "--ocr never" in result.output
    assert "--ocr [auto|always|never]" in CliRunner().invoke(main, ["batch", "--help"]).output
