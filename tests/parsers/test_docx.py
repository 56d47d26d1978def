"""The .docx parser on real files: numbering, tracked changes, tables, headers, pages, safety."""

from __future__ import annotations

import re
import time
import zipfile
from pathlib import Path

import docx
import pytest
from docx.oxml import parse_xml

from clausecheck.errors import InputError
from clausecheck.parsers import ReadOptions, read_file
from clausecheck.parsers.docx_numbering import NumberingCounter, NumberingDefinitions, format_number
from clausecheck.structure import build_document
from conftest import corpus_path

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = f'xmlns:w="{W}"'
REVISION = 'w:author="Reviewer" w:date="2024-04-01T00:00:00Z"'


def _level(ilvl: int, fmt: str, text: str, start: int = 1, extra: str = "") -> str:
    return (f'<w:lvl w:ilvl="{ilvl}"><w:start w:val="{start}"/><w:numFmt w:val="{fmt}"/>{extra}'
            f'<w:lvlText w:val="{text}"/><w:lvlJc w:val="left"/></w:lvl>')


def add_list(document, abstract_id: int, levels: list[str], num_ids: dict[int, str] | None = None, style_link: str = "") -> None:
    """Write an abstract definition and its list instances into the document's numbering part.

    `num_ids` maps a list id to extra XML inside its `w:num` (e.g. a startOverride).
    """
    numbering = document.part.numbering_part.element
    abstract = parse_xml(f'<w:abstractNum {NS} w:abstractNumId="{abstract_id}"><w:multiLevelType w:val="multilevel"/>'
                         f'{style_link}{"".join(levels)}</w:abstractNum>')
    first_num = numbering.find(f"{{{W}}}num")
    if first_num is not None:
        first_num.addprevious(abstract)
    else:
        numbering.append(abstract)
    for num_id, extra in (num_ids or {abstract_id: ""}).items():
        numbering.append(parse_xml(f'<w:num {NS} w:numId="{num_id}"><w:abstractNumId w:val="{abstract_id}"/>{extra}</w:num>'))


def numbered(document, text: str, num_id: int, ilvl: int = 0, style: str | None = None):
    paragraph = document.add_paragraph(text, style=style)
    paragraph._p.get_or_add_pPr().append(parse_xml(
        f'<w:numPr {NS}><w:ilvl w:val="{ilvl}"/><w:numId w:val="{num_id}"/></w:numPr>'))
    return paragraph


def add_runs_xml(paragraph, xml: str) -> None:
    """Append raw run-level XML (tracked changes, breaks) to a paragraph."""
    for element in parse_xml(f"<w:p {NS}>{xml}</w:p>"):
        paragraph._p.append(element)


def blocks_by_text(raw) -> dict[str, object]:
    return {block.text: block for block in raw.blocks}


