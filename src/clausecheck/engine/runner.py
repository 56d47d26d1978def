"""Run a compiled rule pack over a Document and produce a Report (topics and findings).

One pass per top-level clause: its text is normalised once, tokenised once (only when a
phrase could match), matched by the language's single PhraseMatcher and Matcher, and
scanned by the rule regexes, each only if the clause holds the words it needs and only at
the places a match can start (compiler.LiteralIndex). Every
hit is then filtered by the rule's context (inside / not_inside / unless / definitions /
quantity / requires) and judged for one-sidedness; findings quote the original text.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field, replace
from functools import lru_cache

import regex

from clausecheck.engine import quantities
from clausecheck.engine.bilingual import ParallelVersions, document_language_decides, drop_lone_reference_hits
from clausecheck.engine.budget import CURRENT_BUDGET, RegexBudget, context_key
from clausecheck.engine.compiler import REGEX_TIMEOUT_SECONDS, CompiledLanguage, backtracking_is_bounded, compile_folded, compile_regex, compile_rules, expand_placeholders, matches_folded
from clausecheck.engine.contract_type import detect_contract_type
from clausecheck.engine.hidden import HiddenText
from clausecheck.engine.lint import lint_findings, unfinished_warnings
from clausecheck.engine.perspective import advice_fields
from clausecheck.engine.loader import RulePack
from clausecheck.engine.parties import MUTUAL, PartyIndex, build_index, resolve_party, subject_of, with_conventional_parties
from clausecheck.engine.schema import TOPICS, LanguageBlock, Rule, StatementPattern
from clausecheck.engine.survival import article_of, surviving_articles
from clausecheck.engine.profiles import required_elements
from clausecheck.engine.quotes import operative_span
from clausecheck.engine.references import localise_all
from clausecheck.lang import NormalisedText, normalise, pipeline, split_for_tokeniser
from clausecheck.structure.bilingual import is_bilingual, translation_parts
from clausecheck.statements import Statement, statements_of
from clausecheck.statements.extract import FEATURE_SPAN, MAX_STATEMENT_CHARS
from clausecheck.model import (
    SEVERITY_ORDER,
    Clause,
    ContractType,
    Document,
    Evidence,
    Finding,
    Report,
    TopicResult,
    Warning,
)
from clausecheck.topicmodel.combine import combine as combine_with_model
from clausecheck.topicmodel.model import shipped_model

EVIDENCE_MAX_CHARS = 500
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


@dataclass
class _Unit:
    """A top-level clause as the matchers see it."""

    clause: Clause
    language: str
    norm: NormalisedText
    sentences: list[tuple[int, int]]
    statements: tuple = ()  # set by the statement stage, read when one statement needs another
    document_units: list = field(default_factory=list)  # every unit of the document (shared list)
    survives: tuple | None = None  # (unit, statement) of a survival clause that cites this article
    reference: bool = False  # a translation paragraph inside an article of the other language


@dataclass
class _Hit:
    rule: Rule
    unit: _Unit
    start: int  # in the unit's normalised text
    end: int
    subject: str | None = None
    favours: str | None = None
    statement: Statement | None = None  # set when a `when:` pattern matched a statement
    pattern: StatementPattern | None = None
    lead_in: Statement | None = None  # the sentence that introduces the list item matched
    likewise: bool = False  # the statement extends its lead-in's rule ("…についても同様とする")
    survives: tuple | None = None  # the survival statement that made it hold after the term


_NO_BLOCK = LanguageBlock()


@dataclass
class _RuleOutcome:
    topic_hits: list[_Hit] = field(default_factory=list)
    finding_hits: list[_Hit] = field(default_factory=list)
    reference_hits: list[_Hit] = field(default_factory=list)  # read in a translation paragraph: quoted, never deciding


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
            subject = subject_of(sentence, index, hit.start - sentence_start)
            if subject is None and hit.end > sentence_end:
                # The match began in a heading line; its sentence is where it ends.
                end_start, end_end = _sentence_around(unit, hit.end - 1)
                subject = subject_of(unit.norm.text[end_start:end_end], index)
            if subject is None:
                # The subject is often at the head of the clause: "甲は、次の各号の場合…"
                first_start, first_end = unit.sentences[0] if unit.sentences else (0, 0)
                subject = subject_of(unit.norm.text[first_start:first_end], index)
            if subject is None and _first_named(sentence, index) == MUTUAL:
                subject = MUTUAL  # 「甲及び乙が相互に開示する情報は…」: about both sides
            hit.subject = subject
            if subject and subject != MUTUAL:
                hit.favours = subject if rule.party.favours == "subject" else index.other(subject)
        if rule.kind == "conditional":
            # A limit named by a defined term that the contract defines as none ("Territory"
            # means all countries of the world) limits nothing.
            scope_text = _mask_terms(scope_text, self._unlimited_terms(document, unit.language))
            # {OTHER} in a `requires` is the side the hit does not favour: the licence back
            # that cures "results vest in 甲" is one to 乙, not 乙's technology licensed to 甲.
            others = [a for a, pid in index.alias_to_id.items() if hit.favours and pid != hit.favours]
            required_aliases = {**aliases, "{OTHER}": _alternation_of(others)} if others else aliases
            if _scope_search(rule.scope, block.requires, scope_text, unit.language, required_aliases):
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
        by_topic: dict[str, list[_Hit]] = {}
        for rule_id, outcome in outcomes.items():
            for hit in outcome.topic_hits:
                by_topic.setdefault(hit.rule.topic, []).append(hit)
        all_topics = list(TOPICS) + sorted({r.topic for r in self.pack.active() if r.kind != "lint"} - set(TOPICS))
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
                is_required = options.force_required or rule.topic in required
                if not is_required or unreadable or topics[rule.topic].status != "absent":
                    continue
                if rule.languages and document.language not in rule.languages:
                    continue
                severity = (profile.missing_severity.get(rule.topic) if profile else None) or rule.severity
                drafts.append((SEVERITY_ORDER[severity], 10**9, _finding_fields(rule, "missing", severity, None, (), language)))
                continue
            if rule.kind not in ("risk", "conditional"):
                continue
            outcome = outcomes.get(rule.id)
            if outcome is None or not outcome.finding_hits:
                continue
            hits = outcome.finding_hits
            favours = None
            statement_hits = [h for h in hits if h.statement is not None]
            if statement_hits:
                # Where a rule's statement and its regexes both read a sentence, the statement's
                # reading of who acts is the one to trust; a regex hit elsewhere still counts.
                def read_by_a_statement(hit: _Hit) -> bool:
                    return any(s.unit is hit.unit and s.start < hit.end and hit.start < s.end for s in statement_hits)

                hits = statement_hits + [h for h in hits if h.statement is None and not read_by_a_statement(h)]
                if versions:
                    # The other version of a clause a statement read says the same thing: the statement's reading stands.
                    read = [_original_offset(h.unit, h.start) for h in statement_hits]
                    hits = [h for h in hits if h.statement is not None or not versions.translates_any(_original_offset(h.unit, h.start), read)]
            if versions:
                hits = document_language_decides(hits, document.language)
            if rule.party is not None and rule.party.favours == "dominant":
                by_dominant.append((rule, hits))
                continue
            kind, severity = "risk", rule.severity
            if rule.party is not None:
                favoured = {h.favours for h in hits if h.favours}
                mutual = MUTUAL in {h.subject for h in hits} or len(favoured) > 1
                if rule.party.one_sided_only and mutual:
                    continue
                if len(favoured) == 1:
                    favours = next(iter(favoured))
                    hits = [h for h in hits if h.favours == favours] or hits
                elif mutual and rule.party.mutual_as == "note":
                    kind, severity = "note", "info"  # a gap both sides share: worth knowing
            if perspective and favours:
                if favours == perspective:
                    kind, severity = "note", "info"
            evidence = _evidence_list(document, hits, limit=rule.max_evidence)
            if versions:
                # The other version's quote may come from a hit the reading of who acts set aside.
                every_hit = outcome.finding_hits + outcome.reference_hits
                evidence = versions.with_counterparts(evidence, _evidence_list(document, every_hit, limit=len(every_hit)))
            first = min(_original_offset(h.unit, h.start) for h in hits)
            fields = _finding_fields(rule, kind, severity, favours, evidence, language)
            fields.update(advice_fields(rule, kind, favours, perspective, tuple(p.id for p in document.parties), language))
            fields["explanation"] = _explanation(hits, favours, document, self.pack.lexicon)
            drafts.append((SEVERITY_ORDER[severity], first, fields))
        if by_dominant:
            dominant, lead, total = _dominant_party(drafts)
            for rule, hits in by_dominant:
                kind, severity = "risk", rule.severity
                if perspective and dominant == perspective:
                    kind, severity = "note", "info"
                fields = _finding_fields(rule, kind, severity, dominant, _evidence_list(document, hits, limit=rule.max_evidence), language)
                fields["explanation"] = _dominant_explanation(dominant, lead, total, document) if dominant else {}
                drafts.append((SEVERITY_ORDER[severity], min(_original_offset(h.unit, h.start) for h in hits), fields))
        drafts.sort(key=lambda item: (-item[0], item[1], item[2]["rule"]))
        findings = [Finding(id=f"F{i}", **fields) for i, (_, _, fields) in enumerate(drafts, start=1)]
        return versions.merged(findings) if versions else findings


# Which required feature files a `when:` alternative in the pattern index: the most telling first.
_KEY_FEATURE_ORDER = ("action", "condition", "object", "time", "consideration", "modality")
_MODALITY_PRIORITY = ("prohibition", "exemption", "right", "state", "obligation")


# A side "dominates" a contract when it is favoured by at least this many one-sided findings
# and by at least twice as many as the other side.
_DOMINANT_MIN_FINDINGS = 3


def _dominant_party(drafts: list[tuple[int, int, dict]]) -> tuple[str | None, int, int]:
    """The side most of the one-sided findings favour, with its count and the total; None
    when no side leads clearly (a fair contract, or one-sided terms both ways)."""
    counts: dict[str, int] = {}
    for _, _, fields in drafts:
        favours = fields.get("favours")
        if fields["kind"] in ("risk", "note") and favours and favours != MUTUAL:
            counts[favours] = counts.get(favours, 0) + 1
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    total = sum(counts.values())
    if not ranked or ranked[0][1] < _DOMINANT_MIN_FINDINGS:
        return None, 0, total
    if len(ranked) > 1 and ranked[0][1] < 2 * ranked[1][1]:
        return None, 0, total
    return ranked[0][0], ranked[0][1], total


def _dominant_explanation(party_id: str, lead: int, total: int, document: Document) -> dict:
    party = document.party(party_id)
    name = party.all_names[0] if party and party.all_names else party_id
    return {
        "favours": party_id,
        "favours_from": "dominant",
        "said": {
            "en": f"binds both sides alike; {lead} of the contract's {total} one-sided terms favour {name} → favours {name}",
            "ja": f"双方に同じく適用されるが、本契約の一方的な条項{total}件中{lead}件が{name}に有利 → {name}に有利",
        },
    }


def _explanation(hits: list[_Hit], favours: str | None, document: Document, lexicon) -> dict:
    """The statement features behind a finding (DESIGN.md §8): what the first matching
    statement says, feature by feature, whom that favours, and the same in plain words of
    both memo languages (「乙 · 義務 · 譲渡 · 成果 · 無償 → 甲に有利」)."""
    hit = next((h for h in sorted(hits, key=lambda h: (h.unit.clause.start, h.start)) if h.statement is not None), None)
    if hit is None:
        return {}
    out: dict = {"actor": hit.subject}
    said_values: list[tuple[str, str]] = []
    for feature in ("modality", "action", "object", "consideration", "time", "condition"):
        asked = hit.pattern.values(feature)
        said = hit.statement.values(feature) | (hit.lead_in.values(feature) if hit.lead_in is not None else frozenset())
        values = sorted(said & asked) if asked else []
        if feature == "modality" and len(values) > 1:
            # "must · may not" reads as nonsense: say the one that binds most.
            values = [next(m for m in _MODALITY_PRIORITY if m in values)]
        if values:
            out[feature] = values
            said_values += [(feature, v) for v in values]
    out["favours"] = favours
    # The number a `when.quantity` asked for: 「９０日 (支払期限)」.
    quantity = next((q for q in hit.statement.quantities if hit.pattern.quantity.holds_for(q)), None) if hit.pattern.quantity else None
    if quantity is not None:
        out["quantity"] = {"text": quantity.text, "value": quantity.value, "type": quantity.type, "meaning": quantity.meaning}

    def name(party_id: str | None, language: str) -> str:
        if party_id == MUTUAL:
            return "both parties" if language == "en" else "双方"
        party = document.party(party_id) if party_id else None
        return party.all_names[0] if party and party.all_names else ("?" if language == "en" else "不明")

    words = {}
    for language in ("en", "ja"):
        parts = [name(hit.subject, language)] + [lexicon.label(f, v, language) for f, v in said_values]
        if quantity is not None:
            parts.append(f"{quantity.text} ({lexicon.label('quantity', quantity.meaning or quantity.type, language)})")
        line = " · ".join(parts)
        if favours:
            line += f" → favours {name(favours, 'en')}" if language == "en" else f" → {name(favours, 'ja')}に有利"
        words[language] = line
    out["said"] = words
    return out


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


def _statement_party(hit: _Hit, index: PartyIndex, sentence: str, sentence_start: int) -> bool:
    """Set the hit's actor and favoured party from its statement; False when the pattern's
    `actor` condition does not hold (a mutual sentence where one party must act)."""
    statement, pattern, rule = hit.statement, hit.pattern, hit.rule
    text = hit.unit.norm.text
    if hit.likewise and hit.lead_in is not None:
        # Who holds the right or the duty is said in the sentence the "likewise" extends.
        statement = hit.lead_in
        sentence_start, sentence_end = _sentence_around(hit.unit, statement.start)
        sentence = text[sentence_start:sentence_end]
    lead_subject = None
    if hit.lead_in is not None and not hit.likewise:
        lead_start, lead_end = _sentence_around(hit.unit, hit.lead_in.start)
        lead_subject = _actor_of(hit.lead_in, pattern, index, text[lead_start:lead_end], lead_start)
    asked = pattern.values("modality") | pattern.values("action")
    if lead_subject is not None and not any(c.value in asked for c in statement.cues if c.feature in ("modality", "action")):
        # The item names a ground (「(2) 乙が本契約に違反したとき」); the right and who holds
        # it are the lead-in's (「甲は、…次の各号のいずれかに該当したときは、解除できる」).
        subject = lead_subject
    else:
        # A list item with no subject of its own takes the lead-in's
        # (「受領者は、…次の義務を負う。(a) …開示しないこと」).
        subject = _actor_of(statement, pattern, index, sentence, sentence_start) or lead_subject
    if subject is None:
        # "…all costs of the Programme shall be borne by Partner": no subject, but a holder.
        # "Nothing in this Agreement restricts Company from…": neither; the first one named acts.
        subject = _holder_in(sentence, index) or _first_named(sentence, index)
    if pattern.actor == "party" and (subject is None or subject == MUTUAL):
        return False
    if pattern.actor == "mutual" and subject != MUTUAL:
        return False
    if pattern.actor == "none" and subject is not None:
        return False
    hit.subject = subject
    if rule.party is None:
        return True
    mode = pattern.favours or rule.party.favours
    if mode == "auto":
        modalities = pattern.values("modality") & statement.values("modality")
        mode = "holder" if "state" in modalities else "actor" if modalities & {"right", "exemption"} else "other"
    single = subject if subject and subject != MUTUAL else None
    if mode in ("subject", "actor"):
        favours = single
    elif mode == "other":
        favours = index.other(single) if single else None
    elif mode == "holder":
        favours = _holder_in(sentence, index) or single
    elif mode == "named":
        favours = _named_in_cues(text, hit, index) or single
    elif mode == "payer":
        # A cost of being paid (振込手数料, bank charges) is one-sided only when it falls on the
        # side that is paid: who pays is said in the clause's own duty to pay.
        payer = _payer_in(hit.unit, index)
        bearer = _bearer_of(statement, index, sentence, sentence_start) or single
        if payer is None or bearer is None or payer == bearer:
            return False
        favours = payer
    else:  # beneficiary
        favours = _beneficiary_in(sentence, index, single) or (index.other(single) if single else None)
    hit.favours = favours if favours != MUTUAL else None
    return True


def _actor_of(statement: Statement, pattern: StatementPattern, index: PartyIndex, sentence: str, sentence_start: int) -> str | None:
    """The subject of the clause that holds the pattern's words (a sentence may join two
    clauses with their own subjects): read from the first cue the pattern asks for."""
    anchor = None
    # English names the actor right before its modal verb ("Supplier will undertake…"), so
    # the modality is the surest anchor; Japanese ends on its predicate, so the action is.
    order = ("modality", "action", "object") if index.language == "en" else ("action", "modality", "object")
    for feature in order:
        values = pattern.values(feature)
        cue = statement.first(feature, values) if values else None
        if cue is not None:
            anchor = cue
            break
    offset = max(0, (anchor.start if anchor is not None else statement.start) - sentence_start)
    if index.language == "en" and anchor is not None:
        # "Licensor represents and warrants that … Licensee will …": the actor of a
        # statement is named before its own verb, not inside what it reports.
        return subject_of(sentence[: max(offset, anchor.end - sentence_start)], index, offset)
    return _holder_at(sentence, index, offset) or subject_of(sentence, index, offset)


def _holder_at(sentence: str, index: PartyIndex, offset: int) -> str | None:
    """Japanese: the party of a holder phrase that carries the statement's own verb
    (「振込手数料は受託者の負担とし、委託者は…」: the cost is 受託者's, whoever the topic is)."""
    if index.holder_pattern is None:
        return None
    for m in index.holder_pattern.finditer(sentence):
        if m.start() <= offset <= m.end() + 2:
            return index.party_id(m.group("alias"))
    return None


_PAY_DUTY = StatementPattern((("action", frozenset({"pay"})), ("modality", frozenset({"obligation"}))))


def _payer_in(unit: _Unit, index: PartyIndex) -> str | None:
    """The party the contract makes pay (「委託者は、…委託料を支払う」, "Company shall pay …"):
    the one its own clause names, else the one most of the contract's duties to pay bind."""
    def payers(of_unit: _Unit) -> list[str]:
        found = []
        for statement in of_unit.statements:
            features = statement.features()
            if not _PAY_DUTY.matches(features, statement.proviso):
                continue
            fee = statement.first("object", {"bank_fee"})
            pay = statement.first("action", {"pay"})
            if fee is not None and (pay is None or pay.start > fee.start):
                continue  # a sentence about the fee alone says who bears it, not who pays
            start, end = _sentence_around(of_unit, statement.start)
            actor = _actor_of(statement, _PAY_DUTY, index, of_unit.norm.text[start:end], start)
            if actor and actor != MUTUAL:
                found.append(actor)
        return found

    own = payers(unit)
    if own:
        return own[0]
    counts: dict[str, int] = {}
    for other in unit.document_units:
        if other is not unit:
            for actor in payers(other):
                counts[actor] = counts.get(actor, 0) + 1
    ranked = sorted(counts.items(), key=lambda item: -item[1])
    if not ranked or (len(ranked) > 1 and ranked[0][1] == ranked[1][1]):
        return None  # both sides pay as much: who is paid cannot be told
    return ranked[0][0]


def _bearer_of(statement: Statement, index: PartyIndex, sentence: str, sentence_start: int) -> str | None:
    """Who bears the fee the statement names, read at the fee, not at the sentence's first
    verb: "Licensee shall pay …, and Licensor shall be responsible for any bank charges",
    「委託者は…支払うものとし、送金手数料は受託者が負担する」."""
    fee = statement.first("object", {"bank_fee"})
    if fee is None:
        return None
    if index.language == "en":
        before = [c for c in statement.cues if c.feature == "modality" and c.start < fee.start]
        if not before:
            return None
        cue = before[-1]
        return subject_of(sentence[: cue.end - sentence_start], index, cue.start - sentence_start)
    after = [c for c in statement.cues if c.feature == "action" and c.value in ("bear_costs", "pay") and c.start >= fee.end]
    if not after:
        return None
    offset = after[0].start - sentence_start
    return _holder_at(sentence, index, offset) or subject_of(sentence, index, offset)


def _first_named(sentence: str, index: PartyIndex) -> str | None:
    """The party named first in a sentence without a subject; both sides when a mutual phrase
    comes first (「甲及び乙が相互に開示する情報は…」)."""
    if not index.alias_to_id:
        return None
    m = _alias_pattern(index.alternation, index.language).search(sentence)
    if m is None:
        return None
    both = index.mutual_pattern.search(sentence)
    return MUTUAL if both is not None and both.start() <= m.start() else index.party_id(m.group(0))


@lru_cache(maxsize=256)
def _alias_pattern(alternation: str, language: str):
    if language == "en":
        return regex.compile(f"(?<![\\w])(?:{alternation})(?![\\w])", regex.IGNORECASE)
    return regex.compile(f"(?:{alternation})")


def _named_in_cues(text: str, hit: _Hit, index: PartyIndex) -> str | None:
    """The party a condition or time cue of the pattern names: inside the cue ("until Company
    notifies", "in Licensor's sole judgement"), else the last one named just before it
    (「トウカイが…承認した日」, 「甲が判断したとき」)."""
    if not index.alias_to_id:
        return None
    pattern = _alias_pattern(index.alternation, index.language)
    for statement in (hit.statement, hit.lead_in):
        if statement is None:
            continue
        for feature in ("time", "condition", "modality"):
            values = hit.pattern.values(feature)
            if not values:
                continue
            cue = statement.first(feature, values)
            if cue is None:
                continue
            inside = pattern.search(text, cue.start, cue.end)
            if inside:
                return index.party_id(inside.group(0))
            if index.language != "ja":
                return None  # English: the actor, named before its verb, decides
            window_start = max(statement.start, cue.start - 60)
            before = list(pattern.finditer(text, window_start, cue.start))
            # The agent of the deciding verb is marked が/は (甲が…乙に通知する日): prefer it
            # to a party named later as the one told (乙に).
            agents = [m for m in before if text.startswith(("が", "は"), m.end())]
            chosen = agents[-1] if agents else before[-1] if before else None
            if chosen is not None:
                return index.party_id(chosen.group(0))
    return None


def _holder_in(sentence: str, index: PartyIndex) -> str | None:
    if index.holder_pattern is None:
        return None
    m = index.holder_pattern.search(sentence)
    return index.party_id(m.group("alias")) if m else None


_RECIPIENT_MARKERS = {
    "ja": r"(?:に対し(?:て)?|へ|に)",
    "en": r"(?:to|for|with|in\s+favou?r\s+of|on\s+behalf\s+of|grants?|appoints?)\s+(?:the\s+)?",
}


@lru_cache(maxsize=256)
def _recipient_pattern(alternation: str, language: str):
    if language == "ja":
        return regex.compile(f"(?P<alias>{alternation}){_RECIPIENT_MARKERS['ja']}")
    return regex.compile(f"{_RECIPIENT_MARKERS['en']}(?P<alias>{alternation})(?![\\w])", regex.IGNORECASE)


def _beneficiary_in(sentence: str, index: PartyIndex, subject: str | None) -> str | None:
    """The party a sentence gives to (乙は甲に対し…開示する, "assigns to Company"), not its actor."""
    if not index.alias_to_id:
        return None
    # The first party named as a recipient, even when it also looks like the subject: in
    # "the prices at which Partner supplies units to Company shall be…" the subject read
    # nearest the verb is Company, which is who receives.
    found = [index.party_id(m.group("alias")) for m in _recipient_pattern(index.alternation, index.language).finditer(sentence)]
    found = [party for party in found if party]
    if not found and subject and index.receiving_pattern is not None:
        # "Distributor is hereby appointed as the exclusive distributor": the subject receives.
        m = index.receiving_pattern.search(sentence)
        if m and index.party_id(m.group("alias")) == subject:
            return subject
    return next((p for p in found if p != subject), found[0] if found else None)


@lru_cache(maxsize=64)
def _normalised_text(text: str) -> str:
    """A clause or a clause head, normalised once for all the hits that need it as context
    (str hashes are cached, so repeated lookups are cheap)."""
    return normalise(text).text


@lru_cache(maxsize=2)
def _normalised_document(text: str) -> str:
    """The whole document for document-scope rules; only the last two are kept (size)."""
    return normalise(text).text


def _finding_fields(rule: Rule, kind: str, severity: str, favours, evidence, language: str) -> dict:
    return {
        "rule": rule.id,
        "topic": rule.topic,
        "kind": kind,
        "severity": severity,
        "title": rule.text("title", language),
        "message": rule.text("message", language),
        "why": rule.text("why", language),
        "recommendation": rule.text("recommendation", language),
        "question": rule.text("question", language),
        "favours": favours,
        "references": rule.references,
        "evidence": tuple(evidence),
    }


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


def _sentence_around(unit: _Unit, offset: int) -> tuple[int, int]:
    for start, end in unit.sentences:
        if start <= offset < end:
            return start, end
    return 0, len(unit.norm.text)


def _original_span(unit: _Unit, start: int, end: int) -> tuple[int, int]:
    orig_start, orig_end = unit.norm.to_original(start, end)
    return unit.clause.start + orig_start, unit.clause.start + orig_end


def _original_offset(unit: _Unit, norm_offset: int) -> int:
    start, _ = unit.norm.to_original(norm_offset, norm_offset + 1)
    return unit.clause.start + start


def _deepest(clause: Clause, offset: int) -> Clause:
    found = clause
    for sub in clause.walk():
        if sub.start <= offset < sub.end:
            found = sub
    return found


def _any_search(patterns, text: str, language: str, aliases: dict[str, str]) -> bool:
    budget = CURRENT_BUDGET.get()
    for pattern in patterns:
        key, timed = context_key(pattern), not backtracking_is_bounded(pattern)
        if budget is not None and not budget.allows(key, timed):
            continue
        started = time.perf_counter()
        try:
            timeout = budget.timeout() if budget is not None else REGEX_TIMEOUT_SECONDS
            if compile_regex(expand_placeholders(pattern, aliases), language).search(text, timeout=timeout):
                return True
        except TimeoutError:
            if budget is not None:
                budget.timed_out(key)
            continue
        finally:
            if budget is not None:
                budget.charge(key, time.perf_counter() - started, timed)
    return False


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


def _mask_terms(text: str, terms: tuple[str, ...]) -> str:
    """`text` with each of `terms` blanked out (same length, so offsets hold)."""
    for term in terms:
        if term and term in text:
            text = text.replace(term, " " * len(term))
    return text


def _scope_search(scope: str, patterns, text: str, language: str, aliases: dict[str, str]) -> bool:
    """`_any_search` over a rule's scope text. Every hit of a document-scope rule asks the
    same question of the same document, so that answer is kept rather than searched again."""
    if scope == "document":
        return _document_search(tuple(patterns), text, language, tuple(sorted(aliases.items())))
    return _any_search(patterns, text, language, aliases)


@lru_cache(maxsize=32)  # a key holds the document text: keep few
def _document_search(patterns: tuple[str, ...], text: str, language: str, aliases: tuple[tuple[str, str], ...]) -> bool:
    return _any_search(patterns, text, language, dict(aliases))


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


def _evidence_list(document: Document, hits: list[_Hit], limit: int) -> list[Evidence]:
    seen: set[tuple[int, int]] = set()
    evidence: list[Evidence] = []
    for hit in sorted(hits, key=lambda h: (h.unit.clause.start, h.start)):
        item = _evidence(document, hit)
        key = (item.start, item.end)
        if key in seen:
            continue
        seen.add(key)
        evidence.append(item)
        if len(evidence) >= limit:
            break
    return evidence


def _evidence(document: Document, hit: _Hit) -> Evidence:
    unit = hit.unit
    s_start, s_end = _sentence_around(unit, hit.start)
    # A match may run past its first sentence (a heading line above it): quote through the
    # end of the sentence where it ends.
    s_end = max(s_end, _sentence_around(unit, max(hit.end - 1, hit.start))[1])
    orig_s_start, orig_s_end = unit.norm.to_original(s_start, s_end)
    orig_m_start, orig_m_end = unit.norm.to_original(hit.start, hit.end)
    base = unit.clause.start
    match_start, match_end = base + orig_m_start, base + orig_m_end
    # The quote must hold the match whole.
    start, end = min(base + orig_s_start, match_start), max(base + orig_s_end, match_end)
    start, end = operative_span(document, _deepest(unit.clause, match_start), start, end, EVIDENCE_MAX_CHARS)
    if end - start > EVIDENCE_MAX_CHARS:
        # Keep the match in view: a window around it, cut at the sentence edges.
        half = (EVIDENCE_MAX_CHARS - (match_end - match_start)) // 2
        start = max(start, match_start - max(half, 40))
        end = min(end, max(match_end + max(half, 40), start + EVIDENCE_MAX_CHARS))
    text = document.text[start:end]
    stripped_left = len(text) - len(text.lstrip())
    text = text.strip()
    start += stripped_left
    end = start + len(text)
    clause = _deepest(unit.clause, match_start)
    block = document.block_at(match_start)
    return Evidence(
        clause=clause.number or unit.clause.number or clause.heading,
        page=block.page if block else clause.page,
        block=block.index if block else None,
        start=start,
        end=end,
        text=text,
        match=document.text[match_start:match_end],
        match_start=max(0, match_start - start),
    )
