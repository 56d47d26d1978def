"""Word .docx: paragraphs and tables in reading order, Word numbering rebuilt, changes accepted.

The archive is vetted first (`docx_safety`: zip bombs, DOCTYPE/entity declarations), then
python-docx opens the package and this module reads the body XML itself, because the
text a reviewer must see is not what `paragraph.text` gives:
- tracked changes are read as if accepted: `w:ins`/`w:moveTo` kept, `w:del`/`w:moveFrom`
  dropped, a deleted paragraph mark joins its paragraph to the next (W101 when any exist);
- content controls (`w:sdt`), custom XML and text boxes hold contract text too;
- Word's automatic numbering ("第5条", "2.1", "(a)") lives outside the text: it is rebuilt
  by `docx_numbering` into `Block.number` and never copied into `Block.text`.

Line breaks inside a paragraph (`w:br`, `w:cr`) split it into separate blocks: drafters
use Shift+Enter to put "第1条（目的）" and its text, or items (1) and (2), on separate lines,
and clause detection reads a marker at the start of a block. Only the first piece keeps
the paragraph's number.

Footnotes and endnotes are read after the body, as blocks of their own. An embedded
document (`w:altChunk`) is not read: W134 says so and topics cannot be called absent.
Text a reader cannot see — hidden (`w:vanish`), white without shading, or 1 pt and
smaller — is read, marked in `Block.hidden` and warned about (W132): the engine never
takes it as the only evidence. A part the package links to outside the file (styles,
comments) is never fetched (W133). A Strict Open XML package is read through its
transitional twin (`docx_strict`).

Headers and footers go to `RawDocument.headers`, never into the body. Pages are known only
when Word recorded where it laid them out (`w:lastRenderedPageBreak`); then hard page breaks
count too, and two breaks with no text between them count once. Without rendered breaks
every block has `page=None`.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass, replace
from pathlib import Path

from docx.oxml import parse_xml

from clausecheck.errors import InputError
from clausecheck.model import RawDocument, Source, Warning
from clausecheck.parsers.base import ReadOptions, assemble
from clausecheck.parsers.docx_numbering import NumberingCounter, NumberingDefinitions
from clausecheck.parsers.docx_revisions import read_revisions, rejected_copy
from clausecheck.parsers.docx_safety import check_archive
from clausecheck.parsers.docx_strict import is_strict, transitional_copy

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MC_NS = "http://schemas.openxmlformats.org/markup-compatibility/2006"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
RT_NUMBERING = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering"
RT_COMMENTS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments"
RT_STYLES = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles"
RT_FOOTNOTES = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes"
RT_ENDNOTES = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/endnotes"
WORD_MAIN_CONTENT_TYPES = (
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    "application/vnd.ms-word.document.macroEnabled.main+xml",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml",
    "application/vnd.ms-word.template.macroEnabledTemplate.main+xml",
)


def _w(name: str) -> str:
    return "{%s}%s" % (W_NS, name)


P, TBL, TR, TC = _w("p"), _w("tbl"), _w("tr"), _w("tc")
PPR, RPR, TCPR, TRPR = _w("pPr"), _w("rPr"), _w("tcPr"), _w("trPr")
T, TAB, BR, CR = _w("t"), _w("tab"), _w("br"), _w("cr")
INS, DEL, MOVE_FROM, MOVE_TO = _w("ins"), _w("del"), _w("moveFrom"), _w("moveTo")
SDT, SDT_CONTENT, CUSTOM_XML, SMART_TAG = _w("sdt"), _w("sdtContent"), _w("customXml"), _w("smartTag")
TXBX_CONTENT = _w("txbxContent")
LAST_RENDERED_PAGE_BREAK = _w("lastRenderedPageBreak")
ALTERNATE_CONTENT, MC_CHOICE, MC_FALLBACK = "{%s}AlternateContent" % MC_NS, "{%s}Choice" % MC_NS, "{%s}Fallback" % MC_NS
VAL = _w("val")
R, ALT_CHUNK = _w("r"), _w("altChunk")
# Notes Word writes itself to draw the line above the notes: not text of the contract.
_NOTE_SEPARATORS = {"separator", "continuationSeparator", "continuationNotice"}
HIDDEN_MAX_HALF_POINTS = 2  # w:sz is in half-points: 1 pt and smaller cannot be read on paper

# Subtrees whose text is not part of the accepted document text (or not text at all).
_SKIPPED = {DEL, MOVE_FROM, PPR, RPR, _w("delText"), _w("delInstrText"), _w("instrText"), MC_FALLBACK,
            _w("footnoteReference"), _w("endnoteReference"), _w("commentReference"), _w("fldChar"), _w("sectPr")}
_REVISIONS = tuple(_w(name) for name in (
    "ins", "del", "moveFrom", "moveTo", "rPrChange", "pPrChange", "sectPrChange", "tblPrChange", "trPrChange",
    "tcPrChange", "tblGridChange", "numberingChange", "cellIns", "cellDel", "cellMerge"))
_COMMENT_MARKS = (_w("commentReference"), _w("commentRangeStart"))
_HEADER_REFERENCES = (_w("headerReference"), _w("footerReference"))
_REFERENCE_ORDER = {"first": 0, "default": 1, "even": 2}

# libxml2 messages for its own safety limits (element depth, entity amplification).
_PARSER_LIMITS = ("Excessive depth", "amplification", "xmlParserMaxDepth")
# libxml2 refuses one text node over 10 MB: the file is too large, not damaged.
_SIZE_LIMITS = ("huge text node", "Text node too long", "Huge input lookup", "xmlSAX2Characters")

class _HiddenPiece(str):
    """Text of a run the reader cannot see (see `_run_is_hidden`): still text, but marked."""


_PAGE_BREAK = object()  # marks a page break among a paragraph's text pieces
_LINE_BREAK = object()  # marks a line break: the paragraph is split there


@dataclass(frozen=True)
class StyleInfo:
    """What a paragraph style contributes: its name, heading level and list numbering."""

    name: str
    based_on: str | None
    num_id: str | None
    ilvl: int | None
    outline_level: int | None


def parse(path: Path, source: Source, options: ReadOptions) -> RawDocument:
    check_archive(path, options.max_unzipped_bytes)
    document = _open(path)
    body = document.element.body
    styles = _read_styles(document)
    numbering = _read_numbering(document, styles)
    reader = _BodyReader(styles, numbering, pages_known=_has(body, LAST_RENDERED_PAGE_BREAK))
    reader.hidden_styles = _hidden_styles(document)
    header_parts = _header_parts(document)
    try:
        reader.read_container(rejected_copy(body) if options.changes == "original" else body, in_table=False)
        reader.flush()
        _read_notes(document, styles, reader.pieces)
        headers = _header_texts(header_parts, styles)
    except RecursionError:
        # lxml caps element depth, but tables nested in text boxes in tables still recurse here.
        raise InputError("the document nests tables or text boxes too deeply to read", code="E110", path=str(path)) from None
    warnings = []
    revisions = _count(body, _REVISIONS) + sum(_count(part.element, _REVISIONS) for part in header_parts)
    if revisions:
        reading = "as before all of them (--changes original)" if options.changes == "original" else "as if all were accepted"
        warnings.append(Warning("W101", f"{revisions} tracked change(s) present: the text is read {reading}"))
    comments = _comment_count(document, body)
    if comments:
        warnings.append(Warning("W107", f"{comments} comment(s) in the document were ignored"))
    warnings.extend(_unread_content_warnings(document, body, reader.pieces))

    characters = sum(len(piece["text"]) for piece in reader.pieces)
    if characters > options.max_chars:
        raise InputError(f"text of {characters:,} characters is over the limit of {options.max_chars:,}", code="E109", path=str(path))
    if not any(piece["text"].strip() for piece in reader.pieces):
        raise InputError("the document holds no text", code="E102", path=str(path))
    pages = reader.page if reader.pages_known else None
    source = Source(source.path, "docx", source.sha256, pages, source.size)
    raw = assemble(source, reader.pieces, warnings, headers)
    return replace(raw, changes=read_revisions(body) if revisions else (), changes_view=options.changes)


def _open(path: Path):
    """The python-docx Document of `path`, also for macro-enabled files and templates.

    python-docx only knows the .docx main-part content type; .docm, .dotx and .dotm hold the
    same WordprocessingML, so their content types are mapped to the same part class (their
    macros are never run: only XML is read).
    """
    from docx.opc.exceptions import PackageNotFoundError
    from docx.opc.part import PartFactory
    from docx.package import Package
    from docx.parts.document import DocumentPart

    for content_type in WORD_MAIN_CONTENT_TYPES:
        PartFactory.part_type_for.setdefault(content_type, DocumentPart)
    try:
        package = transitional_copy(path) if is_strict(path) else str(path)
        part = Package.open(package).main_document_part
    except PackageNotFoundError as exc:
        raise InputError(f"not a readable Word package: {exc}", code="E105", path=str(path)) from None
    except (KeyError, ValueError, AttributeError, SyntaxError, zipfile.BadZipFile) as exc:
        # lxml's XMLSyntaxError is a SyntaxError; a missing part is a KeyError.
        if any(limit in str(exc) for limit in _PARSER_LIMITS):
            raise InputError(f"unsafe XML refused by the parser's limits: {exc}", code="E110", path=str(path)) from None
        if any(limit in str(exc) for limit in _SIZE_LIMITS):
            raise InputError(f"a piece of text in the document is too large to read ({exc})", code="E109", path=str(path)) from None
        raise InputError(f"the Word document is damaged: {type(exc).__name__}: {exc}", code="E105", path=str(path)) from None
    if part.content_type not in WORD_MAIN_CONTENT_TYPES or not isinstance(part, DocumentPart):
        raise InputError(f"the package's main part is not a Word document ({part.content_type})", code="E103", path=str(path))
    if part.element.tag != _w("document"):
        raise InputError("this is a Strict Open XML document, which cannot be read: save it as a Word Document (.docx)",
                         code="E103", path=str(path))
    return part.document


def _has(element, tag: str) -> bool:
    return next(element.iter(tag), None) is not None


def _count(element, tags: tuple[str, ...]) -> int:
    return sum(1 for _ in element.iter(*tags))


def _related_part(part, reltype: str):
    """The part related by `reltype`, without python-docx creating one when it is missing."""
    for rel in part.rels.values():
        if rel.reltype == reltype and not rel.is_external:
            return rel.target_part
    return None


def _read_styles(document) -> dict[str, StyleInfo]:
    from docx.styles import BabelFish

    styles: dict[str, StyleInfo] = {}
    part = _related_part(document.part, RT_STYLES)
    if part is None or not hasattr(part, "element"):
        return styles  # no styles part, or one outside the file (never fetched: W133)
    for style in part.element.iter(_w("style")):
        if style.get(_w("type")) not in (None, "paragraph", "numbering"):
            continue
        style_id = style.get(_w("styleId"))
        if style_id is None:
            continue
        name_element = style.find(_w("name"))
        name = name_element.get(VAL) if name_element is not None else style_id
        ppr = style.find(PPR)
        num_pr = ppr.find(_w("numPr")) if ppr is not None else None
        num_id = _child_val(num_pr, "numId")
        ilvl = _child_val(num_pr, "ilvl")
        outline = _child_val(ppr, "outlineLvl")
        based_on = style.find(_w("basedOn"))
        styles[style_id] = StyleInfo(
            name=BabelFish.internal2ui(name or style_id),
            based_on=based_on.get(VAL) if based_on is not None else None,
            num_id=num_id,
            ilvl=int(ilvl) if ilvl and ilvl.isdigit() else None,
            outline_level=int(outline) if outline and outline.isdigit() else None,
        )
    default = next((s.get(_w("styleId")) for s in part.element.iter(_w("style"))
                    if s.get(_w("type")) == "paragraph" and s.get(_w("default")) in ("1", "true", "on")), None)
    if default and default in styles:
        styles[""] = styles[default]  # paragraphs without w:pStyle use the default style
    return styles


def _read_numbering(document, styles: dict[str, StyleInfo]) -> NumberingCounter:
    part = _related_part(document.part, RT_NUMBERING)
    definitions = NumberingDefinitions.from_element(part.element if part is not None else None)
    style_num_ids = {style_id: info.num_id for style_id, info in styles.items() if info.num_id}
    return NumberingCounter(definitions, style_num_ids)


def _switched_on(element, name: str) -> bool:
    """A Word on/off property: present without w:val, or with a true value."""
    child = element.find(_w(name)) if element is not None else None
    return child is not None and child.get(VAL, "true") not in ("0", "false", "off")


def _child_val(element, name: str) -> str | None:
    if element is None:
        return None
    child = element.find(_w(name))
    return None if child is None else child.get(VAL)


class _BodyReader:
    """Walks block content in document order and collects block dicts for `assemble`."""

    def __init__(self, styles: dict[str, StyleInfo], numbering: NumberingCounter | None, pages_known: bool):
        self.styles = styles
        self.numbering = numbering
        self.pages_known = pages_known
        self.page = 1
        self.page_pending = False
        self.pieces: list[dict] = []
        self.carried_text = ""  # text of a paragraph whose mark was deleted: joins the next one
        self.shaded_cells = 0  # open table cells with a fill: white text on them is visible
        self.hidden_styles: frozenset[str] = frozenset()  # style ids that hide their text (w:vanish)

    def read_container(self, container, in_table: bool) -> None:
        for child in container:
            tag = child.tag
            if tag == P:
                self.read_paragraph(child, in_table)
            elif tag == TBL:
                self.read_table(child)
            elif tag == SDT:
                content = child.find(SDT_CONTENT)
                if content is not None:
                    self.read_container(content, in_table)
            elif tag in (CUSTOM_XML, INS, MOVE_TO, SMART_TAG):
                self.read_container(child, in_table)
            elif tag == ALTERNATE_CONTENT:
                choice = child.find(MC_CHOICE)
                if choice is not None:
                    self.read_container(choice, in_table)

    def read_table(self, table) -> None:
        for row in _rows(table):
            properties = row.find(TRPR)
            if properties is not None and properties.find(DEL) is not None:
                continue  # a deleted row: gone once changes are accepted
            for cell in _cells(row):
                cell_properties = cell.find(TCPR)
                if cell_properties is not None and _continues_merge(cell_properties):
                    continue  # merged cells are read once, from the cell that starts the merge
                shaded = _has_fill(cell_properties)
                self.shaded_cells += shaded
                self.read_container(cell, in_table=True)
                self.shaded_cells -= shaded

    def read_paragraph(self, paragraph, in_table: bool) -> None:
        properties = paragraph.find(PPR)
        style_id = _child_val(properties, "pStyle") or ""
        style = self._style(style_id)
        if _switched_on(properties, "pageBreakBefore"):
            self._page_break()
        text_boxes: list = []
        segments = self._segments(paragraph, text_boxes, shaded=bool(self.shaded_cells) or _has_fill(properties),
                                  paragraph_hidden=style_id in self.hidden_styles)
        mark = properties.find(RPR) if properties is not None else None
        mark_deleted = mark is not None and (mark.find(DEL) is not None or mark.find(MOVE_FROM) is not None)
        if mark_deleted:
            # Accepting the deletion of a paragraph mark joins this text to the next paragraph.
            self.carried_text += "".join(text for text, _page, _hidden in segments)
            for box in text_boxes:
                self.read_container(box, in_table)
            return
        if self.carried_text:
            first_page = segments[0][1] if segments else self._current_page()
            carried = len(self.carried_text)
            first_hidden = tuple((start + carried, end + carried) for start, end in segments[0][2]) if segments else ()
            segments = [(self.carried_text + (segments[0][0] if segments else ""), first_page, first_hidden)] + segments[1:]
            self.carried_text = ""
        label = self._number(properties, style_id, style)
        kind, level = self._kind(properties, style_id, style, label, in_table)
        number = label.label if label is not None else None
        for position, (text, page, hidden) in enumerate(segments):
            stripped = text.strip()
            self.pieces.append({
                "text": stripped,
                "hidden": _shift_spans(hidden, len(text) - len(text.lstrip()), len(stripped)),
                "kind": kind,
                "page": page,
                "number": number if position == 0 else None,
                "style": style.name if style else None,
                "level": level,
            })
        for box in text_boxes:
            self.read_container(box, in_table)

    def flush(self) -> None:
        if self.carried_text.strip():
            self.pieces.append({"text": self.carried_text.strip(), "kind": "paragraph", "page": self._current_page()})
        self.carried_text = ""

    def _style(self, style_id: str) -> StyleInfo | None:
        return self.styles.get(style_id) or self.styles.get("")

    def _style_chain(self, style_id: str):
        seen = set()
        info = self._style(style_id)
        while info is not None and style_id not in seen:
            seen.add(style_id)
            yield style_id, info
            style_id = info.based_on or ""
            info = self.styles.get(style_id) if style_id else None

    def _number(self, properties, style_id: str, style: StyleInfo | None):
        if self.numbering is None:
            return None
        num_pr = properties.find(_w("numPr")) if properties is not None else None
        num_id = _child_val(num_pr, "numId")
        ilvl_text = _child_val(num_pr, "ilvl")
        ilvl = int(ilvl_text) if ilvl_text and ilvl_text.isdigit() else None
        numbering_style = None
        if num_id is None or ilvl is None:
            for chain_id, info in self._style_chain(style_id):
                if num_id is None and info.num_id is not None:
                    num_id, numbering_style = info.num_id, chain_id
                if ilvl is None and info.ilvl is not None and (numbering_style is None or numbering_style == chain_id):
                    ilvl = info.ilvl
                if num_id is not None and ilvl is not None:
                    break
        if num_id is None:
            return None
        if ilvl is None:
            ilvl = self._level_for_style(num_id, numbering_style) if numbering_style else 0
        return self.numbering.advance(num_id, ilvl)

    def _level_for_style(self, num_id: str, style_id: str) -> int:
        """The level whose w:pStyle names the paragraph's style (styles linked to list levels)."""
        definitions = self.numbering.definitions
        abstract_id = definitions.resolve_abstract(num_id, self.numbering.style_num_ids)
        for ilvl, level in definitions.abstracts.get(abstract_id or "", {}).items():
            if level.paragraph_style == style_id:
                return ilvl
        return 0

    def _kind(self, properties, style_id: str, style: StyleInfo | None, label, in_table: bool) -> tuple[str, int | None]:
        """Block kind and level: headings by outline level or Heading/Title style, then lists."""
        outline = _child_val(properties, "outlineLvl")
        heading_level = int(outline) + 1 if outline and outline.isdigit() and int(outline) < 9 else None
        name = style.name if style else ""
        if heading_level is None and style is not None:
            if name.startswith("Heading ") and name[8:].isdigit():
                heading_level = int(name[8:])
            elif name in ("Title", "Subtitle"):
                heading_level = 0
            else:
                heading_level = next((info.outline_level + 1 for _id, info in self._style_chain(style_id)
                                      if info.outline_level is not None and info.outline_level < 9), None)
        list_level = label.ilvl + 1 if label is not None else None
        if in_table:
            return "table_cell", list_level
        if heading_level is not None:
            return "heading", heading_level or None
        if label is not None:
            return "list_item", list_level
        return "paragraph", None

    def _segments(self, paragraph, text_boxes: list, shaded: bool, paragraph_hidden: bool = False) -> list[tuple[str, int | None, tuple[tuple[int, int], ...]]]:
        """The paragraph's accepted text, split at line breaks, each piece with its page and
        the spans of its hidden text (`shaded`: the paragraph has a fill behind it;
        `paragraph_hidden`: its style hides its text)."""
        pieces: list = []
        _collect(paragraph, pieces, text_boxes, shaded, (self.hidden_styles, paragraph_hidden))
        segments: list[tuple[str, int | None, tuple[tuple[int, int], ...]]] = []
        current: list[str] = []
        hidden: list[tuple[int, int]] = []
        length = 0
        current_page = None
        for piece in pieces:
            if piece is _PAGE_BREAK:
                self._page_break()
            elif piece is _LINE_BREAK:
                if current:
                    segments.append(("".join(current), current_page, tuple(hidden)))
                current, hidden, length, current_page = [], [], 0, None
            else:
                if piece.strip() and current_page is None:
                    current_page = self._current_page()
                if isinstance(piece, _HiddenPiece) and piece.strip():
                    if hidden and hidden[-1][1] == length:
                        hidden[-1] = (hidden[-1][0], length + len(piece))  # one span for adjoining runs
                    else:
                        hidden.append((length, length + len(piece)))
                current.append(piece)
                length += len(piece)
        if current:
            segments.append(("".join(current), current_page, tuple(hidden)))
        return [segment for segment in segments if segment[0].strip()]

    def _page_break(self) -> None:
        self.page_pending = True

    def _current_page(self) -> int | None:
        if self.page_pending:
            self.page += 1  # text after one or more breaks starts the next page
            self.page_pending = False
        return self.page if self.pages_known else None


