"""The time one document's rule regexes may take: per rule, and for the whole document.

The `regex` module's time limit bounds one scan of one clause (REGEX_TIMEOUT_SECONDS). A
pathological user pattern such as `(a|a)*$` reaches that limit on every clause, so over
200 clauses it cost 106 s. The budget bounds the sums instead: a rule that timed out once,
or whose scans took RULE_SECONDS in all, is skipped for the rest of the document (one
W210 says so); once the scans whose backtracking is not bounded by their shape have taken
DOCUMENT_SECONDS in all, those are skipped for the rest of the document too. Normal rules
spend microseconds per clause, so a real contract never comes near either sum.

The context patterns of a rule (inside, not_inside, unless, requires) are searched deep in
the judging of each hit, so the budget of the document being checked is also reachable
there, through `CURRENT_BUDGET`, and keyed by the pattern itself (`context_key`).
"""

from __future__ import annotations

import time
from contextvars import ContextVar
from dataclasses import dataclass, field

from clausecheck.engine.compiler import REGEX_TIMEOUT_SECONDS

RULE_SECONDS = 2.0
DOCUMENT_SECONDS = 10.0
CONTEXT_PREFIX = "context:"


@dataclass
class RegexBudget:
    """Spent and remaining regex time of one document; the runner asks it before each scan."""

    rule_seconds: float = RULE_SECONDS
    document_seconds: float = DOCUMENT_SECONDS
    spent_by_rule: dict[str, float] = field(default_factory=dict)
    skipped: set[str] = field(default_factory=set)
    spent_unbounded: float = 0.0

    def allows(self, rule_id: str, timed: bool) -> bool:
        """Whether the rule may still scan; `timed` scans also need document time left."""
        if rule_id in self.skipped:
            return False
        return not timed or self.spent_unbounded < self.document_seconds

    def timeout(self) -> float:
        """The time limit of the next scan: the usual one, or what the document has left."""
        return max(min(REGEX_TIMEOUT_SECONDS, self.document_seconds - self.spent_unbounded), 0.001)

    def charge(self, rule_id: str, seconds: float, timed: bool) -> bool:
        """Record a scan's time; True when the rule has now used up its share."""
        spent = self.spent_by_rule.get(rule_id, 0.0) + seconds
        self.spent_by_rule[rule_id] = spent
        if timed:
            self.spent_unbounded += seconds
        if spent >= self.rule_seconds and rule_id not in self.skipped:
            self.skipped.add(rule_id)
            return True
        return False

    def timed_out(self, rule_id: str) -> bool:
        """A scan of the rule hit its limit: skip the rule from now on. True the first time."""
        if rule_id in self.skipped:
            return False
        self.skipped.add(rule_id)
        return True

    def clock(self) -> float:
        return time.perf_counter()

    def skipped_context_patterns(self) -> list[str]:
        """Context patterns skipped for the rest of the document, as written in the rules."""
        return sorted(key[len(CONTEXT_PREFIX):] for key in self.skipped if key.startswith(CONTEXT_PREFIX))


def context_key(pattern: str) -> str:
    return CONTEXT_PREFIX + pattern


CURRENT_BUDGET: ContextVar[RegexBudget | None] = ContextVar("clausecheck_regex_budget", default=None)
