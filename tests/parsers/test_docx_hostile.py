"""The .docx parser on hostile and unusual Word files: bombs in numbering, duplicate parts,
Strict Open XML, external parts, footnotes, text boxes, altChunk and hidden text.

Every file is written here with python-docx and then changed with zipfile, so each case
states exactly what is unusual about it.
"""

from __future__ import annotations

import docx
import pytest
from test_docx import NS, _counter, _level, add_list, numbered

from clausecheck.parsers import read_file
from clausecheck.parsers.docx_numbering import MAX_LABEL_CHARS


# -- numbering bombs ----------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["upperLetter", "lowerLetter", "chicago", "decimal", "upperRoman", "japaneseCounting"])
def test_huge_start_values_give_bounded_labels(fmt):
    counter = _counter(_level(0, fmt, "%1.%1.%1.%1.%1.%1.%1.%1.%1", start=2_600_000_000),
                       '<w:num w:numId="1"><w:abstractNumId w:val="1"/></w:num>'
                       '<w:num w:numId="2"><w:abstractNumId w:val="1"/><w:lvlOverride w:ilvl="0"><w:startOverride w:val="99999999999"/></w:lvlOverride></w:num>')
    for num_id in ("1", "2"):
        label = counter.advance(num_id, 0).label
        assert 0 < len(label) <= MAX_LABEL_CHARS, label


def test_ordinary_letter_labels_are_unchanged():
    counter = _counter(_level(0, "upperLetter", "(%1)", start=26), '<w:num w:numId="1"><w:abstractNumId w:val="1"/></w:num>')
    assert [counter.advance("1", 0).label for _ in range(3)] == ["(Z)", "(AA)", "(BB)"]


def test_upper_letter_numbering_bomb_reads_in_bounded_memory(tmp_path):
    from test_hostile_input import run_isolated

    document = docx.Document()
    add_list(document, 100, [_level(0, "upperLetter", "%1", start=2_600_000_000)])
    for n in range(50):
        numbered(document, f"Clause {n} says something.", 100)
    path = tmp_path / "letters.docx"
    document.save(path)
    result = run_isolated(
        f"""
        from clausecheck.parsers import read_file
        raw = read_file({str(path)!r})
        result["longest"] = max(len(block.number or "") for block in raw.blocks)
        """
    )
    assert "error" not in result, result
    assert result["longest"] <= MAX_LABEL_CHARS
    assert result["peak_mb"] < 400, result  # the unbounded label took 5.2 GB


# -- package-level tricks ------------------------------------------------------------------------

import base64  # noqa: E402 - the builders below need these, the numbering cases above do not
import os  # noqa: E402
import re  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import zipfile  # noqa: E402
from pathlib import Path  # noqa: E402

from docx.oxml import parse_xml  # noqa: E402

from clausecheck.errors import InputError  # noqa: E402
from clausecheck.parsers.docx_strict import to_transitional  # noqa: E402
from clausecheck.pipeline import check_file  # noqa: E402

CONTRACT = [
    "MUTUAL NON-DISCLOSURE AGREEMENT",
    "This Agreement is made between Acme Inc. (\"Acme\") and Beta LLC (\"Beta\").",
    "1. Confidentiality. Each party shall keep the other party's Confidential Information secret.",
    "2. Governing Law. This Agreement is governed by the laws of the State of New York.",
]
RELS_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
RT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def plain_docx(path: Path, paragraphs=CONTRACT) -> Path:
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    document.save(path)
    return path