def _children_through_wrappers(element, tag):
    """Children with `tag`, looking through content controls and custom XML that wrap them."""
    for child in element:
        if child.tag == tag:
            yield child
        elif child.tag in (SDT, CUSTOM_XML):
            container = child.find(SDT_CONTENT) if child.tag == SDT else child
            if container is not None:
                yield from _children_through_wrappers(container, tag)


def _rows(table):
    return _children_through_wrappers(table, TR)


def _cells(row):
    return _children_through_wrappers(row, TC)


def _continues_merge(cell_properties) -> bool:
    for name in ("vMerge", "hMerge"):
        merge = cell_properties.find(_w(name))
        if merge is not None and merge.get(VAL, "continue") != "restart":
            return True
    return False


def _collect(element, pieces: list, text_boxes: list, shaded: bool = False, styles_hide: tuple[frozenset[str], bool] = (frozenset(), False)) -> None:
    """Text pieces of a paragraph's runs in order, with page and line break markers."""
    for child in element:
        tag = child.tag
        if not isinstance(tag, str) or tag in _SKIPPED:
            continue  # comments and processing instructions have no string tag
        if tag == R and (_run_is_hidden(child.find(RPR), shaded) or _style_hides(child.find(RPR), *styles_hide)):
            run_pieces: list = []
            _collect(child, run_pieces, text_boxes, shaded)
            pieces.extend(_HiddenPiece(piece) if isinstance(piece, str) else piece for piece in run_pieces)
        elif tag == T:
            pieces.append(child.text or "")
        elif tag == TAB:
            pieces.append("\t")
        elif tag == BR:
            if child.get(_w("type")) == "page":
                pieces.append(_PAGE_BREAK)
            pieces.append(_LINE_BREAK)
        elif tag == CR:
            pieces.append(_LINE_BREAK)
        elif tag == LAST_RENDERED_PAGE_BREAK:
            pieces.append(_PAGE_BREAK)
        elif tag == _w("noBreakHyphen"):
            pieces.append("-")
        elif tag == _w("softHyphen"):
            continue
        elif tag == _w("sym"):
            pieces.append(_symbol(child))
        elif tag == TXBX_CONTENT:
            text_boxes.append(child)  # a text box's paragraphs become blocks of their own
        elif tag == P:
            continue  # paragraphs nested in runs only occur inside text boxes (handled above)
        else:
            _collect(child, pieces, text_boxes, shaded, styles_hide)