@pytest.fixture
def japanese_docx(tmp_path: Path) -> Path:
    document = docx.Document()
    document.sections[0].header.paragraphs[0].text = "社外秘ヘッダー"
    document.sections[0].footer.paragraphs[0].text = "フッター 株式会社サンプル"
    add_list(document, 100, [
        _level(0, "decimal", "第%1条"),
        _level(1, "decimalFullWidth", "%2"),
        _level(2, "decimalFullWidth", "（%3）"),
    ])
    add_list(document, 102, [_level(0, "decimalEnclosedCircle", "%1"), _level(1, "aiueoFullWidth", "%2")])
    add_list(document, 103, [_level(0, "japaneseCounting", "%1", start=11)])
    document.add_paragraph("共同開発契約書", style="Title")
    document.add_paragraph("株式会社甲（以下「甲」という。）と株式会社乙（以下「乙」という。）は、次のとおり契約を締結する。")
    numbered(document, "（目的）", 100)
    numbered(document, "本契約は、甲乙の共同開発の条件を定める。", 100, 1)
    numbered(document, "乙は、次の事項を行う。", 100, 1)
    numbered(document, "試作品の製作", 100, 2)
    numbered(document, "評価報告書の提出", 100, 2)
    numbered(document, "（秘密保持）", 100)
    changed = numbered(document, "甲及び乙は、", 100, 1)
    add_runs_xml(changed, f'<w:ins w:id="1" {REVISION}><w:r><w:t>相手方の</w:t></w:r></w:ins>'
                          f'<w:del w:id="2" {REVISION}><w:r><w:delText>公知の</w:delText></w:r></w:del>'
                          f'<w:r><w:t>秘密情報を第三者に開示してはならない。</w:t></w:r>'
                          f'<w:moveFrom w:id="3" {REVISION}><w:r><w:t>移動前の文</w:t></w:r></w:moveFrom>'
                          f'<w:moveTo w:id="4" {REVISION}><w:r><w:t>移動後の文</w:t></w:r></w:moveTo>')
    document.add_comment(changed.runs[0], text="開示先の範囲を確認", author="Reviewer")
    numbered(document, "（契約期間）", 100)
    numbered(document, "本契約の有効期間は、締結日から1年間とする。", 100, 1)
    numbered(document, "丸数字の号", 102)
    numbered(document, "カナの細目", 102, 1)
    numbered(document, "漢数字の項目", 103)
    table = document.add_table(rows=3, cols=2)
    table.cell(0, 0).text = "項目"
    table.cell(0, 1).text = "内容"
    table.cell(1, 0).text = "納期"
    table.cell(1, 1).text = "2024年6月30日"
    merged = table.cell(2, 0).merge(table.cell(2, 1))
    merged.text = "結合されたセル"
    nested = table.cell(1, 1).add_table(rows=1, cols=2)
    nested.cell(0, 0).text = "入れ子A"
    nested.cell(0, 1).text = "入れ子B"
    document.add_paragraph("以上")
    path = tmp_path / "ja_contract.docx"
    document.save(path)
    return path


def test_japanese_numbering_is_rebuilt_and_kept_out_of_text(japanese_docx):
    raw = read_file(japanese_docx)
    numbered_blocks = [(block.number, block.text) for block in raw.blocks if block.number]
    assert numbered_blocks == [
        ("第1条", "（目的）"),
        ("１", "本契約は、甲乙の共同開発の条件を定める。"),
        ("２", "乙は、次の事項を行う。"),
        ("（１）", "試作品の製作"),
        ("（２）", "評価報告書の提出"),
        ("第2条", "（秘密保持）"),
        ("１", "甲及び乙は、相手方の秘密情報を第三者に開示してはならない。移動後の文"),
        ("第3条", "（契約期間）"),
        ("１", "本契約の有効期間は、締結日から1年間とする。"),
        ("①", "丸数字の号"),
        ("ア", "カナの細目"),
        ("十一", "漢数字の項目"),
    ]
    by_text = blocks_by_text(raw)
    assert by_text["（目的）"].kind == "list_item" and by_text["（目的）"].level == 1
    assert by_text["試作品の製作"].level == 3
    assert by_text["共同開発契約書"].kind == "heading" and by_text["共同開発契約書"].style == "Title"
    assert by_text["以上"].kind == "paragraph" and by_text["以上"].number is None


def test_tracked_changes_are_accepted_and_comments_ignored(japanese_docx):
    raw = read_file(japanese_docx)
    text = "\n".join(block.text for block in raw.blocks)
    assert "相手方の" in text and "移動後の文" in text
    assert "公知の" not in text and "移動前の文" not in text
    assert "開示先の範囲を確認" not in text
    codes = [warning.code for warning in raw.warnings]
    assert "W101" in codes and "W107" in codes
    w101 = next(warning for warning in raw.warnings if warning.code == "W101")
    assert w101.message.startswith("4 tracked change")


def test_headers_and_footers_stay_out_of_the_body(japanese_docx):
    raw = read_file(japanese_docx)
    assert raw.headers == ("社外秘ヘッダー", "フッター 株式会社サンプル")
    assert all("ヘッダー" not in block.text and "フッター" not in block.text for block in raw.blocks)


