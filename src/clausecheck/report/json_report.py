"""The JSON report of DESIGN.md §6, and the parse view of `clausecheck parse --json`."""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources

from clausecheck import __version__
from clausecheck.model import Document, Report

SCHEMA_VERSION = 1


def report_dict(report: Report) -> dict:
    document = report.document
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "clausecheck", "version": __version__, "rules_version": report.rules_version, "model_version": report.model_version},
        "source": _source_dict(document),
        "language": document.language,
        "title": document.title,
        "contract_type": {"id": report.contract_type.id, "confidence": report.contract_type.confidence},
        "parties": [party.as_dict() for party in document.parties],
        "perspective": report.perspective,
        "topics": {topic: result.as_dict() for topic, result in report.topics.items()},
        "findings": [finding_dict(finding) for finding in report.findings],
        "summary": report.summary(),
        "one_sidedness": report.one_sidedness,
        "warnings": [warning.as_dict() for warning in report.warnings],
    } | drafts_dict(report)


def finding_dict(finding) -> dict:
    """A finding, with the tracked changes its evidence overlaps and its suggested wording when it has them."""
    out = finding.as_dict()
    if finding.changes:
        out["changes"] = list(finding.changes)
    if finding.suggestion:
        out["suggestion"] = finding.suggestion
    return out


def drafts_dict(report: Report) -> dict:
    """`changes` (a .docx with tracked changes) and `comparison` (`clausecheck compare`), when there are any."""
    out: dict = {}
    if report.document.changes:
        out["changes_view"] = report.document.changes_view
        out["changes"] = [change.as_dict() for change in report.document.changes]
    if getattr(report, "comparison", None) is not None:
        out["comparison"] = report.comparison.as_dict()
    return out


def _source_dict(document: Document) -> dict:
    source = document.source
    return {"path": source.path, "format": source.format, "sha256": source.sha256, "pages": source.pages}


def error_dict(path: str, code: str, message: str) -> dict:
    """A batch line for a file that could not be checked."""
    return {"schema_version": SCHEMA_VERSION, "source": {"path": path}, "error": {"code": code, "message": message}}


def parse_dict(document: Document) -> dict:
    return {
        "source": _source_dict(document),
        "language": document.language,
        "title": document.title,
        "effective_date": document.effective_date,
        "parties": [party.as_dict() for party in document.parties],
        "definitions": [definition.as_dict() for definition in document.definitions],
        "clauses": [clause.as_dict() for clause in document.clauses],
        "warnings": [warning.as_dict() for warning in document.warnings],
    } | ({"changes": [change.as_dict() for change in document.changes]} if document.changes else {})


@lru_cache(maxsize=1)
def report_schema() -> dict:
    """The JSON Schema (draft 2020-12) every `report_dict` and `error_dict` output satisfies."""
    text = resources.files("clausecheck.report").joinpath("schema/report.schema.json").read_text(encoding="utf-8")
    return json.loads(text)


def dumps(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False)
