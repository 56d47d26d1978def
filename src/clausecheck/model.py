"""The document model and the report model: frozen dataclasses shared by every stage.

Parsers produce `RawDocument` (blocks only); structure turns it into a `Document`
(clauses, parties, definitions); the engine reads a `Document` and returns a `Report`.
Nothing downstream mutates what an upstream stage produced.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

BlockKind = Literal["paragraph", "heading", "table_cell", "list_item"]
Severity = Literal["high", "medium", "low", "info"]
FindingKind = Literal["missing", "risk", "note", "lint"]
TopicStatus = Literal["present", "absent", "uncertain"]

SEVERITY_ORDER: dict[str, int] = {"high": 3, "medium": 2, "low": 1, "info": 0}
# `Block.style` of a block holding text no reader of the page sees (never the only evidence).
HIDDEN_STYLE = "hidden-text"
# Mean OCR word confidence (W124 `confidence`) below which a page's words are not trusted alone.
LOW_CONFIDENCE = 80.0


@dataclass(frozen=True)
class Warning:
    """Something that limits how far the review can be trusted (coded, shown in every output)."""

    code: str
    message: str
    pages: tuple[int, ...] = ()
    confidence: float | None = None  # W124: the OCR'd page's mean word confidence, 0-100

    def as_dict(self) -> dict:
        out = {"code": self.code, "message": self.message}
        if self.pages:
            out["pages"] = list(self.pages)
        if self.confidence is not None:
            out["confidence"] = self.confidence
        return out


@dataclass(frozen=True)
class Block:
    """One paragraph, heading, list item or table cell, in reading order.

    `start`/`end` are offsets into `Document.text`; `number` is the rebuilt list or clause
    number where the format carried one outside the text (Word auto-numbering).
    """

    text: str
    kind: BlockKind = "paragraph"
    page: int | None = None
    index: int = 0
    number: str | None = None
    style: str | None = None
    start: int = 0
    end: int = 0
    level: int | None = None
    # Spans of `text` (offsets within it) a reader of the page cannot see: Word's hidden,
    # white or 1 pt text. Read, but never the only evidence of a finding (engine/hidden.py).
    hidden: tuple[tuple[int, int], ...] = ()


@dataclass(frozen=True)
class Source:
    path: str
    format: str
    sha256: str
    pages: int | None = None
    size: int = 0


@dataclass(frozen=True)
class TrackedChange:
    """A Word revision as the parser read it: what was removed and added, by whom, and when.

    `kind` is insertion | deletion | replacement (a deletion and the insertion typed over
    it) | move (`before` set where the text left, `after` where it arrived). The prefixes are
    the words before the change on its line, the suffixes those after it, in the accepted and
    the original reading.
    """

    kind: str
    author: str | None
    date: str | None
    before: str
    after: str
    accepted_prefix: str = ""
    original_prefix: str = ""
    accepted_suffix: str = ""
    original_suffix: str = ""


@dataclass(frozen=True)
class Change:
    """A tracked change placed in `Document.text` (the text the rules read) and its clause."""

    id: str
    kind: str
    author: str | None
    date: str | None
    before: str
    after: str
    clause: str | None
    start: int  # the changed words in Document.text; start == end where they are not in it
    end: int
    block: int | None = None

    def as_dict(self) -> dict:
        return {"id": self.id, "kind": self.kind, "clause": self.clause, "author": self.author, "date": self.date,
                "before": self.before, "after": self.after, "start": self.start, "end": self.end, "block": self.block}


@dataclass(frozen=True)
class RawDocument:
    """What a parser hands to structure: blocks and the file's own facts, nothing inferred."""

    source: Source
    blocks: tuple[Block, ...]
    warnings: tuple[Warning, ...] = ()
    headers: tuple[str, ...] = ()  # running headers/footers, kept apart from the body
    changes: tuple[TrackedChange, ...] = ()  # tracked changes of a .docx, in document order
    changes_view: str = "accepted"  # which reading `blocks` hold: accepted | original


@dataclass(frozen=True)
class Clause:
    """A numbered (or headed) unit of the contract with its sub-clauses (項, 号, (a), (i))."""

    number: str | None
    heading: str | None
    text: str  # the clause's own text, including its children, as in Document.text[start:end]
    start: int
    end: int
    level: int
    page: int | None
    block_indexes: tuple[int, ...]
    children: tuple["Clause", ...] = ()
    language: str | None = None
    kind: str = "clause"  # clause | preamble | recital | schedule | signature | toc

    def walk(self):
        yield self
        for child in self.children:
            yield from child.walk()

    def label(self) -> str:
        return self.number or self.heading or self.kind

    def as_dict(self) -> dict:
        return {
            "number": self.number,
            "heading": self.heading,
            "page": self.page,
            "kind": self.kind,
            "language": self.language,
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "children": [c.as_dict() for c in self.children],
        }