def test_table_cells_in_order_with_merged_cells_once_and_nested_tables(japanese_docx):
    raw = read_file(japanese_docx)
    cells = [block.text for block in raw.blocks if block.kind == "table_cell"]
    assert cells == ["項目", "内容", "納期", "2024年6月30日", "入れ子A", "入れ子B", "結合されたセル"]
    texts = [block.text for block in raw.blocks]
    assert texts.index("漢数字の項目") < texts.index("項目") < texts.index("以上")


def test_no_pages_without_rendered_page_breaks(japanese_docx):
    raw = read_file(japanese_docx)
    assert raw.source.pages is None
    assert all(block.page is None for block in raw.blocks)


@pytest.mark.parametrize("number_format, tenth, twelfth", [
    ("japaneseCounting", "第十条", "第十二条"),
    ("ideographDigital", "第一〇条", "第一二条"),
    ("decimalFullWidth", "第１０条", "第１２条"),
])
def test_kanji_and_full_width_article_numbers(tmp_path, number_format, tenth, twelfth):
    document = docx.Document()
    add_list(document, 101, [_level(0, number_format, "第%1条"), _level(1, "decimalFullWidth", "%2")])
    for article in range(1, 13):
        numbered(document, f"（見出し{article}）", 101)
        numbered(document, f"第{article}条の第1項の本文である。", 101, 1)
        numbered(document, f"第{article}条の第2項の本文である。", 101, 1)
    path = tmp_path / f"{number_format}.docx"
    document.save(path)
    raw = read_file(path)
    articles = [block.number for block in raw.blocks if block.level == 1]
    assert articles[9] == tenth and articles[11] == twelfth
    clauses = [clause for clause in build_document(raw, "ja").clauses if clause.kind == "clause"]
    assert [clause.number for clause in clauses] == [f"第{article}条" for article in range(1, 13)]
    assert [child.number for child in clauses[11].children] == ["第12条1項", "第12条2項"]
    assert clauses[11].heading == "見出し12"


def test_japanese_structure_from_word_numbering(japanese_docx):
    document = build_document(read_file(japanese_docx), "ja")
    articles = [clause for clause in document.clauses if clause.kind == "clause"]
    assert [clause.number for clause in articles][:3] == ["第1条", "第2条", "第3条"]
    first = articles[0]
    assert first.heading == "目的"
    assert [child.number for child in first.children] == ["第1条1項", "第1条2項"]
    assert [grandchild.number for grandchild in first.children[1].children] == ["第1条2項(1)", "第1条2項(2)"]


@pytest.fixture
def english_docx(tmp_path: Path) -> Path:
    document = docx.Document()
    add_list(document, 110, [
        _level(0, "decimal", "%1."),
        _level(1, "decimal", "%1.%2"),
        _level(2, "lowerLetter", "(%3)"),
        _level(3, "lowerRoman", "(%4)"),
    ])
    document.add_paragraph("MUTUAL NON-DISCLOSURE AGREEMENT", style="Title")
    numbered(document, "Definitions", 110, style="Heading 1")
    numbered(document, "“Confidential Information” means any information disclosed by a party.", 110, 1)
    numbered(document, "It does not include information that:", 110, 1)
    numbered(document, "is publicly available;", 110, 2)
    numbered(document, "was known to the Recipient; or", 110, 2)
    numbered(document, "Obligations", 110, style="Heading 1")
    numbered(document, "The Recipient shall keep Confidential Information secret.", 110, 1)
    numbered(document, "Term", 110, style="Heading 1")
    numbered(document, "This Agreement lasts two years.", 110, 1)
    add_list(document, 112, [_level(0, "bullet", "•")])
    numbered(document, "A bulleted remark.", 112)
    path = tmp_path / "en_nda.docx"
    document.save(path)
    return path


def test_english_decimal_numbering(english_docx):
    raw = read_file(english_docx)
    assert [(block.number, block.kind) for block in raw.blocks if block.number] == [
        ("1.", "heading"), ("1.1", "list_item"), ("1.2", "list_item"), ("(a)", "list_item"), ("(b)", "list_item"),
        ("2.", "heading"), ("2.1", "list_item"), ("3.", "heading"), ("3.1", "list_item"),
    ]
    bullet = raw.blocks[-1]
    assert (bullet.text, bullet.kind, bullet.number, bullet.level) == ("A bulleted remark.", "list_item", None, 1)
    assert not raw.warnings