def _has_fill(properties) -> bool:
    """True when paragraph or cell properties put a coloured fill behind the text."""
    shading = properties.find(_w("shd")) if properties is not None else None
    return shading is not None and (shading.get(_w("fill")) or "auto").upper() not in ("AUTO", "FFFFFF")


def _run_is_hidden(properties, shaded: bool = False) -> bool:
    """True for a run a reader of the page cannot see: hidden (w:vanish), white with no fill
    behind it (run, paragraph or cell shading, highlight), or 1 pt and smaller. The run's
    direct formatting is looked at, not its styles'."""
    if properties is None:
        return False
    if _switched_on(properties, "vanish") or _switched_on(properties, "specVanish"):
        return True
    size = _child_val(properties, "sz")
    if size and size.isdigit() and int(size) <= HIDDEN_MAX_HALF_POINTS:
        return True
    color = (_child_val(properties, "color") or "").upper()
    if color == "FFFFFF" and not shaded:
        shading = properties.find(_w("shd"))
        fill = (shading.get(_w("fill")) or "auto").upper() if shading is not None else "AUTO"
        highlight = _child_val(properties, "highlight") or "none"
        return fill in ("AUTO", "FFFFFF") and highlight in ("none", "white")
    return False


def _style_hides(properties, hidden_styles: frozenset[str], paragraph_hidden: bool) -> bool:
    """True when a run's character style, or else its paragraph's style, hides it (w:vanish)
    and the run's own formatting does not say otherwise."""
    if properties is not None and properties.find(_w("vanish")) is not None:
        return False  # direct formatting wins: switched on, `_run_is_hidden` already said so
    style = _child_val(properties, "rStyle")
    return (style is not None and style in hidden_styles) or paragraph_hidden


