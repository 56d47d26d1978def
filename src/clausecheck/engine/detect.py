"""`detect` (and `require`) rules: which topics a contract has, from the hits that are evidence of them.

Every topic of rules/topics.yaml, and any a rule pack adds, is `present` with its evidence,
`absent`, or `uncertain` when part of the text could not be read.
"""

from __future__ import annotations

from clausecheck.engine.hits import _evidence_list, _Hit, _RuleOutcome
from clausecheck.engine.loader import RulePack
from clausecheck.model import Document, TopicResult
from clausecheck.vocabulary import TOPICS


def topic_results(pack: RulePack, document: Document, outcomes: dict[str, _RuleOutcome], unreadable: bool) -> dict[str, TopicResult]:
    by_topic: dict[str, list[_Hit]] = {}
    for rule_id, outcome in outcomes.items():
        for hit in outcome.topic_hits:
            by_topic.setdefault(hit.rule.topic, []).append(hit)
    all_topics = list(TOPICS) + sorted({r.topic for r in pack.active() if r.kind != "lint"} - set(TOPICS))
    topics: dict[str, TopicResult] = {}
    for topic in all_topics:
        hits = by_topic.get(topic, [])
        if hits:
            evidence = _evidence_list(document, hits, limit=3)
            rules = tuple(sorted({h.rule.id for h in hits}))
            topics[topic] = TopicResult("present", evidence, rules)
        else:
            topics[topic] = TopicResult("uncertain" if unreadable else "absent")
    return topics