def test_restart_numbering_with_start_override(tmp_path):
    """Word's "restart numbering" writes a new list with a startOverride; without it a list continues."""
    document = docx.Document()
    add_list(document, 130, [_level(0, "decimalFullWidth", "（%1）")],
             num_ids={130: "", 131: '<w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride>', 132: ""})
    for text, num_id in (("第一号の事項", 130), ("第二号の事項", 130), ("再開後の一号", 131), ("再開後の二号", 131)):
        numbered(document, text, num_id)
    path = tmp_path / "restart.docx"
    document.save(path)
    assert [block.number for block in read_file(path).blocks] == ["（１）", "（２）", "（１）", "（２）"]

    continued = docx.Document()
    add_list(continued, 130, [_level(0, "decimalFullWidth", "（%1）")], num_ids={130: "", 132: ""})
    for text, num_id in (("第一号の事項", 130), ("第二号の事項", 130), ("続きの三号", 132)):
        numbered(continued, text, num_id)
    continued.save(path)
    assert [block.number for block in read_file(path).blocks] == ["（１）", "（２）", "（３）"]


def test_english_structure_from_word_numbering(english_docx):
    document = build_document(read_file(english_docx), "en")
    numbers = [clause.number for clause in document.clauses if clause.kind == "clause"]
    assert numbers[:3] == ["1", "2", "3"]
    definitions = document.clauses[[c.number for c in document.clauses].index("1")]
    assert definitions.heading == "Definitions"
    assert [child.number for child in definitions.children] == ["1.1", "1.2"]
    assert [item.number for item in definitions.children[1].children] == ["1.2(a)", "1.2(b)"]


def test_numbering_inherited_from_paragraph_style(tmp_path):
    document = docx.Document()
    add_list(document, 120, [_level(0, "decimal", "第%1条", extra='<w:pStyle w:val="ArticleHeading"/>'),
                             _level(1, "decimalFullWidth", "%2", extra='<w:pStyle w:val="ArticleParagraph"/>')])
    styles = document.styles.element
    styles.append(parse_xml(f'<w:style {NS} w:type="paragraph" w:styleId="ArticleHeading"><w:name w:val="Article Heading"/>'
                            f'<w:basedOn w:val="Normal"/><w:pPr><w:numPr><w:numId w:val="120"/></w:numPr></w:pPr></w:style>'))
    styles.append(parse_xml(f'<w:style {NS} w:type="paragraph" w:styleId="ArticleParagraph"><w:name w:val="Article Paragraph"/>'
                            f'<w:basedOn w:val="Normal"/><w:pPr><w:numPr><w:ilvl w:val="1"/><w:numId w:val="120"/></w:numPr></w:pPr></w:style>'))
    styles.append(parse_xml(f'<w:style {NS} w:type="paragraph" w:styleId="ArticleHeadingBold"><w:name w:val="Article Heading Bold"/>'
                            f'<w:basedOn w:val="ArticleHeading"/></w:style>'))
    document.add_paragraph("（定義）", style="Article Heading")
    document.add_paragraph("本契約で用いる用語は次のとおりとする。", style="Article Paragraph")
    document.add_paragraph("（目的）", style="Article Heading Bold")
    switched_off = document.add_paragraph("番号なしの段落", style="Article Paragraph")
    switched_off._p.get_or_add_pPr().append(parse_xml(f'<w:numPr {NS}><w:numId w:val="0"/></w:numPr>'))
    path = tmp_path / "styled.docx"
    document.save(path)
    raw = read_file(path)
    assert [(block.number, block.style) for block in raw.blocks] == [
        ("第1条", "Article Heading"), ("１", "Article Paragraph"), ("第2条", "Article Heading Bold"), (None, "Article Paragraph")]


