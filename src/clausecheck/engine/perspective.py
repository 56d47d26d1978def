"""Which wording of a rule's advice a finding carries: the reader's side decides.

A rule's `recommendation` and `question` are written for the side a one-sided clause goes
against ("make the restriction mutual", "can we keep the IP?"). Said to the side the clause
favours, or in a review that takes no side, that is advocacy for someone else. So a review
for the disadvantaged side gets them as written; a neutral review and a point in the
reader's favour get the rule's `neutral_recommendation` (what balanced drafting does) and no
question, and keep the addressed text apart as `advice` to the side the clause goes against,
for whoever wants to show it as such.
"""

from __future__ import annotations

from clausecheck.engine.schema import Rule


def advice_fields(rule: Rule, kind: str, favours: str | None, perspective: str | None, party_ids: tuple[str, ...], language: str) -> dict:
    """`recommendation`, `question` and, where they differ from the rule's, `advice`."""
    recommendation = rule.text("recommendation", language)
    question = rule.text("question", language)
    neutral = rule.text("neutral_recommendation", language) or recommendation
    if kind == "missing" or (perspective is not None and kind != "note"):
        # A missing element is the same gap for both sides; a point against the reader is
        # answered in the reader's own words.
        return {"recommendation": recommendation, "question": question}
    if not favours:
        # Nobody is named as favoured: the rule's question is asked by either side.
        return {"recommendation": neutral, "question": question}
    against = [party for party in party_ids if party != favours]
    advice = {"party": against[0] if len(against) == 1 else None, "recommendation": recommendation, "question": question}
    return {"recommendation": neutral, "question": "", "advice": advice}