def _hidden_styles(document) -> frozenset[str]:
    """Ids of the styles (character or paragraph) whose run properties, through `w:basedOn`,
    switch w:vanish on: Word hides the text of every run that uses them."""
    part = _related_part(document.part, RT_STYLES)
    if part is None or not hasattr(part, "element"):
        return frozenset()
    own: dict[str, tuple[bool | None, str | None]] = {}
    for style in part.element.iter(_w("style")):
        style_id = style.get(_w("styleId"))
        if style_id is None:
            continue
        run_properties = style.find(RPR)
        vanish = run_properties.find(_w("vanish")) if run_properties is not None else None
        based_on = style.find(_w("basedOn"))
        own[style_id] = (None if vanish is None else _switched_on(run_properties, "vanish"), based_on.get(VAL) if based_on is not None else None)
    hidden = set()
    for style_id in own:
        seen, current = set(), style_id
        while current in own and current not in seen:  # the first style in the chain that says wins
            seen.add(current)
            vanish, based_on = own[current]
            if vanish is not None:
                if vanish:
                    hidden.add(style_id)
                break
            current = based_on
    return frozenset(hidden)


def _shift_spans(spans: tuple[tuple[int, int], ...], shift: int, length: int) -> tuple[tuple[int, int], ...]:
    """Spans moved left by `shift` (the white space stripped before the text), kept inside it."""
    moved = ((max(start - shift, 0), min(end - shift, length)) for start, end in spans)
    return tuple((start, end) for start, end in moved if end > start)