def _counter(levels: str, nums: str) -> NumberingCounter:
    numbering = parse_xml(f'<w:numbering {NS}><w:abstractNum w:abstractNumId="1">{levels}</w:abstractNum>{nums}</w:numbering>')
    return NumberingCounter(NumberingDefinitions.from_element(numbering))


def test_level_restart_zero_never_restarts_and_legal_numbering():
    counter = _counter(_level(0, "upperRoman", "Article %1") + _level(1, "decimal", "%1.%2", extra='<w:lvlRestart w:val="0"/><w:isLgl/>'),
                       '<w:num w:numId="1"><w:abstractNumId w:val="1"/></w:num>')
    labels = [counter.advance("1", ilvl).label for ilvl in (0, 1, 1, 0, 1)]
    assert labels == ["Article I", "1.1", "1.2", "Article II", "2.3"]


def test_lists_sharing_an_abstract_continue_and_overrides_restart():
    counter = _counter(_level(0, "decimal", "%1.", start=1),
                       '<w:num w:numId="1"><w:abstractNumId w:val="1"/></w:num>'
                       '<w:num w:numId="2"><w:abstractNumId w:val="1"/></w:num>'
                       '<w:num w:numId="3"><w:abstractNumId w:val="1"/><w:lvlOverride w:ilvl="0"><w:startOverride w:val="5"/></w:lvlOverride></w:num>')
    assert [counter.advance(num_id, 0).label for num_id in ("1", "2", "1", "3", "3")] == ["1.", "2.", "3.", "5.", "6."]
    assert counter.advance("0", 0) is None and counter.advance("99", 0) is None


def test_numbering_style_links_and_level_overrides():
    numbering = parse_xml(
        f'<w:numbering {NS}>'
        '<w:abstractNum w:abstractNumId="1"><w:numStyleLink w:val="ArticleList"/></w:abstractNum>'
        f'<w:abstractNum w:abstractNumId="2"><w:styleLink w:val="ArticleList"/>{_level(0, "decimal", "第%1条")}'
        f'{_level(1, "decimalEnclosedCircle", "%2")}</w:abstractNum>'
        '<w:num w:numId="7"><w:abstractNumId w:val="1"/></w:num>'
        f'<w:num w:numId="8"><w:abstractNumId w:val="2"/><w:lvlOverride w:ilvl="1">{_level(1, "lowerLetter", "(%2)", start=3)}'
        '</w:lvlOverride></w:num></w:numbering>')
    counter = NumberingCounter(NumberingDefinitions.from_element(numbering))
    assert [counter.advance("7", ilvl).label for ilvl in (0, 1, 1, 0)] == ["第1条", "①", "②", "第2条"]
    # List 8 shares the abstract definition (one sequence) but writes level 1 its own way.
    assert [counter.advance("8", ilvl).label for ilvl in (1, 0, 1)] == ["(c)", "第3条", "(c)"]


@pytest.mark.parametrize("value, fmt, expected", [
    (12, "decimal", "12"), (12, "decimalFullWidth", "１２"), (7, "decimalZero", "07"),
    (14, "upperRoman", "XIV"), (9, "lowerRoman", "ix"), (2, "lowerLetter", "b"), (28, "upperLetter", "BB"),
    (3, "decimalEnclosedCircle", "③"), (21, "decimalEnclosedCircle", "㉑"), (2, "decimalEnclosedParen", "⑵"),
    (12, "ideographDigital", "一二"), (10, "ideographDigital", "一〇"), (12, "japaneseCounting", "十二"),
    (105, "japaneseCounting", "百五"), (2024, "japaneseCounting", "二千二十四"), (12, "japaneseLegal", "壱拾弐"),
    (2, "aiueoFullWidth", "イ"), (3, "irohaFullWidth", "ハ"), (2, "ideographTraditional", "乙"),
    (3, "ordinal", "3rd"), (11, "ordinal", "11th"), (21, "ordinalText", "Twenty-first"), (3, "cardinalText", "Three"),
    (4, "none", ""), (4, "unknownFormat", "4"),
])
def test_number_formats(value, fmt, expected):
    assert format_number(value, fmt) == expected


