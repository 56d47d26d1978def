"""Run a compiled rule pack over a Document and produce a Report (topics and findings).

One pass per top-level clause: its text is normalised once, tokenised once (only when a
phrase could match), matched by the language's single PhraseMatcher and Matcher, and
scanned by the rule regexes, each only if the clause holds the words it needs and only at
the places a match can start (compiler.LiteralIndex). Every
hit is then filtered by the rule's context (inside / not_inside / unless / definitions /
quantity / requires) and judged for one-sidedness; findings quote the original text.

This module matches and orchestrates; each check kind has its own module: detect.py (the
topics a contract has), require.py (missing elements), risk.py (traps), conditional.py
(a pattern whose companion must be there), mutuality.py (whom a hit favours, and whether a
clause is mutual). hits.py and context.py hold what they share.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, replace
from functools import lru_cache

import regex

from clausecheck import quantities
from clausecheck.engine.budget import CURRENT_BUDGET, RegexBudget
from clausecheck.engine.compiler import REGEX_TIMEOUT_SECONDS, CompiledLanguage, backtracking_is_bounded, compile_folded, compile_regex, compile_rules, expand_placeholders, matches_folded
from clausecheck.engine.conditional import companion_found
from clausecheck.engine.context import _any_search, _scope_search
from clausecheck.engine.contract_type import detect_contract_type
from clausecheck.engine.detect import topic_results
from clausecheck.bilingual import is_bilingual, translation_parts
from clausecheck.engine.bilingual import ParallelVersions, drop_lone_reference_hits
from clausecheck.engine.hits import _deepest, _Hit, _original_offset, _original_span, _RuleOutcome, _sentence_around, _Unit
from clausecheck.engine.hidden import HiddenText
from clausecheck.engine.lint import lint_findings, unfinished_warnings
from clausecheck.engine.loader import RulePack
from clausecheck.engine.parties import PartyIndex, build_index, resolve_party, with_conventional_parties
from clausecheck.engine.schema import LanguageBlock, Rule, StatementPattern
from clausecheck.engine.survival import article_of, surviving_articles
from clausecheck.engine.profiles import required_elements
from clausecheck.engine.references import localise_all
from clausecheck.engine.require import missing_draft
from clausecheck.engine.risk import dominant_drafts, risk_draft, risk_hits
from clausecheck.engine.mutuality import _statement_party, regex_party
from clausecheck.lang import normalise, pipeline, split_for_tokeniser
from clausecheck.statements import Statement, statements_of
from clausecheck.statements.extract import FEATURE_SPAN, MAX_STATEMENT_CHARS
from clausecheck.model import (
    Clause,
    ContractType,
    Document,
    Finding,
    Report,
    TopicResult,
    Warning,
)
from clausecheck.topicmodel.combine import combine as combine_with_model
from clausecheck.topicmodel.model import shipped_model

_RE_SENTENCE_END = {
    # 。 closing a bracket (「…」という。）) does not end the sentence.
    "ja": re.compile(r"(?<=[。！？])(?![)）」』])|\n"),
    "en": re.compile(r"(?<=[.;:!?])\s+(?=[\"“(]?[A-Z0-9(])|\n"),
}
_RE_DEFINITION_SENTENCE = re.compile(
    r"^\W{0,6}(?:\(?[a-z0-9]{1,3}[.)]\s*)?[\"“「『][^\"”」』]{1,80}[\"”」』]\s*(?:とは|は、|means|shall\s+mean|has\s+the\s+meaning|refers\s+to|shall\s+refer)",
    re.IGNORECASE,
)
_RE_PROVISO = re.compile(r"^\s*(ただし|但し|なお|Provided|provided|notwithstanding|Notwithstanding)")


@dataclass(frozen=True)
class CheckOptions:
    party: str | None = None  # --party, as the user wrote it
    contract_type: str | None = None  # --type; None or "auto" detects
    memo_language: str | None = None  # --memo-lang; None or "auto" follows the contract
    force_required: bool = False  # fixtures: treat every require rule as required
    only_rules: frozenset[str] | None = None
    use_model: bool = True  # --no-model: rules only, no trained topic model


_NO_BLOCK = LanguageBlock()


class Engine:
    """A rule pack compiled once; `check` may be called for many documents."""

    def __init__(self, pack: RulePack):
        self.pack = pack
        self._compiled: dict[tuple[str, frozenset | None], CompiledLanguage] = {}
        # Rules written on statements; `when:` holds in every language the lexicon covers.
        self.statement_rules = [r for r in pack.active() if r.when]
        self._pattern_index: dict | None = None
        self._unlimited_cache: tuple | None = None

    def pattern_index(self) -> dict[tuple[str, str], list[tuple[int, Rule, int, StatementPattern]]]:
        """(feature, value) → the `when:` alternatives that need it, each under the first
        feature it asks for: a statement is tried only against alternatives it could meet."""
        if self._pattern_index is None:
            index: dict = {}
            for rule_order, rule in enumerate(self.statement_rules):
                for pattern_order, pattern in enumerate(rule.when):
                    feature, values = min(pattern.required, key=lambda item: (_KEY_FEATURE_ORDER.index(item[0]), len(item[1])))
                    for value in values:
                        index.setdefault((feature, value), []).append((rule_order, rule, pattern_order, pattern))
            self._pattern_index = index
        return self._pattern_index

    def compiled(self, language: str, only: frozenset[str] | None = None) -> CompiledLanguage:
        key = (language, only)
        if key not in self._compiled:
            # Lint rules are run by engine/lint.py over the whole document, not by the matchers.
            rules = [r for r in self.pack.active() if (only is None or r.id in only) and r.kind != "lint"]
            self._compiled[key] = compile_rules(rules, language)
        return self._compiled[key]

    def check(self, document: Document, options: CheckOptions | None = None) -> Report:
        options = options or CheckOptions()
        document = with_conventional_parties(document, self.pack.party_words)
        warnings: list[Warning] = list(document.warnings)
        if options.contract_type and options.contract_type != "auto":
            contract_type = ContractType(options.contract_type, 1.0, "option")
        else:
            contract_type = detect_contract_type(document, self.pack.profiles)
        perspective = resolve_party(document, options.party)
        if options.party and perspective is None:
            names = ", ".join(a for p in document.parties for a in p.all_names) or "none found"
            warnings.append(Warning("W201", f"--party {options.party!r} matches no party of this contract (parties: {names}); the review stays neutral"))
        memo_language = options.memo_language if options.memo_language in ("en", "ja") else document.language

        outcomes: dict[str, _RuleOutcome] = {}
        units = self._units(document)
        removed_invisible = sum(unit.norm.removed_invisible for unit in units)
        if removed_invisible:
            warnings.append(Warning("W105", f"{removed_invisible} invisible or direction-changing character(s) (zero-width space, soft hyphen, bidi control, variation selector, tag character, Hangul filler) ignored when matching; quotes keep the original text"))
        folded = sum(unit.norm.folded_confusables for unit in units)
        if folded:
            warnings.append(Warning("W131", f"{folded} Cyrillic or Greek letter(s) inside Latin words (look-alikes such as е for e) read as the Latin letters when matching; quotes keep the original text"))
        joined_hits = 0
        party_indexes = {lang: build_index(document, lang, self.pack.party_words) for lang in {u.language for u in units}}
        placeholder_cache: dict[str, dict[str, str]] = {}
        budget = RegexBudget()  # bounds the document's regex time, per rule and in all
        hidden = HiddenText(document)
        budget_token = CURRENT_BUDGET.set(budget)  # for the context searches of `_judge`
        if self.statement_rules:
            # Every clause's statements first: a statement may need what another clause says
            # (who pays, for a bank fee put on a side).
            for unit in units:
                truncated: list = []
                unit.statements = statements_of(unit.norm.text, unit.sentences, self.pack.lexicon.compiled(unit.language), truncated)
                unit.document_units = units
                if truncated:
                    longest = max(end - start for start, end in truncated)
                    warnings.append(Warning("W211", f"clause {unit.clause.label()}: {len(truncated)} sentence(s) without a full stop for over {MAX_STATEMENT_CHARS} characters (longest {longest}); what they say was read from their first {MAX_STATEMENT_CHARS} characters"))
            # 「第7条の規定は、本契約終了後も存続する」: the articles a survival clause cites hold after the term.
            surviving = surviving_articles(units, self.pack.citations)
            if surviving:
                for unit in units:
                    cited = surviving.get(article_of(unit.clause)) if unit.clause.number else None
                    if cited is not None:
                        unit.survives = cited  # also from a sibling 項: "1.2 The appointment in 1.1 continues…"
        for unit in units:
            compiled = self.compiled(unit.language, options.only_rules)
            index = party_indexes[unit.language]
            aliases = placeholder_cache.setdefault(unit.language, _placeholder_aliases(index, perspective))
            # A statement a rule's `when:` reads as excepted (`not:`) vetoes the rule's regexes
            # inside it too: the exception is what the sentence says, however it is worded.
            vetoed: list[tuple[str, int, int]] = []
            statement_hits = list(self._statement_hits(unit, options.only_rules, vetoed))
            for rule, start, end in self._match_unit(unit, compiled, aliases, warnings, budget):
                if hidden and hidden.overlaps(*_original_span(unit, start, end)):
                    continue  # hidden text is never the only evidence
                if vetoed and any(rule.id == rule_id and v_start <= start < v_end for rule_id, v_start, v_end in vetoed):
                    continue
                joined_hits += unit.norm.joins_within(start, end)
                hit = _Hit(rule, unit, start, end)
                self._judge(hit, document, index, aliases, outcomes)
            for hit in statement_hits:
                if hidden and any(hidden.overlaps(*_original_span(unit, cue.start, cue.end)) for cue in hit.statement.cues):
                    continue  # a statement read from hidden words is no evidence either
                self._judge(hit, document, index, aliases, outcomes)

        if joined_hits:
            warnings.append(Warning("W131", f"{joined_hits} match(es) read across a space inside a Japanese word (独　占 as 独占); quotes keep the original text"))
        CURRENT_BUDGET.reset(budget_token)
        if budget.skipped_context_patterns():
            warnings.append(Warning("W210", f"context pattern(s) {', '.join(budget.skipped_context_patterns())} took longer than {REGEX_TIMEOUT_SECONDS}s and were skipped for the rest of the document"))
        unreadable = document.unreadable
        drop_lone_reference_hits(outcomes)
        topics = self._topics(document, outcomes, unreadable)
        model = shipped_model() if options.use_model and not options.force_required and options.only_rules is None else None
        if model is not None:
            topics = combine_with_model(model, document, topics)
        findings = self._findings(document, outcomes, topics, contract_type, perspective, memo_language, options, unreadable)
        lint_rules = [r for r in self.pack.active() if r.kind == "lint" and (options.only_rules is None or r.id in options.only_rules)]
        findings += lint_findings(document, lint_rules, memo_language, first_id=len(findings) + 1, normalised={id(unit.clause): unit.norm for unit in units})
        warnings.extend(unfinished_warnings(findings, memo_language))
        findings = [replace(f, references=localise_all(f.references, memo_language, self.pack.reference_forms)) for f in findings]
        one_sidedness: dict[str, dict[str, int]] = {}
        for finding in findings:
            if finding.favours:
                counts = one_sidedness.setdefault(finding.favours, {"high": 0, "medium": 0, "low": 0, "info": 0})
                counts[finding.severity] += 1
        return Report(
            document=document,
            contract_type=contract_type,
            perspective=perspective,
            topics=topics,
            findings=tuple(findings),
            memo_language=memo_language,
            rules_version=self.pack.version,
            warnings=tuple(dict.fromkeys(warnings)),
            one_sidedness=one_sidedness,
            model_version=model.version if model is not None else None,
        )

    # -- matching ---------------------------------------------------------------------

    def _units(self, document: Document) -> list[_Unit]:
        units = []
        bilingual = is_bilingual(document.blocks, document.text)
        for clause in document.clauses:
            if clause.kind in ("toc",) or not clause.text.strip():
                continue
            language = clause.language if clause.language in ("en", "ja") else document.language
            # A bilingual contract: a clause in the other language is checked in its own.
            if language != document.language and len(clause.text) < 40:
                language = document.language
            # An article with its translation inside: each language's part read in that language.
            for part, part_language in translation_parts(clause, language) if bilingual else [(clause, language)]:
                norm = normalise(part.text)
                units.append(_Unit(part, part_language, norm, _sentences(norm.text, part_language), reference=part_language != language))
        return units

    def _match_unit(self, unit: _Unit, compiled: CompiledLanguage, aliases: dict[str, str], warnings: list[Warning], budget: RegexBudget):
        text = unit.norm.text
        lowered = text.lower()
        if compiled.needs_tokens_for(lowered):
            nlp = pipeline(unit.language)
            for piece_start, piece in split_for_tokeniser(text, unit.language):
                doc = nlp.make_doc(piece)
                for matcher in compiled.matchers():
                    if matcher is None:
                        continue
                    for match_id, token_start, token_end in matcher(doc):
                        rule = compiled.rules[doc.vocab.strings[match_id]]
                        span = doc[token_start:token_end]
                        yield rule, piece_start + span.start_char, piece_start + span.end_char
        # Lower-casing keeps offsets only when no character grows (e.g. İ → i̇).
        same_offsets = len(lowered) == len(text)
        for rule, pattern, starts in compiled.viable_regexes(lowered):
            timed = not backtracking_is_bounded(pattern)
            if not budget.allows(rule.id, timed):
                continue
            expanded = expand_placeholders(pattern, aliases)
            # Expanded party aliases change per document: only alias-free patterns are folded.
            if same_offsets and expanded == pattern and matches_folded(pattern):
                matcher, subject = compile_folded(expanded), lowered
            else:
                matcher, subject = compile_regex(expanded, unit.language), text
            spans: list[tuple[int, int]] = []  # judged after the scan, so its time is the scan's own
            started = budget.clock()
            try:
                if starts is not None and same_offsets:
                    matches = _matches_from(matcher, subject, starts, timed=timed, seconds=budget.timeout())
                else:
                    matches = matcher.finditer(subject, timeout=budget.timeout())
                spans.extend((m.start(), m.end()) for m in matches if m.end() > m.start())
            except TimeoutError:
                if budget.timed_out(rule.id):
                    warnings.append(Warning("W210", f"rule {rule.id}: a regular expression took longer than {REGEX_TIMEOUT_SECONDS}s and was skipped for the rest of the document ({rule.path})"))
            if budget.charge(rule.id, budget.clock() - started, timed):
                warnings.append(Warning("W210", f"rule {rule.id}: its regular expressions took {budget.rule_seconds}s over this document and were skipped for the rest of it ({rule.path})"))
            for start, end in spans:
                yield rule, start, end

    def _statement_hits(self, unit: _Unit, only: frozenset[str] | None, vetoed: list | None = None):
        """A hit for each statement of the clause that a rule's `when:` pattern describes.

        A list item (号, (a)) is read together with the sentence that introduces the list:
        in 「甲は、乙が次の各号のいずれかに該当したときは、本契約を解除できる。(1) 合併…」 the
        item says the ground, its lead-in the right to terminate and who holds it.
        """
        rules = [r for r in self.statement_rules if only is None or r.id in only]
        if not rules or unit.clause.kind in ("signature", "toc"):
            return
        index = self.pattern_index()
        statements = unit.statements
        lead_ins = _lead_ins(unit, statements)
        likewise = _likewise_leads(statements)
        for position, statement in enumerate(statements):
            lead = lead_ins.get(position) or likewise.get(position)
            if not statement.cues:
                continue
            # The sentence that names the parties names the deal too (「…秘密保持契約を締結する」):
            # it states no duty.
            if unit.clause.kind in ("preamble", "recital") and _RE_NAMES_PARTIES.search(unit.norm.text, statement.start, statement.end):
                continue
            features = statement.features()
            # A list item takes the lead-in's right or duty; a "likewise" sentence all of the
            # sentence whose rule it extends (「…甲に帰属する。乙が単独でした発明についても同様とする。」).
            taken = frozenset(features) if position in likewise else frozenset(("modality", "action", "condition"))
            if lead is not None:
                for feature, values in lead.features().items():
                    if feature in taken:
                        features[feature] = features[feature] | values
            inherited = taken if lead is not None else frozenset()
            survives = None
            if unit.survives is not None and "after_term" not in features["time"]:
                features["time"] = features["time"] | {"after_term"}
                inherited = inherited | {"time"}
                survives = unit.survives
            span = FEATURE_SPAN.get(unit.language, FEATURE_SPAN["en"])
            candidates = {}
            for feature, values in features.items():
                for value in values:
                    for entry in index.get((feature, value), ()):
                        candidates[(entry[0], entry[2])] = entry
            matched_rules: set[str] = set()
            # What the provisos right after the statement say qualifies it too: an exception
            # a rule lists under `not:` may be given there (「甲は…改定できる。ただし、乙が同意しない場合…解約できる」).
            qualified = _qualifying_provisos(statements, position, unit.sentences, unit.norm.text)
            # In rule order, then alternative order: the first alternative a rule meets is its hit.
            for _, rule, _, pattern in (candidates[key] for key in sorted(candidates)):
                if rule.id in matched_rules or (only is not None and rule.id not in only):
                    continue
                excepted = any((features.get(feature, frozenset()) | qualified.get(feature, frozenset())) & values for feature, values in pattern.excluded)
                if excepted:
                    if vetoed is not None and StatementPattern(pattern.required, (), pattern.actor, pattern.proviso).matches(features, statement.proviso):
                        vetoed.append((rule.id, statement.start, statement.end))
                    continue
                if pattern.matches(features, statement.proviso, statement) and statement.close_together(list(pattern.required), span, inherited):
                    matched_rules.add(rule.id)
                    after_term = survives if survives is not None and "after_term" in pattern.values("time") else None
                    yield _Hit(rule, unit, statement.start, statement.end, statement=statement, pattern=pattern, lead_in=lead, likewise=position in likewise, survives=after_term)

    # -- judging one hit --------------------------------------------------------------

    def _judge(self, hit: _Hit, document: Document, index: PartyIndex, aliases: dict[str, str], outcomes: dict[str, _RuleOutcome]) -> None:
        rule, unit = hit.rule, hit.unit
        block = rule.languages.get(unit.language) or _NO_BLOCK
        sentence_start, sentence_end = _sentence_around(unit, hit.start)
        sentence = unit.norm.text[sentence_start:sentence_end]
        if not rule.in_definitions and _RE_DEFINITION_SENTENCE.search(sentence):
            return
        article = unit.clause
        deepest = _deepest(unit.clause, _original_offset(unit, hit.start))
        context = f"{deepest.heading or ''} {article.heading or ''} {_normalised_text(article.text[:80])}"
        if block.inside and not _any_search(block.inside, context, unit.language, aliases):
            return
        if block.not_inside and _any_search(block.not_inside, context, unit.language, aliases):
            return
        scope_text = self._scope_text(rule.scope, unit, deepest, sentence_start, sentence_end, document)
        # A language block's `unless` qualifies its regexes; a `when:` states its own
        # exceptions (`not:`), so a statement hit is not cancelled by words written for them.
        if block.unless and hit.statement is None and _scope_search(rule.scope, block.unless, scope_text, unit.language, aliases):
            return
        outcome = outcomes.setdefault(rule.id, _RuleOutcome())
        # A statement that a risk rule judges is evidence of a trap, not of the topic: which
        # topics a contract has is for the detect rules (and the topic model) to say.
        if rule.topic_evidence and (hit.statement is None or rule.kind in ("detect", "require")):
            outcome.topic_hits.append(hit)
        if rule.kind in ("detect", "require"):
            return
        if rule.quantity is not None and not _quantity_ok(rule, sentence, _quantity_focus(hit)):
            return
        if hit.statement is not None:
            if not _statement_party(hit, index, unit.norm.text[sentence_start:sentence_end], sentence_start):
                return
        elif rule.party is not None:
            regex_party(hit, index, sentence, sentence_start, sentence_end)
        if rule.kind == "conditional":
            # {OTHER} in a `requires` is the side the hit does not favour: the licence back
            # that cures "results vest in 甲" is one to 乙, not 乙's technology licensed to 甲.
            others = [a for a, pid in index.alias_to_id.items() if hit.favours and pid != hit.favours]
            required_aliases = {**aliases, "{OTHER}": _alternation_of(others)} if others else aliases
            if companion_found(rule, block, scope_text, unit.language, required_aliases, self._unlimited_terms(document, unit.language)):
                return
        outcome.finding_hits.append(hit)
        if hit.survives is not None:
            # The survival clause is the evidence that the restraint outlives the contract.
            survival_unit, survival = hit.survives
            outcome.finding_hits.append(_Hit(rule, survival_unit, survival.start, survival.end, hit.subject, hit.favours, survival, hit.pattern))

    def _unlimited_terms(self, document: Document, language: str) -> tuple[str, ...]:
        """Defined terms whose definition says worldwide or for ever (lexicon: condition
        `worldwide`, time `perpetual`); read once per document."""
        cached = self._unlimited_cache  # (definitions, language, terms): the tuple held, so `is` is safe
        if cached is not None and cached[0] is document.definitions and cached[1] == language:
            return cached[2]
        lexicon = self.pack.lexicon.compiled(language)
        terms = []
        for definition in document.definitions:
            head = normalise(definition.text).text
            cut = regex.search(r"[.。](?:\s|$)|。", head[len(definition.term) + 2:])
            head = head[: len(definition.term) + 2 + cut.start()] if cut else head
            if any((c.feature, c.value) in (("condition", "worldwide"), ("time", "perpetual")) for c in lexicon.find(head)):
                terms.append(definition.term)
        self._unlimited_cache = (document.definitions, language, tuple(terms))
        return tuple(terms)

    def _scope_text(self, scope: str, unit: _Unit, deepest: Clause, s_start: int, s_end: int, document: Document) -> str:
        if scope == "sentence":
            # A proviso (ただし書 / provided that) in the next sentence belongs to this one.
            for start, end in unit.sentences:
                if start >= s_end and _RE_PROVISO.match(unit.norm.text[start:end]):
                    return unit.norm.text[s_start:end]
                if start >= s_end:
                    break
            return unit.norm.text[s_start:s_end]
        if scope == "paragraph":
            return _normalised_text(deepest.text)
        if scope == "clause":
            return unit.norm.text
        return _normalised_document(document.text)

    # -- topics and findings ----------------------------------------------------------

    def _topics(self, document: Document, outcomes: dict[str, _RuleOutcome], unreadable: bool) -> dict[str, TopicResult]:
        return topic_results(self.pack, document, outcomes, unreadable)

    def _findings(self, document, outcomes, topics, contract_type, perspective, language, options, unreadable) -> list[Finding]:
        profile = self.pack.profiles.get(contract_type.id)
        required = required_elements(profile, document, topics)
        versions = ParallelVersions(document)  # a bilingual contract's two versions of each clause
        drafts: list[tuple[int, int, dict]] = []
        by_dominant: list[tuple[Rule, list[_Hit]]] = []  # favour told from the other findings
        for rule in self.pack.active():
            if options.only_rules is not None and rule.id not in options.only_rules:
                continue
            if not _applies(rule, contract_type.id) and not options.force_required:
                continue
            if rule.kind == "require":
                draft = missing_draft(rule, profile, required, topics, document, options.force_required, unreadable, language)
            elif rule.kind in ("risk", "conditional"):
                hits = risk_hits(outcomes.get(rule.id), versions, document.language)
                if not hits:
                    continue
                if rule.party is not None and rule.party.favours == "dominant":
                    by_dominant.append((rule, hits))
                    continue
                draft = risk_draft(rule, hits, document, perspective, language, self.pack.lexicon, outcomes.get(rule.id), versions)
            else:
                continue
            if draft is not None:
                drafts.append(draft)
        drafts += dominant_drafts(by_dominant, drafts, document, perspective, language)
        drafts.sort(key=lambda item: (-item[0], item[1], item[2]["rule"]))
        findings = [Finding(id=f"F{i}", **fields) for i, (_, _, fields) in enumerate(drafts, start=1)]
        return versions.merged(findings) if versions else findings


# Which required feature files a `when:` alternative in the pattern index: the most telling first.
_KEY_FEATURE_ORDER = ("action", "condition", "object", "time", "consideration", "modality")
# A sentence that defines who the parties are: 「X（以下「甲」という。）」, 'X ("Company")'.
_RE_NAMES_PARTIES = regex.compile(r"[(（]\s*以下|[(（]\s*(?:hereinafter\s+(?:referred\s+to\s+as\s+|called\s+)?)?(?:the\s+)?[\"“]", regex.IGNORECASE)
# A sentence that introduces a list: 「次の各号のいずれかに該当したときは」, "any of the following:".
_RE_LIST_HEAD = regex.compile(r"次の各号|以下の各号|各号の|次に掲げる|以下に掲げる|次のいずれか|次の|以下の|[:：]\s*$|following|as\s+follows|(?:if|where|when)\s*:?\s*$", regex.IGNORECASE)


def _lead_ins(unit: _Unit, statements) -> dict[int, Statement]:
    """For each statement inside a list item, the statement that introduces the list: the
    last one of the parent clause before its first item."""
    out: dict[int, Statement] = {}
    clause_start = unit.clause.start
    parents = [c for c in unit.clause.walk() if c.children]
    if not parents:
        return out
    spans = []  # (item start, item end, lead-in end) in the unit's normalised text
    for parent in parents:
        first_child = parent.children[0]
        head_start, head_end = unit.norm.from_original(parent.start - clause_start, first_child.start - clause_start)
        if head_end - head_start < 4 or not _RE_LIST_HEAD.search(unit.norm.text, max(head_start, head_end - 120), head_end):
            continue  # 項 after a first paragraph are siblings, not items of a list it introduces
        for child in parent.children:
            child_start, child_end = unit.norm.from_original(child.start - clause_start, child.end - clause_start)
            spans.append((child_start, child_end, head_start, head_end))
    for position, statement in enumerate(statements):
        for child_start, child_end, head_start, head_end in spans:
            if child_start <= statement.start < child_end:
                heads = [s for s in statements if head_start <= s.start < head_end and s.cues]
                if heads:
                    out[position] = heads[-1]
    return out


# A statement that sets a contrast ("…, whereas B's information is protected whether or not
# marked") speaks of something else: it qualifies nothing before it.
_RE_CONTRAST = regex.compile(r"\bwhereas\b|\bwhile\b|一方[、，]", regex.IGNORECASE)


def _qualifying_provisos(statements, position: int, sentences=(), text: str = "") -> dict[str, frozenset[str]]:
    """The condition features of what qualifies the statement at `position`: the provisos that
    follow it, and the rest of its sentence after a semicolon ("We may update these terms by
    notice; changes do not apply to your current term unless you agree")."""
    current = statements[position]
    if current.proviso:
        return {}
    sentence_end = next((end for start, end in sentences if start <= current.start < end), current.end)
    found: set[str] = set()
    previous_end = current.end
    for statement in statements[position + 1:]:
        if not statement.proviso and statement.start >= sentence_end:
            break
        if not statement.proviso and _RE_CONTRAST.search(text, max(0, previous_end - 12), statement.start + 12):
            break
        found |= statement.values("condition")
        previous_end = statement.end
    return {"condition": frozenset(found)} if found else {}


def _likewise_leads(statements) -> dict[int, Statement]:
    """For each "likewise" statement (condition `likewise`: 同様とする, "the same applies"), the
    statement before it whose rule it extends."""
    out: dict[int, Statement] = {}
    for position, statement in enumerate(statements):
        cue = next((c for c in statement.cues if c.feature == "condition" and c.value == "likewise"), None)
        if not position or cue is None:
            continue
        # 「…甲に帰属するものとし、乙が…についても同様とする」 states its own rule first: not an extension.
        if any(c.feature == "modality" and c.end <= cue.start for c in statement.cues):
            continue
        before = next((s for s in reversed(statements[:position]) if s.cues), None)
        if before is not None:
            out[position] = before
    return out


@lru_cache(maxsize=64)
def _normalised_text(text: str) -> str:
    """A clause or a clause head, normalised once for all the hits that need it as context
    (str hashes are cached, so repeated lookups are cheap)."""
    return normalise(text).text


@lru_cache(maxsize=2)
def _normalised_document(text: str) -> str:
    """The whole document for document-scope rules; only the last two are kept (size)."""
    return normalise(text).text


def _applies(rule: Rule, contract_type: str) -> bool:
    return "all" in rule.applies_to or contract_type in rule.applies_to


def _alternation_of(values) -> str:
    values = sorted(values, key=len, reverse=True)
    return "(?:" + "|".join(regex.escape(v) for v in values) + ")" if values else "(?!)"


def _placeholder_aliases(index: PartyIndex, perspective: str | None) -> dict[str, str]:
    everyone = index.alternation
    if perspective is None:
        return {"{PARTY}": f"(?:{everyone})", "{US}": f"(?:{everyone})", "{THEM}": f"(?:{everyone})", "{OTHER}": f"(?:{everyone})"}
    ours = [a for a, pid in index.alias_to_id.items() if pid == perspective]
    theirs = [a for a, pid in index.alias_to_id.items() if pid != perspective]

    def alt(values):
        values = sorted(values, key=len, reverse=True)
        return "(?:" + "|".join(regex.escape(v) for v in values) + ")" if values else "(?!)"

    return {"{PARTY}": f"(?:{everyone})", "{US}": alt(ours), "{THEM}": alt(theirs), "{OTHER}": f"(?:{everyone})"}


def _matches_from(matcher, subject: str, starts: list[int], timed: bool, seconds: float = REGEX_TIMEOUT_SECONDS):
    """The matches `finditer` would give, tried only at `starts`, the ascending offsets where
    a match can begin (see LiteralIndex): the first match at or after each place the last
    one ended. All the tries share one deadline, as a single `finditer` would; each try
    carries the time limit itself only when `timed` (see `backtracking_is_bounded`)."""
    deadline = time.perf_counter() + seconds
    last_end = 0
    for start in starts:
        if start < last_end:
            continue
        remaining = deadline - time.perf_counter()
        if remaining <= 0:
            raise TimeoutError("regex time limit")
        m = matcher.match(subject, start, timeout=remaining) if timed else matcher.match(subject, start)
        if m is not None:
            yield m
            last_end = max(m.end(), start + 1)


def _sentences(text: str, language: str) -> list[tuple[int, int]]:
    spans = []
    start = 0
    for m in _RE_SENTENCE_END[language if language in _RE_SENTENCE_END else "en"].finditer(text):
        end = m.start() if m.group(0) == "\n" or m.group(0).isspace() else m.end()
        if m.group(0).strip() == "" and m.end() > m.start():
            end = m.start()
        if end > start:
            spans.append((start, end))
        start = m.end()
    if start < len(text):
        spans.append((start, len(text)))
    return spans or [(0, len(text))]


def _quantity_focus(hit: _Hit) -> str:
    """The text whose quantity a rule's `quantity:` judges: the match of a regex; for a
    statement, what leads up to its time cue ("at least sixty (60) days prior to the end"),
    so that another number of the sentence (a one-year renewal term) does not count."""
    text = hit.unit.norm.text
    if hit.statement is None or hit.pattern is None:
        return text[hit.start:hit.end]
    wanted = hit.pattern.values("time")
    cue = next((c for c in hit.statement.cues if c.feature == "time" and c.value in wanted), None)
    if cue is None:
        return text[hit.start:hit.end]
    kind = hit.rule.quantity.type if hit.rule.quantity is not None else "duration"
    # 「期間満了の六か月前までに」 holds its number inside the cue; English puts it just before
    # ("not less than 180 days before the end"): the quantity nearest the cue is the one.
    inside = text[cue.start:cue.end]
    if quantities.find(inside, kind):
        return inside
    window_start = max(hit.statement.start, cue.start - 60)
    before = quantities.find(text[window_start:cue.start], kind)
    return text[window_start + before[-1].start:cue.end] if before else text[window_start:cue.end]


def _quantity_ok(rule: Rule, sentence: str, matched: str = "") -> bool:
    spec = rule.quantity
    scale = {"days": 1, "months": 30, "years": 365}.get(spec.unit, 1) if spec.type == "duration" else 1
    # A match that quotes its own quantity ("notice 6 months before expiry") is judged by it
    # alone, so that another number in the sentence (the renewal term) does not count.
    found = quantities.find(matched, spec.type) if matched else []
    for quantity in found or quantities.find(sentence, spec.type):
        value = quantity.value / scale
        if spec.above is not None and not value > spec.above:
            continue
        if spec.below is not None and not value < spec.below:
            continue
        return True
    return False


