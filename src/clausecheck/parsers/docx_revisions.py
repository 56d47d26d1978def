"""Tracked changes of a Word body: the list of revisions, and the body as it was before them.

python-docx does not model revisions (`w:ins`, `w:del`, `w:moveFrom`, `w:moveTo`), so they
are read here from the body XML that `docx.py` has already opened through its safety checks
(`docx_safety`: no DOCTYPE, bounded sizes). Two jobs, both pure functions of that XML:

- `read_revisions`: every insertion, deletion and move with its author and date, in document
  order, including those inside tables, content controls, custom XML and text boxes. A
  deletion followed directly by an insertion (what Word writes when a reviewer types over
  words) is one replacement. Each revision carries the words before it on its line, in the
  accepted and in the original reading, so that structure can place it in `Document.text`.
- `rejected_copy`: a copy of the body with every change rejected, which the ordinary body
  reader turns into the original text (`--changes original`).
"""

from __future__ import annotations

import copy

from clausecheck.model import TrackedChange

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _w(name: str) -> str:
    return "{%s}%s" % (W_NS, name)


P, R, T, DEL_TEXT = _w("p"), _w("r"), _w("t"), _w("delText")
INS, DEL, MOVE_FROM, MOVE_TO = _w("ins"), _w("del"), _w("moveFrom"), _w("moveTo")
PPR, RPR, TRPR = _w("pPr"), _w("rPr"), _w("trPr")
TAB, BR, CR, TXBX_CONTENT = _w("tab"), _w("br"), _w("cr"), _w("txbxContent")
AUTHOR, DATE = _w("author"), _w("date")
MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
# Revision containers whose text is new in the draft, and those whose text the draft removes.
_ADDED = (INS, MOVE_TO)
_REMOVED = (DEL, MOVE_FROM)
# Elements that carry no document text (properties, field codes, references).
_NOT_TEXT = {PPR, RPR, _w("instrText"), _w("delInstrText"), _w("fldChar"), _w("footnoteReference"),
             _w("endnoteReference"), _w("commentReference"), _w("sectPr"), MC_FALLBACK}
PREFIX_CHARS = 40  # words before a change kept to place it; enough to be unique in a clause
MAX_REVISIONS = 20_000  # a body with more is read, but only this many are listed


def read_revisions(body) -> tuple[TrackedChange, ...]:
    """Every text revision of the body in document order (paragraphs of text boxes included)."""
    changes: list[TrackedChange] = []
    for paragraph in body.iter(P):
        if len(changes) >= MAX_REVISIONS:
            break
        if next(paragraph.iterancestors(MC_FALLBACK), None) is not None:
            continue  # a text box's fallback copy (VML): the body reader reads the Choice only
        changes.extend(_paragraph_revisions(paragraph))
    return tuple(changes[:MAX_REVISIONS])


def _paragraph_revisions(paragraph) -> list[TrackedChange]:
    """The revisions of one paragraph, with the text before each on its line (both readings)."""
    pieces: list[tuple[str | None, object, str]] = []  # (state, revision element, text)
    _walk(paragraph, None, None, pieces)
    accepted_line, original_line = "", ""
    found: list[dict] = []
    pending: dict | None = None  # a deletion that an insertion right after may complete

    def close() -> None:
        nonlocal pending
        if pending is not None:
            found.append(pending)
            pending = None

    for position, (state, element, text) in enumerate(pieces):
        if pending is not None and state is not None:
            pending["end"] = position + 1
        if state is None:
            if text:
                close()
            accepted_line, original_line = _advance(accepted_line, text), _advance(original_line, text)
            continue
        author = element.get(AUTHOR) or None
        date = element.get(DATE) or None
        moved = element.tag in (MOVE_FROM, MOVE_TO)
        if state == "removed":
            if pending is not None and pending["kind"] != "replacement" and pending["author"] == author and not moved:
                pending["before"] += text  # one deletion written as several runs
            else:
                close()
                pending = {"kind": "move" if moved else "deletion", "author": author, "date": date,
                           "before": text, "after": "", "accepted_prefix": accepted_line[-PREFIX_CHARS:],
                           "original_prefix": original_line[-PREFIX_CHARS:], "end": position + 1}
            original_line = _advance(original_line, text)
        else:
            if pending is not None and pending["author"] == author and not moved and pending["kind"] in ("deletion", "replacement"):
                pending["kind"] = "replacement"
                pending["after"] += text
            elif pending is not None and pending["kind"] == "insertion" and pending["author"] == author and not moved:
                pending["after"] += text
            else:
                close()
                pending = {"kind": "move" if moved else "insertion", "author": author, "date": date,
                           "before": "", "after": text, "accepted_prefix": accepted_line[-PREFIX_CHARS:],
                           "original_prefix": original_line[-PREFIX_CHARS:], "end": position + 1}
            accepted_line = _advance(accepted_line, text)
    close()
    return [change for change in _with_suffixes(found, pieces) if (change.before + change.after).strip()]