def test_pages_from_rendered_page_breaks(tmp_path):
    document = docx.Document()
    document.add_paragraph("First page text.")
    second = document.add_paragraph()
    add_runs_xml(second, "<w:r><w:lastRenderedPageBreak/><w:t>Second page text.</w:t></w:r>")
    third = document.add_paragraph("Still page two, then a hard break.")
    add_runs_xml(third, '<w:r><w:br w:type="page"/></w:r>')
    fourth = document.add_paragraph()
    # Word also records the rendered break after a hard one: the two count once.
    add_runs_xml(fourth, "<w:r><w:lastRenderedPageBreak/><w:t>Third page text.</w:t></w:r>")
    path = tmp_path / "pages.docx"
    document.save(path)
    raw = read_file(path)
    assert [(block.text, block.page) for block in raw.blocks] == [
        ("First page text.", 1), ("Second page text.", 2), ("Still page two, then a hard break.", 2), ("Third page text.", 3)]
    assert raw.source.pages == 3


def test_hard_page_breaks_alone_do_not_give_pages(tmp_path):
    document = docx.Document()
    document.add_paragraph("Cover page.")
    document.add_page_break()
    document.add_paragraph("Body text that may run over many pages.")
    path = tmp_path / "hard_breaks.docx"
    document.save(path)
    raw = read_file(path)
    assert [block.page for block in raw.blocks] == [None, None] and raw.source.pages is None


def test_text_boxes_become_blocks_after_their_paragraph(tmp_path):
    document = docx.Document()
    host = document.add_paragraph("Host paragraph.")
    add_runs_xml(host, '<w:r><mc:AlternateContent xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006">'
                       '<mc:Choice Requires="wps"><w:drawing><w:txbxContent><w:p><w:r><w:t>Boxed text.</w:t></w:r></w:p>'
                       '</w:txbxContent></w:drawing></mc:Choice><mc:Fallback><w:pict><w:txbxContent><w:p><w:r>'
                       '<w:t>Boxed text.</w:t></w:r></w:p></w:txbxContent></w:pict></mc:Fallback></mc:AlternateContent></w:r>')
    document.add_paragraph("Next paragraph.")
    path = tmp_path / "textbox.docx"
    document.save(path)
    assert [block.text for block in read_file(path).blocks] == ["Host paragraph.", "Boxed text.", "Next paragraph."]


def _with_content_type(source: Path, target: Path, content_type: bytes) -> None:
    main = b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
    _rewrite_part(source, target, "[Content_Types].xml", lambda data: data.replace(main, content_type))


def test_macro_enabled_documents_are_read_and_strict_xml_is_refused(tmp_path):
    plain = _plain_docx(tmp_path)
    macro = tmp_path / "contract.docm"
    _with_content_type(plain, macro, b"application/vnd.ms-word.document.macroEnabled.main+xml")
    assert [block.text for block in read_file(macro).blocks] == ["A harmless contract paragraph."]

    strict = tmp_path / "strict.docx"
    _rewrite_part(plain, strict, "word/document.xml",
                  lambda data: data.replace(W.encode(), b"http://purl.oclc.org/ooxml/wordprocessingml/main"))
    with pytest.raises(InputError) as error:
        read_file(strict)
    assert error.value.code == "E103"


def test_line_breaks_split_and_special_characters(tmp_path):
    document = docx.Document()
    paragraph = document.add_paragraph()
    add_runs_xml(paragraph, '<w:r><w:t>第1条（目的）</w:t><w:br/><w:t xml:space="preserve">本契約は</w:t><w:tab/>'
                            '<w:t>e</w:t><w:noBreakHyphen/><w:t>mail</w:t><w:softHyphen/><w:sym w:font="Wingdings" w:char="F0FC"/>'
                            '<w:sym w:font="Arial" w:char="2022"/><w:instrText> PAGE </w:instrText></w:r>')
    deleted_mark = document.add_paragraph("前半の文と")
    deleted_mark._p.get_or_add_pPr().append(parse_xml(f'<w:rPr {NS}><w:del w:id="9" {REVISION}/></w:rPr>'))
    document.add_paragraph("後半の文が一つになる。")
    path = tmp_path / "breaks.docx"
    document.save(path)
    raw = read_file(path)
    assert [block.text for block in raw.blocks] == ["第1条（目的）", "本契約は\te-mail•", "前半の文と後半の文が一つになる。"]
    assert [warning.code for warning in raw.warnings] == ["W101"]