def rewrite_docx(source: Path, target: Path, change=lambda name, data: data, extra: dict[str, bytes] | None = None) -> Path:
    """Copy a package member by member through `change` (None drops a member), adding `extra`."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for item in old.infolist():
            data = change(item.filename, old.read(item.filename))
            if data is not None:
                new.writestr(item.filename, data)
        for name, data in (extra or {}).items():
            new.writestr(name, data)
    return target


def add_relationship(rels: bytes, rel_id: str, reltype: str, target: str, external: bool = False) -> bytes:
    mode = ' TargetMode="External"' if external else ""
    return rels.replace(b"</Relationships>", f'<Relationship Id="{rel_id}" Type="{RT}/{reltype}" Target="{target}"{mode}/></Relationships>'.encode())


def test_a_30_mb_text_run_is_too_large_not_damaged(tmp_path):
    base = plain_docx(tmp_path / "base.docx")
    # Random letters: deflate cannot shrink them past the zip-bomb ratio, as a real long run.
    letters = base64.b64encode(os.urandom(22_500_000))
    path = rewrite_docx(base, tmp_path / "long-run.docx",
                        lambda name, data: data.replace(b"Each party", b"Each party " + letters) if name == "word/document.xml" else data)
    with pytest.raises(InputError) as excinfo:
        read_file(path)
    assert excinfo.value.code == "E109", excinfo.value


def test_duplicate_document_members_are_damaged(tmp_path):
    import warnings

    base = plain_docx(tmp_path / "base.docx")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns about the duplicate name it is told to write
        path = rewrite_docx(base, tmp_path / "twice.docx", extra={"word/document.xml": b"<w:document/>"})
    with pytest.raises(InputError) as excinfo:
        read_file(path)
    assert excinfo.value.code == "E105" and "two members" in excinfo.value.message


def _main_part_renamed(base: Path, target: Path, document_xml_change=lambda data: data) -> Path:
    """The main part moved to word/contract.bin, with the content types and relationships following it."""
    with zipfile.ZipFile(base) as archive:
        document_xml = archive.read("word/document.xml")
        document_rels = archive.read("word/_rels/document.xml.rels")

    def change(name, data):
        if name in ("word/document.xml", "word/_rels/document.xml.rels"):
            return None
        if name == "[Content_Types].xml":
            return data.replace(b'PartName="/word/document.xml"', b'PartName="/word/contract.bin"')
        if name == "_rels/.rels":
            return data.replace(b"word/document.xml", b"word/contract.bin")
        return data

    return rewrite_docx(base, target, change, {"word/contract.bin": document_xml_change(document_xml), "word/_rels/contract.bin.rels": document_rels})


def test_a_main_part_under_another_name_is_read(tmp_path):
    path = _main_part_renamed(plain_docx(tmp_path / "base.docx"), tmp_path / "renamed.docx")
    assert [block.text for block in read_file(path).blocks] == CONTRACT


def test_a_doctype_in_a_main_part_not_named_xml_is_refused(tmp_path):
    def add_doctype(data: bytes) -> bytes:
        data = data.replace(b"?>", b'?><!DOCTYPE w:document [<!ENTITY secret SYSTEM "file:///etc/passwd">]>', 1)
        return data.replace(b"Each party", b"&secret; Each party")

    path = _main_part_renamed(plain_docx(tmp_path / "base.docx"), tmp_path / "doctype.docx", add_doctype)
    with pytest.raises(InputError) as excinfo:
        read_file(path)
    assert excinfo.value.code == "E110" and "contract.bin" in excinfo.value.message


# Strict Open XML writes the transitional URIs under purl.oclc.org (ISO/IEC 29500-1 Strict).
_TO_STRICT = (
    (b"http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties",
     b"http://purl.oclc.org/ooxml/officeDocument/relationships/extendedProperties"),
    (b"http://schemas.openxmlformats.org/officeDocument/2006/relationships", b"http://purl.oclc.org/ooxml/officeDocument/relationships"),
    (b"http://schemas.openxmlformats.org/officeDocument/2006/extended-properties", b"http://purl.oclc.org/ooxml/officeDocument/extendedProperties"),
    (b"http://schemas.openxmlformats.org/officeDocument/2006/", b"http://purl.oclc.org/ooxml/officeDocument/"),
    (b"http://schemas.openxmlformats.org/wordprocessingml/2006/", b"http://purl.oclc.org/ooxml/wordprocessingml/"),
    (b"http://schemas.openxmlformats.org/drawingml/2006/", b"http://purl.oclc.org/ooxml/drawingml/"),
)


def to_strict(name: str, data: bytes) -> bytes:
    if not name.endswith((".xml", ".rels")):
        return data
    for transitional, strict in _TO_STRICT:
        data = data.replace(transitional, strict)
    if name == "word/document.xml":
        data = re.sub(rb"<w:document ", b'<w:document w:conformance="strict" ', data, count=1)
    return data


def test_strict_open_xml_is_read_like_transitional(tmp_path):
    document = docx.Document()
    add_list(document, 100, [_level(0, "decimal", "第%1条")])
    numbered(document, "目的", 100)
    document.add_paragraph("本契約は、共同研究の条件を定める。")
    numbered(document, "秘密保持", 100)
    document.add_paragraph("甲及び乙は、秘密情報を第三者に開示してはならない。")
    transitional = tmp_path / "transitional.docx"
    document.save(transitional)
    strict = rewrite_docx(transitional, tmp_path / "strict.docx", to_strict)
    with zipfile.ZipFile(strict) as archive:
        assert b"purl.oclc.org/ooxml/officeDocument/relationships/officeDocument" in archive.read("_rels/.rels")
        assert b"schemas.openxmlformats.org/wordprocessingml" not in archive.read("word/document.xml")
    expected = [(block.text, block.number) for block in read_file(transitional).blocks]
    assert [(block.text, block.number) for block in read_file(strict).blocks] == expected
    assert expected[0] == ("目的", "第1条")


def test_strict_uris_map_back_exactly():
    for transitional, strict in _TO_STRICT:
        assert to_transitional(strict + b"/x") == transitional + b"/x"


@pytest.mark.parametrize("reltype", ["styles", "comments"])
def test_external_styles_or_comments_are_never_fetched(tmp_path, reltype):
    base = plain_docx(tmp_path / "base.docx")

    def change(name, data):
        if name != "word/_rels/document.xml.rels":
            return data
        data = re.sub(rb'<Relationship Id="\w+" Type="[^"]*/styles" Target="styles.xml"/>', b"", data) if reltype == "styles" else data
        return add_relationship(data, "rId90", reltype, "file:///etc/passwd", external=True)

    path = rewrite_docx(base, tmp_path / f"external-{reltype}.docx", change)
    raw = read_file(path)
    assert [block.text for block in raw.blocks] == CONTRACT
    assert any(w.code == "W133" and reltype in w.message for w in raw.warnings), raw.warnings


def test_docm_with_format_docx_is_refused_with_a_code(tmp_path):
    base = plain_docx(tmp_path / "base.docx")
    path = rewrite_docx(base, tmp_path / "macros.docm", lambda name, data: data.replace(
        b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
        b"application/vnd.ms-word.document.macroEnabled.main+xml") if name == "[Content_Types].xml" else data)
    assert [block.text for block in read_file(path).blocks] == CONTRACT  # read for the review
    completed = subprocess.run([sys.executable, "-m", "clausecheck", "check", str(path), "--format", "docx", "-o", str(tmp_path / "out.docx")],
                               capture_output=True, text=True, timeout=120)
    assert completed.returncode == 2, completed.stderr
    assert "E103" in completed.stderr and "Traceback" not in completed.stderr


# -- notes, text boxes, embedded documents --------------------------------------------------------

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _notes_xml(kind: str, texts: list[str]) -> bytes:
    separators = (f'<w:{kind} w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:{kind}>'
                  f'<w:{kind} w:type="continuationSeparator" w:id="0"><w:p><w:r><w:t>CONTINUED</w:t></w:r></w:p></w:{kind}>')
    notes = "".join(f'<w:{kind} w:id="{n}"><w:p><w:pPr><w:pStyle w:val="FootnoteText"/></w:pPr><w:r><w:t>{text}</w:t></w:r></w:p></w:{kind}>'
                    for n, text in enumerate(texts, start=1))
    return f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:{kind}s xmlns:w="{W_NS}">{separators}{notes}</w:{kind}s>'.encode()


def docx_with_parts(path: Path, body_xml: str = "", parts: dict[str, tuple[str, str, bytes]] | None = None) -> Path:
    """A contract with `body_xml` appended to the body and `parts` (name → (reltype, content type, bytes)) added."""
    document = docx.Document()
    for text in CONTRACT:
        document.add_paragraph(text)
    if body_xml:
        body = document.element.body
        for element in parse_xml(f'<w:body xmlns:w="{W_NS}" xmlns:r="{RT}" xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
                                 f'xmlns:v="urn:schemas-microsoft-com:vml">{body_xml}</w:body>'):
            body.insert(len(body) - 1, element)  # before the section properties
    base = path.with_suffix(".base.docx")
    document.save(base)
    parts = parts or {}

    def change(name, data):
        if name == "word/_rels/document.xml.rels":
            for n, (part_name, (reltype, _type, _data)) in enumerate(parts.items()):
                data = add_relationship(data, f"rId{80 + n}", reltype, part_name.removeprefix("word/"))
        if name == "[Content_Types].xml":
            overrides = "".join(f'<Override PartName="/{part_name}" ContentType="{content_type}"/>' for part_name, (_r, content_type, _d) in parts.items())
            data = data.replace(b"</Types>", overrides.encode() + b"</Types>")
        return data

    rewrite_docx(base, path, change, {name: data for name, (_r, _t, data) in parts.items()})
    base.unlink()
    return path


def test_footnotes_and_endnotes_are_read_after_the_body(tmp_path):
    ct = "application/vnd.openxmlformats-officedocument.wordprocessingml.{}+xml"
    path = docx_with_parts(
        tmp_path / "notes.docx",
        '<w:p><w:r><w:t>3. Term. See the note.</w:t></w:r><w:r><w:footnoteReference w:id="1"/></w:r></w:p>',
        {"word/footnotes.xml": ("footnotes", ct.format("footnotes"), _notes_xml("footnote", ["Beta shall be the exclusive distributor of the Products."])),
         "word/endnotes.xml": ("endnotes", ct.format("endnotes"), _notes_xml("endnote", ["This Agreement renews automatically each year."]))},
    )
    texts = [block.text for block in read_file(path).blocks]
    assert texts[: len(CONTRACT) + 1] == CONTRACT + ["3. Term. See the note."]
    assert texts[len(CONTRACT) + 1:] == ["Beta shall be the exclusive distributor of the Products.", "This Agreement renews automatically each year."]
    assert "CONTINUED" not in texts  # Word's separator notes are not contract text
    report = check_file(path)
    assert report.topics["exclusivity"].status == "present"


def test_text_boxes_are_read_in_place(tmp_path):
    box = ('<w:p><w:r><w:t>3. Scope.</w:t></w:r><w:r><w:pict><v:shape><v:textbox><w:txbxContent>'
           '<w:p><w:r><w:t>Beta shall be the exclusive distributor of the Products.</w:t></w:r></w:p>'
           '</w:txbxContent></v:textbox></v:shape></w:pict></w:r></w:p>'
           '<w:p><w:r><w:t>4. Notices. In writing.</w:t></w:r></w:p>')
    texts = [block.text for block in read_file(docx_with_parts(tmp_path / "box.docx", box)).blocks]
    assert texts[len(CONTRACT):] == ["3. Scope.", "Beta shall be the exclusive distributor of the Products.", "4. Notices. In writing."]


def test_an_alt_chunk_is_warned_about_and_nothing_is_called_absent(tmp_path):
    html = b"<html><body><p>3. Exclusivity. Beta shall be the exclusive distributor.</p></body></html>"
    path = docx_with_parts(tmp_path / "chunk.docx", '<w:altChunk r:id="rId80"/>',
                           {"word/chunk.html": ("aFChunk", "text/html", html)})
    raw = read_file(path)
    assert any(w.code == "W134" for w in raw.warnings), raw.warnings
    report = check_file(path)
    assert report.topics["exclusivity"].status == "uncertain"  # its text may be in the unread part
    assert report.topics["confidentiality"].status == "present"


# -- hidden text ------------------------------------------------------------------------------------

EXCLUSIVE = "Beta shall be the exclusive distributor of the Products."


@pytest.mark.parametrize(
    "run_properties",
    ["<w:vanish/>", '<w:color w:val="FFFFFF"/>', '<w:sz w:val="1"/>'],
    ids=["vanish", "white", "half-point"],
)
def test_hidden_text_is_read_marked_and_never_the_only_evidence(tmp_path, run_properties):
    body = (f'<w:p><w:r><w:t xml:space="preserve">3. Distribution. </w:t></w:r>'
            f'<w:r><w:rPr>{run_properties}</w:rPr><w:t>{EXCLUSIVE}</w:t></w:r></w:p>')
    path = docx_with_parts(tmp_path / "hidden.docx", body)
    raw = read_file(path)
    block = next(block for block in raw.blocks if block.text.startswith("3. Distribution."))
    assert block.text == f"3. Distribution. {EXCLUSIVE}"  # read, in place
    assert [block.text[start:end] for start, end in block.hidden] == [EXCLUSIVE]
    assert any(w.code == "W132" for w in raw.warnings), raw.warnings
    report = check_file(path)
    assert report.topics["exclusivity"].status != "present"  # the only evidence was hidden
    assert not any(finding.topic == "exclusivity" for finding in report.findings if finding.kind == "risk")
    assert report.topics["confidentiality"].status == "present"


def test_the_same_words_visible_are_evidence(tmp_path):
    path = docx_with_parts(tmp_path / "visible.docx", f"<w:p><w:r><w:t>3. Distribution. {EXCLUSIVE}</w:t></w:r></w:p>")
    raw = read_file(path)
    assert not any(block.hidden for block in raw.blocks) and not any(w.code == "W132" for w in raw.warnings)
    assert check_file(path).topics["exclusivity"].status == "present"


@pytest.mark.parametrize("where", ["cell", "paragraph", "run"])
def test_white_text_on_a_fill_is_visible(tmp_path, where):
    shading = '<w:shd w:val="clear" w:color="auto" w:fill="0B588A"/>'
    run = f'<w:r><w:rPr><w:color w:val="FFFFFF"/>{shading if where == "run" else ""}</w:rPr><w:t>{EXCLUSIVE}</w:t></w:r>'
    paragraph = f'<w:p>{"<w:pPr>" + shading + "</w:pPr>" if where == "paragraph" else ""}{run}</w:p>'
    body = (f'<w:tbl><w:tr><w:tc><w:tcPr>{shading}</w:tcPr>{paragraph}</w:tc></w:tr></w:tbl>' if where == "cell" else paragraph)
    raw = read_file(docx_with_parts(tmp_path / f"filled-{where}.docx", body))
    assert not any(block.hidden for block in raw.blocks)
    assert EXCLUSIVE in [block.text for block in raw.blocks]


def _add_style(document, style_id: str, style_type: str, run_properties: str, based_on: str | None = None) -> None:
    based = f'<w:basedOn w:val="{based_on}"/>' if based_on else ""
    document.styles.element.append(parse_xml(
        f'<w:style {NS} w:type="{style_type}" w:styleId="{style_id}"><w:name w:val="{style_id}"/>{based}<w:rPr>{run_properties}</w:rPr></w:style>'))


def test_text_hidden_by_its_styles_is_marked(tmp_path):
    document = docx.Document()
    _add_style(document, "SecretChar", "character", "<w:vanish/>")
    _add_style(document, "SecretPara", "paragraph", "<w:vanish/>")
    _add_style(document, "SecretChild", "paragraph", "", based_on="SecretPara")  # inherits w:vanish
    _add_style(document, "ShownChild", "paragraph", '<w:vanish w:val="0"/>', based_on="SecretPara")
    for text in CONTRACT:
        document.add_paragraph(text)
    paragraph = document.add_paragraph("3. Distribution. ")
    paragraph.add_run(EXCLUSIVE)._r.get_or_add_rPr().append(parse_xml(f'<w:rStyle {NS} w:val="SecretChar"/>'))
    document.add_paragraph("Hidden by the paragraph style.", style="SecretPara")
    document.add_paragraph("Hidden by an inherited style.", style="SecretChild")
    document.add_paragraph("Shown again by a child style.", style="ShownChild")
    overridden = document.add_paragraph(style="SecretPara")
    overridden.add_run("Shown by the run's own formatting.")._r.get_or_add_rPr().append(parse_xml(f'<w:vanish {NS} w:val="0"/>'))
    path = tmp_path / "styled.docx"
    document.save(path)
    hidden = {block.text: [block.text[s:e] for s, e in block.hidden] for block in read_file(path).blocks}
    assert hidden[f"3. Distribution. {EXCLUSIVE}"] == [EXCLUSIVE]
    assert hidden["Hidden by the paragraph style."] == ["Hidden by the paragraph style."]
    assert hidden["Hidden by an inherited style."] == ["Hidden by an inherited style."]
    assert hidden["Shown again by a child style."] == []
    assert hidden["Shown by the run's own formatting."] == []
    assert check_file(path).topics["exclusivity"].status != "present"


def test_an_svg_image_with_a_doctype_is_not_parsed_and_not_refused(tmp_path):
    svg = b'<?xml version="1.0"?><!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd"><svg xmlns="http://www.w3.org/2000/svg"/>'
    base = plain_docx(tmp_path / "base.docx")
    path = rewrite_docx(base, tmp_path / "svg.docx",
                        lambda name, data: data.replace(b"</Types>", b'<Default Extension="svg" ContentType="image/svg+xml"/></Types>') if name == "[Content_Types].xml" else data,
                        {"word/media/image1.svg": svg})
    assert [block.text for block in read_file(path).blocks] == CONTRACT


def test_a_doctype_in_a_part_declared_xml_under_an_image_name_is_refused(tmp_path):
    def add_doctype(data: bytes) -> bytes:
        return data.replace(b"?>", b'?><!DOCTYPE w:document [<!ENTITY x "x">]>', 1)

    base = _main_part_renamed(plain_docx(tmp_path / "base.docx"), tmp_path / "renamed.docx", add_doctype)
    # The same main part, now called an image: its content type still says WordprocessingML.
    with zipfile.ZipFile(base) as archive:
        main = archive.read("word/contract.bin")
        rels = archive.read("word/_rels/contract.bin.rels")
    path = rewrite_docx(base, tmp_path / "image-named.docx",
                        lambda name, data: None if name in ("word/contract.bin", "word/_rels/contract.bin.rels") else data.replace(b"/word/contract.bin", b"/word/media/image9.png").replace(b"word/contract.bin", b"word/media/image9.png"),
                        {"word/media/image9.png": main, "word/media/_rels/image9.png.rels": rels})
    with pytest.raises(InputError) as excinfo:
        read_file(path)
    assert excinfo.value.code == "E110" and "image9.png" in excinfo.value.message