def _with_suffixes(found: list[dict], pieces: list) -> list[TrackedChange]:
    """The changes with the words after each on its line, in both readings (to place deletions)."""
    changes = []
    for change in found:
        accepted, original = "", ""
        for state, _element, text in pieces[change.pop("end"):]:
            if state != "removed":
                accepted += text
            if state != "added":
                original += text
            if len(accepted) > PREFIX_CHARS and len(original) > PREFIX_CHARS:
                break
        change["accepted_suffix"] = accepted.split("\n", 1)[0][:PREFIX_CHARS]
        change["original_suffix"] = original.split("\n", 1)[0][:PREFIX_CHARS]
        changes.append(TrackedChange(**change))
    return changes


def _advance(line: str, text: str) -> str:
    """The current line after `text`: a line break starts a new one (blocks split there)."""
    if "\n" in text:
        return text.rsplit("\n", 1)[1].lstrip()
    return (line + text).lstrip()


def _walk(element, state: str | None, revision, pieces: list) -> None:
    """Text pieces of one paragraph with the revision (if any) each belongs to."""
    for child in element:
        tag = child.tag
        if not isinstance(tag, str) or tag in _NOT_TEXT or tag == TXBX_CONTENT or tag == P:
            continue  # a text box's paragraphs are read as paragraphs of their own
        if tag in _ADDED:
            _walk(child, "added", child, pieces)
        elif tag in _REMOVED:
            _walk(child, "removed", child, pieces)
        elif tag in (T, DEL_TEXT):
            pieces.append((state, revision, child.text or ""))
        elif tag == TAB:
            pieces.append((state, revision, "\t"))
        elif tag in (BR, CR):
            pieces.append((state, revision, "\n"))
        else:
            _walk(child, state, revision, pieces)


def rejected_copy(body):
    """A copy of `body` with every tracked change rejected: the draft as it was before them."""
    original = copy.deepcopy(body)
    for element in list(original.iter(*_REMOVED)):
        parent = element.getparent()
        if parent is None:
            continue
        if parent.tag in (RPR, TRPR):
            parent.remove(element)  # a deleted paragraph mark or row was there before
            continue
        position = parent.index(element)
        for offset, child in enumerate(list(element)):
            parent.insert(position + offset, child)
        parent.remove(element)
    for element in list(original.iter(*_ADDED)):
        parent = element.getparent()
        if parent is None:
            continue
        if parent.tag == RPR and parent.getparent() is not None and parent.getparent().tag == PPR:
            # An inserted paragraph mark: without it the paragraph joins the next one,
            # which the body reader does for a deleted mark.
            element.tag = DEL
        elif parent.tag == TRPR:
            row = parent.getparent()
            if row is not None and row.getparent() is not None:
                row.getparent().remove(row)  # an inserted table row did not exist
        elif parent.tag == RPR:
            parent.remove(element)  # a run-property marker: formatting only
        else:
            parent.remove(element)
    for deleted_text in list(original.iter(DEL_TEXT, _w("delInstrText"))):
        deleted_text.tag = T if deleted_text.tag == DEL_TEXT else _w("instrText")
    return original