def test_content_controls_and_deleted_rows(tmp_path):
    document = docx.Document()
    document.add_paragraph("Before the control.")
    body = document.element.body
    body.insert(len(body) - 1, parse_xml(
        f'<w:sdt {NS}><w:sdtPr><w:alias w:val="Party"/></w:sdtPr><w:sdtContent>'
        '<w:p><w:r><w:t>Text inside a content control.</w:t></w:r></w:p></w:sdtContent></w:sdt>'))
    table = document.add_table(rows=2, cols=1)
    table.cell(0, 0).text = "Kept row"
    table.cell(1, 0).text = "Deleted row"
    table.rows[1]._tr.get_or_add_trPr().append(parse_xml(f'<w:del {NS} w:id="5" {REVISION}/>'))
    path = tmp_path / "controls.docx"
    document.save(path)
    raw = read_file(path)
    assert [block.text for block in raw.blocks] == ["Before the control.", "Text inside a content control.", "Kept row"]


def _rewrite_part(source: Path, target: Path, part: str, transform) -> None:
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as copy:
        for item in original.infolist():
            data = original.read(item.filename)
            copy.writestr(item, transform(data) if item.filename == part else data)


def _plain_docx(tmp_path: Path) -> Path:
    document = docx.Document()
    document.add_paragraph("A harmless contract paragraph.")
    path = tmp_path / "plain.docx"
    document.save(path)
    return path


def _refusal(tmp_path: Path, transform) -> InputError:
    """Read a plain .docx whose document.xml went through `transform`; the error it raises."""
    hostile = tmp_path / "hostile.docx"
    _rewrite_part(_plain_docx(tmp_path), hostile, "word/document.xml", transform)
    with pytest.raises(InputError) as error:
        read_file(hostile)
    return error.value


BILLION_LAUGHS = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<!DOCTYPE w:document [\n'
                  b'<!ENTITY lol "lol">\n' + b"".join(
                      b'<!ENTITY lol%d "%s">\n' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10) for i in range(1, 10))
                  + b'<!ENTITY xxe SYSTEM "file:///etc/passwd">\n]>\n')


@pytest.mark.parametrize("payload", [b"&lol9;", b"&xxe;"], ids=["billion-laughs", "external-entity"])
def test_entity_declarations_are_refused(tmp_path, payload):
    def inject(data: bytes) -> bytes:
        body_start = data.index(b"<w:document")
        document = data[body_start:].replace(b"A harmless contract paragraph.", payload)
        return BILLION_LAUGHS + document

    started = time.monotonic()
    error = _refusal(tmp_path, inject)
    assert error.code == "E110"
    assert time.monotonic() - started < 5
    assert "root:" not in str(error)


def test_absurdly_deep_nesting_is_refused(tmp_path):
    depth = 2000
    nested = b"<w:tbl><w:tr><w:tc>" * depth + b"<w:p><w:r><w:t>deep</w:t></w:r></w:p>" + b"</w:tc></w:tr></w:tbl>" * depth
    assert _refusal(tmp_path, lambda data: data.replace(b"<w:body>", b"<w:body>" + nested, 1)).code == "E110"


def test_exotic_xml_encoding_is_refused(tmp_path):
    def declare_utf7(data: bytes) -> bytes:
        rewritten = re.sub(rb"""encoding=(['"])UTF-8\1""", rb"encoding=\1UTF-7\1", data, count=1)
        assert rewritten != data
        return rewritten

    assert _refusal(tmp_path, declare_utf7).code == "E110"


