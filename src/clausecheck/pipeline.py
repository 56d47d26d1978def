"""The flow in one place: file → Document → Report. The CLI, batch and benchmarks call this.

Kept free of output formats: rendering is report/'s job.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from clausecheck.engine.changes import mark_changed_findings
from clausecheck.engine.loader import RulePack
from clausecheck.engine.pack_cache import cached_engine
from clausecheck.engine.runner import CheckOptions, Engine
from clausecheck.engine.suggestions import attach as attach_suggestions
from clausecheck.engine.weak_evidence import discount_weak_evidence
from clausecheck.model import Document, Report, Source
from clausecheck.parsers import ReadOptions, assemble, read_file
from clausecheck.parsers.text import split_paragraphs
from clausecheck.structure import build_document


@dataclass(frozen=True)
class Settings:
    """Everything a run is configured with (also the cache key of a batch result)."""

    rules_dirs: tuple[str, ...] = ()
    language: str | None = None  # --lang: auto | en | ja
    check: CheckOptions = field(default_factory=CheckOptions)
    read: ReadOptions = field(default_factory=ReadOptions)
    template: str | None = None  # `batch --template`: compare every contract with this one


@lru_cache(maxsize=8)
def engine_for(rules_dirs: tuple[str, ...]) -> Engine:
    """One compiled engine per rule-pack combination, reused across files."""
    return cached_engine(rules_dirs)


def read_document(path: str | Path, settings: Settings | None = None) -> Document:
    settings = settings or Settings()
    raw = read_file(path, settings.read)
    language = settings.language if settings.language in ("en", "ja") else None
    return build_document(raw, language)


def document_from_text(text: str, language: str | None = None, name: str = "inline.txt", digest: str = "0" * 64) -> Document:
    """A Document from text, as a .txt (or .md) file of it is read: rule fixtures and tests build theirs here."""
    raw = assemble(Source(name, "txt", digest, None, len(text)), split_paragraphs(text, markdown=name.endswith(".md")))
    return build_document(raw, language)


def check_file(path: str | Path, settings: Settings | None = None) -> Report:
    settings = settings or Settings()
    document = read_document(path, settings)
    engine = engine_for(settings.rules_dirs)
    return finish_report(engine.check(document, settings.check), engine.pack)


def finish_report(report: Report, pack: RulePack) -> Report:
    """What follows the rules: findings marked with the tracked changes they touch, suggestions filled,
    topics resting only on hidden or low-confidence OCR text made uncertain."""
    suggestions = {rule.id: rule.suggestion for rule in pack.rules.values() if rule.suggestion}
    return discount_weak_evidence(mark_changed_findings(attach_suggestions(report, suggestions)))


def rule_pack(settings: Settings | None = None) -> RulePack:
    return engine_for((settings or Settings()).rules_dirs).pack
