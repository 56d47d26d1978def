"""Join the topic model's scores with the rules' topic results.

The rules keep the judgement; the model only makes sure a clause worded in a way no rule
foresaw is still noticed. A topic the rules found stays as they found it. A topic they did
not find becomes `present` when the model's best score in the document reaches the
topic's threshold, and `uncertain` when it falls in the grey zone below it (both chosen on
cross-validation folds, see benchmarks/train_topics.py). Its evidence is the top-scoring
sentence, marked `detector: model` with its score. Findings are never made here: a model
topic can only stop a `missing` finding, because that is decided from the topic status.
"""

from __future__ import annotations

import numpy

from clausecheck.model import Document, Evidence, TopicResult
from clausecheck.topicmodel.model import TopicModel
from clausecheck.topicmodel.units import Unit

EVIDENCE_MAX_CHARS = 500


def best_scores(model: TopicModel, document: Document, wanted: set[str] | None = None) -> dict[str, tuple[float, float, float, Unit | None]]:
    """Per topic (the `wanted` ones, or all): (best score of any unit, threshold, grey bound,
    best-scoring sentence)."""
    units, by_language = model.score_document(document, wanted)
    best: dict[str, tuple[float, float, float, Unit | None]] = {}
    for language, (topics, scores) in by_language.items():
        language_model = model.languages[language]
        index_of = {t: i for i, t in enumerate(language_model.topics)}
        language_units = [u for u in units if u.language == language]
        sentence_rows = numpy.array([u.kind == "sentence" for u in language_units])
        for column, topic in enumerate(topics):
            column_scores = scores[:, column]
            top = float(column_scores.max())
            sentence_scores = numpy.where(sentence_rows, column_scores, -1.0)
            row = int(sentence_scores.argmax())  # first of equals: deterministic
            sentence = language_units[row] if sentence_rows[row] else None
            # Of two languages in one contract the one that scores higher speaks for it.
            if topic not in best or top > best[topic][0]:
                best[topic] = (top, float(language_model.threshold[index_of[topic]]), float(language_model.grey[index_of[topic]]), sentence)
    return best


def combine(model: TopicModel, document: Document, topics: dict[str, TopicResult]) -> dict[str, TopicResult]:
    """`topics` with the model's verdict on the ones the rules left absent or uncertain."""
    # Only what the rules left open is scored: a topic they found stays as they found it.
    best = best_scores(model, document, {t for t, r in topics.items() if r.status != "present"})
    combined = dict(topics)
    for topic, result in topics.items():
        if result.status == "present" or topic not in best:
            continue
        score, threshold, grey, sentence = best[topic]
        if score >= threshold:
            status = "present"
        elif score >= grey:
            status = "uncertain"
        else:
            continue
        evidence = (_evidence(document, sentence, score),) if sentence is not None else ()
        combined[topic] = TopicResult(status, evidence, result.rules)
    return combined


def _evidence(document: Document, unit: Unit, score: float) -> Evidence:
    start, end = unit.start, min(unit.end, unit.start + EVIDENCE_MAX_CHARS)
    text = document.text[start:end]
    clause = document.clause_at(start)
    block = document.block_at(start)
    top = document.clauses[unit.clause]
    return Evidence(
        clause=(clause.number if clause else None) or top.number or top.heading,
        page=block.page if block else top.page,
        block=block.index if block else None,
        start=start,
        end=end,
        text=text,
        match=text,
        match_start=0,
        detector="model",
        score=round(score, 3),
    )
