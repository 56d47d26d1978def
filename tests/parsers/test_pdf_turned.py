"""PDF pages whose text is turned (drawn sideways or upside down) are read in reading order.

Read by their geometry as if upright, such a page came out as one column of letters and
every topic on it was reported absent; PDFium's lines placed in the text's own direction
read like any other page.
"""

from __future__ import annotations

import pytest

from clausecheck.parsers import read_file
from clausecheck.pipeline import check_file

reportlab = pytest.importorskip("reportlab")
from reportlab.lib.pagesizes import A4  # noqa: E402
from reportlab.pdfgen import canvas  # noqa: E402

BODY = [
    "MUTUAL NON-DISCLOSURE AGREEMENT",
    "1. Confidentiality. Each party shall keep the Confidential Information of the other party secret.",
    "2. Term. This Agreement ends three years after the Effective Date.",
    "3. Governing Law. This Agreement is governed by the laws of Japan.",
]


def _turned_pdf(path, degrees: int, stamp: bool = False):
    pdf = canvas.Canvas(str(path), pagesize=A4)
    origin = {0: (40, 780), 90: (100, 60), 180: (560, 60), 270: (500, 800)}[degrees]
    pdf.saveState()
    pdf.translate(*origin)
    pdf.rotate(degrees)
    for number, line in enumerate(BODY):
        pdf.drawString(0, -18 * number, line)
    pdf.restoreState()
    if stamp:  # a sideways stamp in the margin does not turn the page
        pdf.saveState()
        pdf.translate(580, 300)
        pdf.rotate(90)
        pdf.drawString(0, 0, "DRAFT")
        pdf.restoreState()
    pdf.showPage()
    pdf.save()
    return path


@pytest.mark.parametrize("degrees", [90, 180, 270])
def test_turned_text_is_read_line_by_line_in_order(tmp_path, degrees):
    path = _turned_pdf(tmp_path / f"turned-{degrees}.pdf", degrees)
    assert [block.text for block in read_file(path).blocks] == BODY
    report = check_file(path)
    assert report.topics["confidentiality"].status == "present"
    assert report.topics["governing_law"].status == "present"


def test_an_upright_page_with_a_sideways_stamp_stays_upright(tmp_path):
    texts = [block.text for block in read_file(_turned_pdf(tmp_path / "stamp.pdf", 0, stamp=True)).blocks]
    assert texts[:4] == BODY  # the stamp itself is read letter by letter, as before (docs/limits.md)