def _read_notes(document, styles: dict[str, StyleInfo], pieces: list[dict]) -> None:
    """Footnotes, then endnotes, appended after the body as paragraphs of their own."""
    for reltype in (RT_FOOTNOTES, RT_ENDNOTES):
        part = _related_part(document.part, reltype)
        if part is None:
            continue
        element = part.element if hasattr(part, "element") else parse_xml(part.blob)
        reader = _BodyReader(styles, None, pages_known=False)
        reader.hidden_styles = _hidden_styles(document)
        for note in element:
            if note.tag in (_w("footnote"), _w("endnote")) and note.get(_w("type")) not in _NOTE_SEPARATORS:
                reader.read_container(note, in_table=False)
        reader.flush()
        pieces.extend(reader.pieces)


def _unread_content_warnings(document, body, pieces: list[dict]) -> list[Warning]:
    """W132 hidden text read, W133 parts outside the file, W134 embedded documents not read."""
    warnings = []
    hidden = sum(end - start for piece in pieces for start, end in piece.get("hidden", ()))
    if hidden:
        warnings.append(Warning("W132", f"{hidden:,} character(s) of hidden text (hidden, white or 1 pt and smaller) were read but are never the only evidence of a finding"))
    external = sorted({rel.reltype.rsplit("/", 1)[-1] for rel in document.part.rels.values()
                       if rel.is_external and rel.reltype.rsplit("/", 1)[-1] in _TEXT_PART_TYPES})
    if external:
        warnings.append(Warning("W133", f"the document links to part(s) outside the file ({', '.join(external)}): never fetched, read without them"))
    chunks = _count(body, (ALT_CHUNK,))
    if chunks:
        warnings.append(Warning("W134", f"{chunks} embedded document(s) (altChunk) were not read: their text is missing from this review"))
    return warnings


