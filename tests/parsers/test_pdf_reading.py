"""The PDFium reader on PDFs written in the test: hidden text, two columns, shifted offsets, bombs, per-page fallback."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import zlib
from pathlib import Path

import pytest

from clausecheck.errors import InputError
from clausecheck.parsers import HIDDEN_STYLE, ReadOptions, read_file
from clausecheck.parsers import pdf as pdf_parser
from clausecheck.parsers import pdf_pdfium
from clausecheck.parsers.pdf_streams import check_inflated_sizes

reportlab = pytest.importorskip("reportlab")
from reportlab.lib.pagesizes import A4, LETTER  # noqa: E402
from reportlab.pdfgen import canvas  # noqa: E402

BODY = [
    "1. Services. The Supplier shall provide the Services described in Schedule 1 to the Customer.",
    "2. Fees. The Customer shall pay the fees within thirty days of the date of each invoice.",
    "3. Term. This Agreement starts on the Effective Date and continues for two years.",
]


def _write_plain(path: Path, lines=BODY, extra=None) -> Path:
    pdf = canvas.Canvas(str(path), pagesize=LETTER)
    pdf.setFont("Helvetica", 10)
    y = 700
    for line in lines:
        pdf.drawString(72, y, line)
        y -= 24
    if extra:
        extra(pdf)
    pdf.showPage()
    pdf.save()
    return path


def _texts(raw) -> list[str]:
    return [block.text for block in raw.blocks if block.style != HIDDEN_STYLE]


def test_plain_pdf_is_read_by_pdfium_without_warnings(tmp_path):
    raw = read_file(_write_plain(tmp_path / "plain.pdf"))
    assert _texts(raw) == BODY
    assert raw.warnings == ()


@pytest.mark.parametrize("how", ["render-mode-3", "white", "off-page"])
def test_hidden_text_is_read_apart_and_warned(tmp_path, how):
    hidden = "The Supplier assigns all intellectual property in the results to the Customer free of charge."

    def draw_hidden(pdf):
        text = pdf.beginText(72, 400)
        text.setFont("Helvetica", 10)
        if how == "render-mode-3":
            text.setTextRenderMode(3)
        elif how == "white":
            pdf.setFillColorRGB(1, 1, 1)
        else:
            text.setTextOrigin(-900, 400)
        text.textLine(hidden)
        pdf.drawText(text)
        pdf.setFillColorRGB(0, 0, 0)

    raw = read_file(_write_plain(tmp_path / f"{how}.pdf", extra=draw_hidden))
    assert _texts(raw) == BODY  # the visible contract, untouched
    assert [block.text for block in raw.blocks if block.style == HIDDEN_STYLE] == [hidden]
    assert [(w.code, w.pages) for w in raw.warnings] == [("W121", (1,))]


def test_topic_found_only_in_hidden_text_is_uncertain(tmp_path):
    from clausecheck.pipeline import check_file

    secret = "Each party shall keep the Confidential Information of the other party secret and shall not disclose it."

    def draw_hidden(pdf):
        text = pdf.beginText(72, 400)
        text.setFont("Helvetica", 10)
        text.setTextRenderMode(3)
        text.textLine(secret)
        pdf.drawText(text)

    hidden_report = check_file(_write_plain(tmp_path / "hidden.pdf", extra=draw_hidden))
    assert hidden_report.topics["confidentiality"].status == "uncertain"
    assert hidden_report.topics["confidentiality"].evidence  # still quoted, so the reader can look
    visible_report = check_file(_write_plain(tmp_path / "visible.pdf", lines=BODY + [secret]))
    assert visible_report.topics["confidentiality"].status == "present"


LEFT = [f"Left column sentence {i} of the licence terms goes on here." for i in range(1, 15)]
RIGHT = [f"Right column sentence {i} about payment terms runs on." for i in range(1, 15)]


def test_two_column_page_is_read_column_by_column(tmp_path):
    path = tmp_path / "columns.pdf"
    pdf = canvas.Canvas(str(path), pagesize=A4)
    pdf.setFont("Helvetica-Bold", 12)
    pdf.drawCentredString(A4[0] / 2, 790, "LICENCE AND PAYMENT TERMS OF THE AGREEMENT BETWEEN THE PARTIES")
    pdf.setFont("Helvetica", 9)
    y = 760
    for left, right in zip(LEFT, RIGHT):  # drawn row by row, as many layouts write them
        pdf.drawString(50, y, left)
        pdf.drawString(310, y, right)
        y -= 14
    pdf.showPage()
    pdf.save()
    raw = read_file(path)
    text = "\n".join(_texts(raw))
    assert text.index(LEFT[-1]) < text.index(RIGHT[0])  # the whole left column comes first
    for first, second in zip(LEFT + RIGHT, (LEFT + RIGHT)[1:]):
        assert text.index(first) < text.index(second)
    assert text.startswith("LICENCE AND PAYMENT TERMS")
    assert ("W123", (1,)) in [(w.code, w.pages) for w in raw.warnings]


def test_contents_list_with_page_numbers_is_not_two_columns(tmp_path):
    path = tmp_path / "contents.pdf"
    pdf = canvas.Canvas(str(path), pagesize=LETTER)
    pdf.setFont("Helvetica", 10)
    for i in range(20):
        pdf.drawString(72, 700 - 18 * i, f"Article {i + 1} Definitions and interpretation of terms")
        pdf.drawRightString(540, 700 - 18 * i, str(i + 3))
    pdf.showPage()
    pdf.save()
    raw = read_file(path)
    assert "W123" not in [w.code for w in raw.warnings]
    assert _texts(raw)[0].startswith("Article 1 Definitions")


def test_pdf_with_every_offset_shifted_is_recovered(tmp_path):
    whole = _write_plain(tmp_path / "whole.pdf").read_bytes()
    header_end = whole.index(b"\n") + 1
    shifted = tmp_path / "shifted.pdf"
    # 4 KB inserted after the header: every xref offset now points 4 KB too early.
    shifted.write_bytes(whole[:header_end] + b"%" + b"x" * 4096 + b"\n" + whole[header_end:])
    assert _texts(read_file(shifted)) == BODY


def test_pdf_with_garbage_instead_of_objects_is_damaged_not_scanned(tmp_path):
    whole = _write_plain(tmp_path / "whole.pdf").read_bytes()
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(whole[:9] + bytes(range(256)) * 8 + b"\n%%EOF\n")
    with pytest.raises(InputError) as error:
        read_file(broken)
    assert error.value.code == "E105"


def _pdf_with_content(path: Path, compressed: bytes) -> Path:
    """A one-page PDF whose content stream is `compressed` (Flate)."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(compressed) + compressed + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    path.write_bytes(bytes(out))
    return path