@dataclass(frozen=True)
class Party:
    id: str  # "A", "B", ...
    names: tuple[str, ...]
    aliases: tuple[str, ...]
    role: str | None = None

    @property
    def all_names(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(self.aliases + self.names))

    def as_dict(self) -> dict:
        return {"id": self.id, "aliases": list(self.all_names), "role": self.role}


@dataclass(frozen=True)
class Definition:
    term: str
    text: str
    start: int
    end: int
    clause: str | None = None

    def as_dict(self) -> dict:
        return {"term": self.term, "text": self.text, "clause": self.clause}


@dataclass(frozen=True)
class Document:
    source: Source
    text: str
    blocks: tuple[Block, ...]
    clauses: tuple[Clause, ...]
    language: str
    title: str | None
    parties: tuple[Party, ...]
    definitions: tuple[Definition, ...]
    warnings: tuple[Warning, ...]
    effective_date: str | None = None
    headers: tuple[str, ...] = ()
    changes: tuple[Change, ...] = ()  # tracked changes, placed in `text`
    changes_view: str = "accepted"  # `text` reads the changes as accepted, or the original

    def all_clauses(self):
        for clause in self.clauses:
            yield from clause.walk()

    def leaf_clauses(self):
        """Clauses with no children: each character of the body belongs to exactly one."""
        for clause in self.all_clauses():
            if not clause.children:
                yield clause

    def clause_at(self, offset: int) -> Clause | None:
        """The deepest clause containing `offset`."""
        found = None
        for clause in self.all_clauses():
            if clause.start <= offset < clause.end:
                found = clause
        return found

    def top_clause_at(self, offset: int) -> Clause | None:
        for clause in self.clauses:
            if clause.start <= offset < clause.end:
                return clause
        return None

    def block_at(self, offset: int) -> Block | None:
        for block in self.blocks:
            if block.start <= offset < block.end:
                return block
        return None

    def page_at(self, offset: int) -> int | None:
        block = self.block_at(offset)
        return block.page if block else None

    def party(self, party_id: str) -> Party | None:
        return next((p for p in self.parties if p.id == party_id), None)

    @property
    def unreadable(self) -> bool:
        """True when part of the text could not be read, so no topic can be called absent.

        Pages without a text layer (W103) or with garbled glyphs (W102) may hold exactly the
        clause that is missing elsewhere: what was read still counts as present, but nothing
        is reported absent or missing on the strength of text that was never seen. An
        embedded document that was not read (W134) is such text too.
        """
        return any(w.code in ("E108", "W103", "W102", "W134") for w in self.warnings)


@dataclass(frozen=True)
class Evidence:
    clause: str | None
    page: int | None
    block: int | None
    start: int
    end: int
    text: str  # the contract's own words (the sentence or clause), never paraphrased
    match: str = ""  # the matched words inside `text`
    match_start: int = 0  # offset of `match` inside `text`
    detector: str = "rule"  # "rule" | "model" (the trained topic model found it)
    score: float | None = None  # the model's score, for detector "model"
    # A bilingual contract: the language of the version quoted, and the clause of the other
    # version it translates (第2条 ↔ Article 2). None in a contract written in one language.
    language: str | None = None
    parallel: str | None = None

    def as_dict(self) -> dict:
        out = {
            "clause": self.clause,
            "page": self.page,
            "block": self.block,
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "match": self.match,
            "match_start": self.match_start,
            "detector": self.detector,
        }
        if self.score is not None:
            out["score"] = self.score
        if self.language is not None:
            out["language"] = self.language
        if self.parallel is not None:
            out["parallel"] = self.parallel
        return out


@dataclass(frozen=True)
class TopicResult:
    status: TopicStatus
    evidence: tuple[Evidence, ...] = ()
    rules: tuple[str, ...] = ()

    def as_dict(self) -> dict:
        return {"status": self.status, "evidence": [e.as_dict() for e in self.evidence]}