# Relationship types whose parts hold text or its formatting (a linked image or hyperlink is normal).
_TEXT_PART_TYPES = {"styles", "comments", "numbering", "footnotes", "endnotes", "header", "footer", "subDocument", "aFChunk", "settings", "glossaryDocument"}


def _symbol(element) -> str:
    """A `w:sym` character; symbol-font code points (U+F0xx) have no Unicode meaning: dropped."""
    try:
        code = int(element.get(_w("char"), ""), 16)
    except ValueError:
        return ""
    if 0xE000 <= code <= 0xF8FF or code < 0x20:
        return ""
    return chr(code)


def _header_parts(document) -> list:
    """Header and footer parts in section order (first, default, even page; headers then footers)."""
    parts = []
    seen = set()
    body = document.element.body
    for section in body.iter(_w("sectPr")):
        if section.getparent().tag not in (body.tag, PPR) or section.getparent().getparent().tag == _w("pPrChange"):
            continue  # section properties before a tracked change are not the document's own
        references = [ref for ref in section if ref.tag in _HEADER_REFERENCES]
        references.sort(key=lambda ref: (ref.tag != _HEADER_REFERENCES[0], _REFERENCE_ORDER.get(ref.get(_w("type")), 1)))
        for reference in references:
            rel_id = reference.get("{%s}id" % R_NS)
            part = document.part.related_parts.get(rel_id) if rel_id else None
            if part is None or id(part) in seen or not hasattr(part, "element"):
                continue
            seen.add(id(part))
            parts.append(part)
    return parts


def _header_texts(parts: list, styles: dict[str, StyleInfo]) -> list[str]:
    texts: list[str] = []
    for part in parts:
        reader = _BodyReader(styles, None, pages_known=False)
        reader.read_container(part.element, in_table=False)
        reader.flush()
        for piece in reader.pieces:
            text = piece["text"].strip()
            if text and text not in texts:
                texts.append(text)
    return texts


def _comment_count(document, body) -> int:
    """Comments in the comments part, or else the distinct comments anchored in the body."""
    part = _related_part(document.part, RT_COMMENTS)
    in_part = _count(part.element, (_w("comment"),)) if part is not None and hasattr(part, "element") else 0
    anchored = {mark.get(_w("id")) for mark in body.iter(*_COMMENT_MARKS)}
    return in_part or len(anchored)
