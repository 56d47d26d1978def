"""`require` rules: a required element no rule found is a `missing` finding.

Which elements a contract must hold is the profile's of its type (engine/profiles.py);
a text that could not be read in full leaves an element uncertain, never missing.
"""

from __future__ import annotations

from clausecheck.engine.hits import _finding_fields
from clausecheck.engine.schema import Profile, Rule
from clausecheck.model import SEVERITY_ORDER, Document, TopicResult


def missing_draft(rule: Rule, profile: Profile | None, required, topics: dict[str, TopicResult], document: Document, force_required: bool, unreadable: bool, language: str):
    """(severity order, position, finding fields) of the rule's `missing` finding, or None when
    the element is there, not required, or the text could not be read well enough to say."""
    is_required = force_required or rule.topic in required
    if not is_required or unreadable or topics[rule.topic].status != "absent":
        return None
    if rule.languages and document.language not in rule.languages:
        return None
    severity = (profile.missing_severity.get(rule.topic) if profile else None) or rule.severity
    return (SEVERITY_ORDER[severity], 10**9, _finding_fields(rule, "missing", severity, None, (), language))