def _zeros_compressed(megabytes: int) -> bytes:
    compressor = zlib.compressobj(9)
    chunk = b"\0" * (1 << 20)
    return b"".join(compressor.compress(chunk) for _ in range(megabytes)) + compressor.flush()


def test_content_stream_inflating_past_the_limit_is_refused(tmp_path):
    path = _pdf_with_content(tmp_path / "bomb.pdf", _zeros_compressed(3))
    with pytest.raises(InputError) as error:
        read_file(path, ReadOptions(max_pdf_stream_bytes=2 << 20))
    assert error.value.code == "E110"
    with pytest.raises(InputError) as total:
        read_file(path, ReadOptions(max_pdf_inflated_bytes=2 << 20))
    assert total.value.code == "E110"
    assert check_inflated_sizes(path, 8 << 20, 8 << 20) == 3 << 20


def test_gigabyte_bomb_is_refused_in_bounded_memory(tmp_path):
    """About 1 MB of Flate data inflating to 1 GB: E110 with the process staying far below 1 GB."""
    path = _pdf_with_content(tmp_path / "gigabomb.pdf", _zeros_compressed(1024))
    assert path.stat().st_size < 1_100_000
    script = textwrap.dedent(
        f"""
        import resource, sys
        from clausecheck.errors import InputError
        from clausecheck.parsers import read_file
        try:
            read_file({str(path)!r})
        except InputError as error:
            # VmHWM is this process's own peak; ru_maxrss can carry the (large) test runner's over exec.
            hwm = [line for line in open("/proc/self/status") if line.startswith("VmHWM:")]
            print(error.code, int(hwm[0].split()[1]) if hwm else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
        """
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=True).stdout.split()
    assert out[0] == "E110"
    assert int(out[1]) < 400 * 1024  # kB: the import of the parsers and a few MB of inflating


def test_page_the_fast_reader_cannot_map_goes_to_pdfplumber(tmp_path, monkeypatch):
    path = tmp_path / "two.pdf"
    pdf = canvas.Canvas(str(path), pagesize=LETTER)
    for line in BODY[:2]:
        pdf.setFont("Helvetica", 10)
        pdf.drawString(72, 700, line)
        pdf.showPage()
    pdf.save()
    real = pdf_pdfium.read_page

    def unmapped_on_page_two(document, index):
        read = real(document, index)
        if index == 1:  # as PDFium reports a font without a text mapping: U+FFFD for every glyph
            return pdf_pdfium.PageRead([pdf_pdfium.Segment("\ufffd" * 40, 72, 300, 90, 100)], 40, False, False, 0)
        return read

    monkeypatch.setattr(pdf_pdfium, "read_page", unmapped_on_page_two)
    raw = read_file(path)
    assert _texts(raw) == BODY[:2]  # page 2 came from pdfplumber, whole
    assert [(w.code, w.pages) for w in raw.warnings] == [("W122", (2,))]


def test_reads_badly_threshold():
    page = pdf_pdfium.PageRead([], 2, False, False, 0)
    assert not pdf_parser._reads_badly(page, 1000)  # a stray unmapped bullet is not a bad page
    assert pdf_parser._reads_badly(pdf_pdfium.PageRead([], 30, False, False, 0), 1000)