def test_zip_bomb_is_refused(tmp_path):
    plain = _plain_docx(tmp_path)
    bomb = tmp_path / "bomb.docx"
    with zipfile.ZipFile(plain) as original, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as copy:
        for item in original.infolist():
            copy.writestr(item, original.read(item.filename))
        copy.writestr("word/media/padding.bin", b"\0" * (30 * 1024 * 1024))
    assert bomb.stat().st_size < 1024 * 1024
    with pytest.raises(InputError) as error:
        read_file(bomb)
    assert error.value.code == "E110"
    with pytest.raises(InputError) as error:
        read_file(plain, ReadOptions(max_unzipped_bytes=10_000))
    assert error.value.code == "E110"


def test_member_that_lies_about_its_size_is_not_inflated_past_it(tmp_path):
    """A bomb may declare a small size: reading stops there and the CRC check fails (E105)."""
    bomb = tmp_path / "lying.docx"
    with zipfile.ZipFile(_plain_docx(tmp_path)) as original, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as copy:
        for item in original.infolist():
            copy.writestr(item, original.read(item.filename))
        copy.writestr("word/media/padding.bin", b"\0" * (300 * 1024))
    data = bytearray(bomb.read_bytes())
    with zipfile.ZipFile(bomb) as archive:
        info = archive.getinfo("word/media/padding.bin")
    declared = (1000).to_bytes(4, "little")
    data[info.header_offset + 22:info.header_offset + 26] = declared  # local header: uncompressed size
    central = data.rindex(b"PK\x01\x02", 0, data.rindex(b"word/media/padding.bin"))
    data[central + 24:central + 28] = declared  # central directory: uncompressed size
    bomb.write_bytes(bytes(data))
    with zipfile.ZipFile(bomb) as archive:
        assert archive.getinfo("word/media/padding.bin").file_size == 1000
    with pytest.raises(InputError) as error:
        read_file(bomb)
    assert error.value.code == "E105"


def test_corrupt_archives(tmp_path):
    plain = _plain_docx(tmp_path)
    data = plain.read_bytes()
    truncated = tmp_path / "truncated.docx"
    truncated.write_bytes(data[: len(data) // 2])
    with pytest.raises(InputError) as error:
        read_file(truncated)
    assert error.value.code == "E105"

    # Central directory intact, but the compressed bytes of document.xml are damaged.
    with zipfile.ZipFile(plain) as archive:
        info = archive.getinfo("word/document.xml")
    damaged = bytearray(data)
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    for position in range(start, start + min(info.compress_size, 64)):
        damaged[position] ^= 0x5A
    broken = tmp_path / "damaged.docx"
    broken.write_bytes(bytes(damaged))
    with pytest.raises(InputError) as error:
        read_file(broken)
    assert error.value.code == "E105"


@pytest.mark.parametrize("name, labels", [
    ("bonterms_mutual_nda_example_cover_page.docx",
     ["Key Terms", "Purpose", "Effective Date", "Term of NDA", "Confidentiality Period", "Governing Law", "Courts", "Signatures"]),
    ("bonterms_cloud_terms_example_cover_page.docx",
     ["Key Terms", "Overview", "Effective Date", "Governing Law", "Courts", "Initial Order", "Security Measures", "Signatures"]),
])
def test_real_cover_pages(name, labels):
    raw = read_file(corpus_path("standard", name))
    cells = [block.text for block in raw.blocks if block.kind == "table_cell"]
    positions = [cells.index(label) for label in labels]
    assert positions == sorted(positions)
    assert raw.blocks[0].kind == "paragraph" and raw.blocks[0].text.startswith("[Example: Create your own version")
    assert "BONTERMS COMMITTEE DRAFT 4.0 - CONFIDENTIAL" in raw.headers
    assert all("BONTERMS COMMITTEE DRAFT" not in block.text for block in raw.blocks)
    assert cells.count("Signature:") == 2 and cells.count("Date:") == 2
    assert raw.source.pages is None and all(block.page is None for block in raw.blocks)
    assert not raw.warnings
    document = build_document(raw, None)
    assert document.language == "en"
