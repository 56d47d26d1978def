"""The rule model: what a rule file may say, and the closed vocabularies it draws on.

A rule is one YAML file (its id is the file stem, as in Vale). `kind` picks one of four
checks:

- `detect`      — evidence that a topic is present (no finding on its own);
- `require`     — an element that must be present: a `missing` finding when no rule found
                  the topic and the contract type's profile requires it;
- `risk`        — a pattern that is a trap when present;
- `conditional` — if the pattern is present, `requires` must be present too in the scope
                  (IP assigned → consideration; auto-renewal → notice period);
- `lint`        — a consistency check of the document itself (broken references, undefined
                  terms, placeholders left, ...): `lint.check` names one of LINT_CHECKS, run by
                  engine/lint.py over the rule's patterns.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from clausecheck.vocabulary import REQUIRED_ELEMENTS, TOPICS  # noqa: F401 - the topic vocabulary, read from rules/topics.yaml

KINDS = ("detect", "require", "risk", "conditional", "lint")
SEVERITIES = ("high", "medium", "low", "info")
SCOPES = ("sentence", "paragraph", "clause", "document")
LANGUAGES = ("en", "ja")
# Who a one-sided clause favours: the party the sentence is about (`subject`, also `actor`),
# the other side, the party that holds what the sentence gives (`holder`: 成果は甲に帰属する),
# the party it is given to (`beneficiary`: 乙は甲に対し開示する), or — for statement rules —
# `auto`: from the modality, a right or a release favours the actor, a duty or a prohibition
# the other side, a state of ownership the holder.
# `named`: the party a condition or time cue names ("in Licensor's sole judgement", "until
# Company notifies", 甲が判断したとき).
# `payer`: the party the same clause makes pay (a cost of being paid is one-sided only when it
# falls on the side that is paid).
# `dominant` (party block only): the side most of the contract's other one-sided findings
# favour — for a term that binds both alike but weighs on the weaker side, such as a long
# notice to stop an automatic renewal. Without a clear lead the finding names no party.
FAVOURS = ("subject", "other", "actor", "holder", "beneficiary", "auto", "named", "payer", "dominant")
QUANTITY_TYPES = ("duration", "amount", "percent")
LINT_TOPIC = "lint"
# The checks engine/lint.py knows; a lint rule's patterns say what each looks for.
LINT_CHECKS = (
    "reference", "reference-heading", "schedule-reference", "term-undefined", "term-defined-twice",
    "term-unused", "party-name", "placeholder", "title-only", "numbering", "amount-mismatch", "old-name",
)
LINT_KEYS = {"check", "after"}

TOP_KEYS = {
    "id", "kind", "topic", "severity", "scope", "applies_to", "title", "message", "why",
    "recommendation", "question", "references", "party", "quantity", "en", "ja", "disabled",
    "in_definitions", "max_evidence", "topic_evidence", "when", "suggestion", "lint",
    "neutral_recommendation",
}
# `when:` — what a statement must say (rules/lexicon/ holds the values of each feature).
STATEMENT_FEATURES = ("modality", "action", "object", "consideration", "time", "condition")
WHEN_KEYS = set(STATEMENT_FEATURES) | {"actor", "not", "also", "proviso", "favours", "quantity"}
# `when.quantity:` — a number the statement states, by its meaning (rules/lexicon/quantity.yaml)
# and a threshold: `{meaning: payment_term, above: 60}`, `{meaning: notice_period, at_least: 3, unit: months}`.
WHEN_QUANTITY_KEYS = {"meaning", "type", "above", "below", "at_least", "at_most", "unit"}
# A threshold's unit, in the base unit the quantity is kept in (days; currency units; percent).
WHEN_QUANTITY_UNITS = {"duration": {"days": 1, "weeks": 7, "months": 30, "years": 365}, "amount": {"units": 1}, "percent": {"percent": 1}}
# actor: `party` — one party acts (a mutual sentence does not match); `mutual` — both or
# either; `any` (default); `none` — no party is named as actor.
ACTOR_VALUES = ("party", "mutual", "any", "none")
LANG_KEYS = {"phrases", "patterns", "regex", "unless", "inside", "not_inside", "requires"}
PARTY_KEYS = {"favours", "one_sided_only", "mutual_as"}
# What a finding of a clause that binds both sides alike is, when `one_sided_only` is false:
# still a `risk`, or a `note` of severity info (a gap both sides share, worth knowing).
MUTUAL_AS = ("risk", "note")
QUANTITY_KEYS = {"type", "above", "below", "unit"}
TEXT_KEYS = {"en", "ja"}


@dataclass(frozen=True)
class LanguageBlock:
    """The patterns of one rule in one language."""

    phrases: tuple[str, ...] = ()
    patterns: tuple[tuple[dict, ...], ...] = ()  # spaCy Matcher token patterns
    regex: tuple[str, ...] = ()
    unless: tuple[str, ...] = ()  # exceptions and negations that cancel a match in scope
    inside: tuple[str, ...] = ()  # the clause heading (or clause start) must match one
    not_inside: tuple[str, ...] = ()  # ... and must match none of these
    requires: tuple[str, ...] = ()  # conditional: one must appear in scope


@dataclass(frozen=True)
class QuantityCondition:
    """`when.quantity:` — one of the statement's quantities must have one of `meanings` (any,
    when empty), be of `type` (any, when None) and meet every threshold given, in base units."""

    meanings: frozenset[str] = frozenset()
    type: str | None = None
    above: float | None = None  # strictly more than
    below: float | None = None  # strictly less than
    at_least: float | None = None
    at_most: float | None = None

    def holds(self, quantities) -> bool:
        return any(self.holds_for(q) for q in quantities)

    def holds_for(self, quantity) -> bool:
        if self.meanings and quantity.meaning not in self.meanings:
            return False
        if self.type is not None and quantity.type != self.type:
            return False
        value = quantity.value
        return (
            (self.above is None or value > self.above)
            and (self.below is None or value < self.below)
            and (self.at_least is None or value >= self.at_least)
            and (self.at_most is None or value <= self.at_most)
        )


@dataclass(frozen=True)
class StatementPattern:
    """One alternative of a rule's `when:`; every listed feature must hold one of its values."""

    required: tuple[tuple[str, frozenset[str]], ...]  # (feature, any of these values), all must hold
    excluded: tuple[tuple[str, frozenset[str]], ...] = ()  # `not:` none of these may hold
    actor: str = "any"
    proviso: bool | None = None  # True: only provisos; False: never provisos; None: either
    favours: str | None = None  # overrides the rule's `party.favours` for this alternative
    quantity: QuantityCondition | None = None  # a number the statement must state

    def matches(self, features: dict[str, frozenset[str]], is_proviso: bool, statement=None) -> bool:
        """`features` hold; with a quantity condition, `statement`'s quantities (read only now,
        once the features agree) meet it too."""
        if self.proviso is not None and self.proviso != is_proviso:
            return False
        for feature, values in self.required:
            if not features.get(feature, frozenset()) & values:
                return False
        for feature, values in self.excluded:
            if features.get(feature, frozenset()) & values:
                return False
        if self.quantity is not None:
            return statement is not None and self.quantity.holds(statement.quantities)
        return True

    def values(self, feature: str) -> frozenset[str]:
        found: set[str] = set()
        for name, values in self.required:
            if name == feature:
                found |= values
        return frozenset(found)


