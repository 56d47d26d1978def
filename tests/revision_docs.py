"""Builders of .docx drafts with real Word revision marks (w:ins, w:del, w:moveFrom/w:moveTo).

python-docx writes the document; the revisions are added as the XML Word itself writes:
runs inside `w:ins` / `w:del` (deleted text in `w:delText`), with `w:author` and `w:date`.
A paragraph is given as a list of pieces: a plain string, or `("ins"|"del"|"moveFrom"|"moveTo",
text, author)`.
"""

from __future__ import annotations

from pathlib import Path

import docx
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

DATE = "2026-11-20T09:30:00Z"


def _run(text: str, deleted: bool):
    run = OxmlElement("w:r")
    text_element = OxmlElement("w:delText" if deleted else "w:t")
    text_element.set(qn("xml:space"), "preserve")
    text_element.text = text
    run.append(text_element)
    return run


def fill_paragraph(paragraph, pieces, revision_ids: list[int]) -> None:
    """Append the pieces to `paragraph` as plain runs and revision containers."""
    for piece in pieces:
        if isinstance(piece, str):
            paragraph._p.append(_run(piece, deleted=False))
            continue
        kind, text, author = piece
        revision_ids[0] += 1
        container = OxmlElement(f"w:{kind}")
        container.set(qn("w:id"), str(revision_ids[0]))
        container.set(qn("w:author"), author)
        container.set(qn("w:date"), DATE)
        container.append(_run(text, deleted=kind in ("del", "moveFrom")))
        paragraph._p.append(container)


def build_draft(path: Path, blocks) -> Path:
    """A .docx of `blocks`: ("p", pieces), ("list", pieces) (Word numbering), ("cell", pieces) (a table cell),
    ("sdt", pieces) (a content control)."""
    document = docx.Document()
    revision_ids = [0]
    for kind, pieces in blocks:
        if kind == "cell":
            table = document.add_table(rows=1, cols=1)
            paragraph = table.cell(0, 0).paragraphs[0]
            fill_paragraph(paragraph, pieces, revision_ids)
        elif kind == "sdt":
            paragraph = document.add_paragraph()
            fill_paragraph(paragraph, pieces, revision_ids)
            sdt, content = OxmlElement("w:sdt"), OxmlElement("w:sdtContent")
            sdt.append(OxmlElement("w:sdtPr"))
            paragraph._p.addprevious(sdt)
            content.append(paragraph._p)
            sdt.append(content)
        else:
            paragraph = document.add_paragraph(style="List Number" if kind == "list" else None)
            fill_paragraph(paragraph, pieces, revision_ids)
    document.save(path)
    return path


JA_DRAFT = [
    ("p", ["共同研究開発契約書"]),
    ("p", ["株式会社北辰精機（以下「甲」という。）と株式会社ミナトセンシング（以下「乙」という。）は、次のとおり契約を締結する。"]),
    ("p", ["第1条（目的）"]),
    ("p", ["甲および乙は、センサーの共同研究開発を行う。"]),
    ("p", ["第2条（成果の帰属）"]),
    ("p", ["乙は、本研究の成果に係る知的財産権を", ("ins", "無償で", "甲法務部"), "甲に譲渡する。"]),
    ("p", ["第3条（有効期間）"]),
    ("p", ["本契約の有効期間は、", ("del", "1年", "甲法務部"), ("ins", "5年", "甲法務部"), "とする。"]),
    ("p", ["第4条（秘密保持）"]),
    ("sdt", ["甲および乙は、相手方の秘密情報を", ("del", "書面による承諾なく", "乙担当者"), "第三者に開示してはならない。"]),
    ("p", ["第5条（費用）"]),
    ("cell", ["費用は", ("ins", "各自", "甲法務部"), "負担とする。"]),
    ("p", ["第6条（通知）"]),
    ("list", ["通知は書面で行う。", ("moveTo", "電子メールによる通知も書面とみなす。", "甲法務部")]),
    ("p", ["第7条（協議）"]),
    ("p", [("moveFrom", "電子メールによる通知も書面とみなす。", "甲法務部"), "本契約に定めのない事項は協議する。"]),
]

EN_DRAFT = [
    ("p", ["JOINT DEVELOPMENT AGREEMENT"]),
    ("p", ['This Agreement is made between Acme Corporation ("Company") and Beta LLC ("Partner").']),
    ("p", ["1. Purpose"]),
    ("p", ["The parties shall jointly develop a sensor module."]),
    ("p", ["2. Results"]),
    ("p", ["Partner shall assign all Results to Company", ("ins", " free of charge", "Company Legal"), "."]),
    ("p", ["3. Term"]),
    ("p", ["This Agreement remains in force for ", ("del", "one (1) year", "Company Legal"), ("ins", "five (5) years", "Company Legal"), "."]),
]