@dataclass(frozen=True)
class Finding:
    id: str
    rule: str
    topic: str
    kind: FindingKind
    severity: Severity
    title: str
    message: str
    recommendation: str
    why: str = ""
    favours: str | None = None
    references: tuple[str, ...] = ()
    evidence: tuple[Evidence, ...] = ()
    question: str = ""
    # The statement features that matched (rules written with `when:`), e.g. {"actor": "B",
    # "modality": ["obligation"], "action": ["assign"], "consideration": ["free"], "favours": "A"}.
    explanation: dict = field(default_factory=dict)
    changes: tuple[str, ...] = ()  # ids of the tracked changes its evidence overlaps
    suggestion: str = ""  # fairer wording for the evidence sentence, placeholders filled
    # In a neutral review or for a point in the reader's favour: the rule's advice to the side
    # the clause goes against, {"party", "recommendation", "question"} (engine/perspective.py).
    advice: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        out = {
            "id": self.id,
            "rule": self.rule,
            "topic": self.topic,
            "kind": self.kind,
            "severity": self.severity,
            "favours": self.favours,
            "title": self.title,
            "message": self.message,
            "why": self.why,
            "recommendation": self.recommendation,
            "question": self.question,
            "references": list(self.references),
            "evidence": [e.as_dict() for e in self.evidence],
        }
        if self.explanation:
            out["explanation"] = self.explanation
        if self.advice:
            out["advice"] = self.advice
        return out


@dataclass(frozen=True)
class ContractType:
    id: str
    confidence: float
    source: str = "detected"  # detected | option


@dataclass(frozen=True)
class ComparedClause:
    """A clause of the draft or of the template as the comparison shows it."""

    number: str | None
    heading: str | None
    text: str

    def as_dict(self, with_text: bool = True) -> dict:
        out = {"number": self.number, "heading": self.heading}
        if with_text:
            out["text"] = self.text
        return out


@dataclass(frozen=True)
class ClausePair:
    """A template clause and the draft clause aligned with it; `diff` is (op, text) with op equal | insert | delete."""

    template: ComparedClause
    draft: ComparedClause
    similarity: float  # 0..1, of the clause texts without number and heading
    diff: tuple[tuple[str, str], ...] = ()

    def as_dict(self) -> dict:
        out = {"template": self.template.as_dict(False), "draft": self.draft.as_dict(False), "similarity": round(self.similarity, 3)}
        if self.diff:
            out["diff"] = [{"op": op, "text": text} for op, text in self.diff]
        return out


@dataclass(frozen=True)
class Comparison:
    """The draft against the user's own template (`clausecheck compare`): what is missing, added, changed, moved."""

    template: Source
    template_language: str
    missing: tuple[ComparedClause, ...]  # template clauses with no counterpart in the draft
    added: tuple[ComparedClause, ...]  # draft clauses with no counterpart in the template (ひな型外条文)
    changed: tuple[ClausePair, ...]
    moved: tuple[ClausePair, ...]
    renumbered: tuple[ClausePair, ...]  # same text under another number: not a change
    new_findings: tuple[tuple[str, str, str, str], ...] = ()  # (id, rule, severity, title) the template does not have

    @property
    def deviations(self) -> int:
        """Edits a reviewer must read: missing, added, changed and moved clauses (renumbering is not one)."""
        moved_only = [pair for pair in self.moved if pair not in self.changed]
        return len(self.missing) + len(self.added) + len(self.changed) + len(moved_only)

    def as_dict(self) -> dict:
        return {
            "template": {"path": self.template.path, "sha256": self.template.sha256, "format": self.template.format,
                         "language": self.template_language},
            "missing": [clause.as_dict() for clause in self.missing],
            "added": [clause.as_dict() for clause in self.added],
            "changed": [pair.as_dict() for pair in self.changed],
            "moved": [pair.as_dict() for pair in self.moved],
            "renumbered": [pair.as_dict() for pair in self.renumbered],
            "new_findings": [{"id": i, "rule": rule, "severity": severity, "title": title} for i, rule, severity, title in self.new_findings],
            "summary": {"missing": len(self.missing), "added": len(self.added), "changed": len(self.changed),
                        "moved": len(self.moved), "renumbered": len(self.renumbered), "new_findings": len(self.new_findings),
                        "deviations": self.deviations},
        }


@dataclass(frozen=True)
class Report:
    document: Document
    contract_type: ContractType
    perspective: str | None
    topics: dict[str, TopicResult]
    findings: tuple[Finding, ...]
    memo_language: str
    rules_version: str
    warnings: tuple[Warning, ...] = field(default=())
    model_version: str | None = None  # the topic model that joined the rules; None: rules only
    one_sidedness: dict[str, dict[str, int]] = field(default_factory=dict)
    comparison: Comparison | None = None  # `clausecheck compare`: the draft against a template

    def summary(self) -> dict[str, int]:
        counts = {"high": 0, "medium": 0, "low": 0, "info": 0, "missing": 0}
        for finding in self.findings:
            counts[finding.severity] += 1
            if finding.kind == "missing":
                counts["missing"] += 1
        return counts
