"""Evidence a reader cannot rely on alone: hidden PDF text and pages OCR read with low confidence.

A topic found only in text no reader of the printed page sees (W121), or only on pages
OCR read below `model.LOW_CONFIDENCE` (W124), is not shown as `present`: it becomes
`uncertain`, keeping its evidence so the memo still quotes where it was seen. When part of
the contract was read with low confidence, a topic found nowhere may sit in the words
OCR misread: it is `uncertain` rather than `absent`, and its "missing" finding goes.
Everything else in the report is left as the engine made it.
"""

from __future__ import annotations

from dataclasses import replace

from clausecheck.model import HIDDEN_STYLE, LOW_CONFIDENCE, Evidence, Report, TopicResult


def low_confidence_pages(report: Report) -> set[int]:
    return {
        page
        for warning in report.document.warnings
        if warning.code == "W124" and warning.confidence is not None and warning.confidence < LOW_CONFIDENCE
        for page in warning.pages
    }


def discount_weak_evidence(report: Report) -> Report:
    """The report with topics resting only on hidden or low-confidence text made `uncertain`."""
    weak_pages = low_confidence_pages(report)
    hidden_blocks = {block.index for block in report.document.blocks if block.style == HIDDEN_STYLE}
    if not weak_pages and not hidden_blocks:
        return report

    def weak(evidence: Evidence) -> bool:
        return evidence.block in hidden_blocks or (evidence.page is not None and evidence.page in weak_pages)

    topics: dict[str, TopicResult] = {}
    doubtful: set[str] = set()
    for topic, result in report.topics.items():
        if result.status == "present" and result.evidence and all(weak(e) for e in result.evidence):
            topics[topic] = TopicResult("uncertain", result.evidence, result.rules)
            doubtful.add(topic)
        elif result.status == "absent" and weak_pages:
            topics[topic] = TopicResult("uncertain", result.evidence, result.rules)
            doubtful.add(topic)
        else:
            topics[topic] = result
    if not doubtful:
        return report
    findings = tuple(f for f in report.findings if not (f.kind == "missing" and f.topic in doubtful))
    return replace(report, topics=topics, findings=findings)