@dataclass(frozen=True)
class PartySpec:
    """Who a matched sentence favours: its grammatical subject, or the other side."""

    favours: str = "subject"
    # Only report when one side alone has the clause (a mutual clause is not a finding).
    one_sided_only: bool = True
    mutual_as: str = "risk"


@dataclass(frozen=True)
class QuantitySpec:
    type: str
    above: float | None = None
    below: float | None = None
    unit: str = "days"


@dataclass(frozen=True)
class LintSpec:
    """Which consistency check a `lint` rule runs, and its one setting where it has one."""

    check: str
    after: str | None = None  # old-name: only in documents dated on or after this ISO date


@dataclass(frozen=True)
class Rule:
    id: str
    kind: str
    topic: str
    severity: str
    scope: str
    applies_to: tuple[str, ...]
    title: dict[str, str]
    message: dict[str, str]
    why: dict[str, str]
    # `recommendation` and `question` are addressed to the side the clause goes against (the
    # reader of a review for that side); `neutral_recommendation` says the same point without
    # taking a side, for a neutral review and for a point in the reader's favour.
    recommendation: dict[str, str]
    question: dict[str, str]
    references: tuple[str, ...]
    languages: dict[str, LanguageBlock]
    party: PartySpec | None = None
    quantity: QuantitySpec | None = None
    when: tuple[StatementPattern, ...] = ()
    in_definitions: bool = False
    max_evidence: int = 3
    topic_evidence: bool = True
    lint: LintSpec | None = None
    disabled: bool = False
    path: str = ""
    line: int = 1
    origin: str = "built-in"
    suggestion: dict[str, str] = field(default_factory=dict)  # fairer wording per language (engine.suggestions)
    neutral_recommendation: dict[str, str] = field(default_factory=dict)

    def text(self, field_name: str, language: str) -> str:
        values: dict[str, str] = getattr(self, field_name)
        return values.get(language) or values.get("en") or values.get("ja") or ""


@dataclass(frozen=True)
class Condition:
    """When a profile's element is required: the deal shows it needs one (see engine/profiles.py).

    Required when any `text` pattern is found in the document or any of `topics` is present
    (either is enough; with neither given, always), and no `unless` pattern is found."""

    text: dict[str, tuple[str, ...]] = field(default_factory=dict)
    topics: tuple[str, ...] = ()
    unless: dict[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass
class Profile:
    """A contract type: how to recognise it and which required elements it must contain."""

    id: str
    names: dict[str, str]
    title: dict[str, tuple[str, ...]]
    body: dict[str, tuple[str, ...]]
    requires: tuple[str, ...]
    missing_severity: dict[str, str] = field(default_factory=dict)
    requires_when: dict[str, Condition] = field(default_factory=dict)
