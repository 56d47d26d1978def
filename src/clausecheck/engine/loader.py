"""Load rule packs from YAML: validate everything, report every problem with file:line.

A pack is a folder of rule files (one rule per file, any depth) and optionally a
`profiles.yaml` (contract types). Packs given with `--rules` are layered over the
built-in pack: a rule with the same id replaces the built-in one; `disabled: true`
switches it off.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field, replace
from pathlib import Path

import regex
import yaml

from clausecheck.engine import schema, suggestions
from clausecheck.engine.compiler import check_regex, check_token_pattern
from clausecheck.engine.pack_limits import MAX_RULE_FILE_BYTES, PackTooLarge, PatternTally, check_yaml_size, count_patterns
from clausecheck.engine.references import ReferenceForms
from clausecheck.engine.survival import Citations
from clausecheck.engine.schema import Condition, LanguageBlock, LintSpec, PartySpec, Profile, QuantityCondition, QuantitySpec, Rule, StatementPattern
from clausecheck.errors import RuleError, RuleProblem
from clausecheck.statements.lexicon import Lexicon, load_lexicon
from clausecheck.statements.variants import lexicon_variants
from clausecheck.vocabulary import PARTIES_FILE, PROFILES_FILE, TOPICS_FILE, builtin_rules_dir

PATTERNS_FILE = "patterns.yaml"  # lists of regexes that several rules share, used as '@name'
REFERENCES_FILE = "references.yaml"  # English forms of the references rules cite
CITATIONS_FILE = "citations.yaml"  # how a contract cites its own articles (survival clauses)
RULE_SUFFIXES = (".yaml", ".yml")
RESERVED_FILES = {PROFILES_FILE, PARTIES_FILE, TOPICS_FILE, PATTERNS_FILE, suggestions.SUGGESTIONS_FILE, REFERENCES_FILE, CITATIONS_FILE}
LEXICON_DIR = "lexicon"  # rules/lexicon/<feature>.yaml: the cue words of statement features
_RE_LIST_NAME = re.compile(r"^[a-z0-9][a-z0-9-]*$")


class _LineDict(dict):
    """A mapping that remembers the line of each key (1-based)."""

    lines: dict
    line: int


class _LineLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # libyaml when PyYAML has it: 5x faster
    pass


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> _LineDict:
    loader.flatten_mapping(node)
    result = _LineDict()
    result.lines = {}
    result.line = node.start_mark.line + 1
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in result:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark
            )
        result[key] = loader.construct_object(value_node, deep=True)
        result.lines[key] = key_node.start_mark.line + 1
    return result


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def load_yaml(path: Path, problems: list[RuleProblem]):
    try:
        size = path.stat().st_size
        if size > MAX_RULE_FILE_BYTES:
            problems.append(RuleProblem(str(path), 1, "E220", f"rule file of {size:,} bytes is over the limit of {MAX_RULE_FILE_BYTES:,}"))
            return None
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        problems.append(RuleProblem(str(path), 1, "E201", f"cannot read file: {exc}"))
        return None
    try:
        check_yaml_size(text)  # before any object is built: an alias bomb never expands
        return yaml.load(text, Loader=_LineLoader)  # noqa: S506 - a SafeLoader subclass
    except PackTooLarge as exc:
        problems.append(RuleProblem(str(path), 1, "E220", str(exc)))
        return None
    except (RecursionError, MemoryError):
        problems.append(RuleProblem(str(path), 1, "E220", "YAML too deeply nested or too large to build"))
        return None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = mark.line + 1 if mark else 1
        problems.append(RuleProblem(str(path), line, "E201", f"YAML syntax error: {getattr(exc, 'problem', exc)}"))
        return None


@dataclass
class RulePack:
    rules: dict[str, Rule]
    profiles: dict[str, Profile]
    party_words: dict[str, dict[str, tuple[str, ...]]]
    version: str
    sources: list[str] = field(default_factory=list)
    lexicon: Lexicon = field(default_factory=lambda: Lexicon({}))
    reference_forms: ReferenceForms = field(default_factory=ReferenceForms)
    citations: Citations = field(default_factory=lambda: Citations({}, {}))

    def active(self) -> list[Rule]:
        return [rule for rule in self.rules.values() if not rule.disabled]


def load_rules(extra_dirs: list[str | Path] | tuple = (), *, include_builtin: bool = True) -> RulePack:
    """Load the built-in pack and any user packs; raise RuleError listing every problem."""
    problems: list[RuleProblem] = []
    rules: dict[str, Rule] = {}
    profiles: dict[str, Profile] = {}
    party_words: dict[str, dict[str, tuple[str, ...]]] = {}
    digest = hashlib.sha256()
    dirs: list[tuple[Path, str]] = []
    if include_builtin:
        dirs.append((builtin_rules_dir(), "built-in"))
    dirs.extend((Path(d), str(d)) for d in extra_dirs)
    # Shared lists first: a user pack's rule may use a built-in list, and a user pack's list
    # of the same name replaces the built-in one.
    shared: dict[str, dict[str, tuple[str, ...]]] = {}
    tally = PatternTally()
    lexicon_entries: dict[str, dict[str, dict[str, tuple[str, ...]]]] = {}
    lexicon_labels: dict = {}
    lexicon_meanings: dict = {}  # quantity.yaml: what a number may be for
    reference_forms = ReferenceForms()
    citations = Citations({}, {})
    for directory, _origin in dirs:
        if (directory / PATTERNS_FILE).is_file():
            lists = _parse_shared_lists(directory / PATTERNS_FILE, problems)
            tally.add(sum(len(values) for by_language in lists.values() for values in by_language.values()))
            shared.update(lists)
        if (directory / REFERENCES_FILE).is_file():
            reference_forms = _parse_reference_forms(directory / REFERENCES_FILE, reference_forms, problems)
        if (directory / CITATIONS_FILE).is_file():
            citations = _parse_citations(directory / CITATIONS_FILE, citations, problems)
        if (directory / LEXICON_DIR).is_dir():
            # A user pack's lexicon adds values and cue words to the built-in one.
            lexicon_problems: list = []
            found = load_lexicon(directory / LEXICON_DIR, lexicon_problems)
            problems.extend(RuleProblem(*p) for p in lexicon_problems)
            lexicon_labels.update(found.labels)
            lexicon_meanings.update(found.meanings)
            for feature, values in found.entries.items():
                for value, cues in values.items():
                    merged = lexicon_entries.setdefault(feature, {}).setdefault(value, {})
                    for language, words in cues.items():
                        merged[language] = tuple(dict.fromkeys(merged.get(language, ()) + words))
    lexicon = Lexicon(lexicon_entries, labels=lexicon_labels, meanings=lexicon_meanings, variants=lexicon_variants(lexicon_entries))
    for directory, origin in dirs:
        if not directory.is_dir():
            problems.append(RuleProblem(str(directory), 1, "E200", "rule folder not found"))
            continue
        pack_rules, pack_profiles, pack_parties = _load_pack(directory, origin, problems, digest, shared, tally, lexicon)
        rules.update(pack_rules)  # later packs override earlier ones by id
        profiles.update(pack_profiles)
        for key, value in pack_parties.items():
            if isinstance(value, dict):
                party_words.setdefault(key, {}).update(value)
            else:  # role_equivalents: a user pack's groups come after the built-in ones
                party_words[key] = tuple(party_words.get(key, ())) + tuple(value)
    _attach_suggestions(dirs, rules, problems)
    for rule in rules.values():
        for type_id in rule.applies_to:
            if type_id != "all" and profiles and type_id not in profiles:
                problems.append(RuleProblem(rule.path, rule.line, "E208", f"applies_to names unknown contract type {type_id!r}"))
    if problems:
        raise RuleError(f"{len(problems)} problem(s) in rule packs", problems=problems)
    version = f"{len(rules)}r-{digest.hexdigest()[:12]}"
    return RulePack(rules, profiles, party_words, version, [str(d) for d, _ in dirs], lexicon, reference_forms, citations)


def _load_pack(directory: Path, origin: str, problems: list[RuleProblem], digest, shared: dict, tally: PatternTally, lexicon: Lexicon | None = None):
    rules: dict[str, Rule] = {}
    profiles: dict[str, Profile] = {}
    parties: dict = {}
    files = sorted(p for p in directory.rglob("*") if p.suffix in RULE_SUFFIXES and p.is_file())
    for path in sorted((directory / LEXICON_DIR).glob("*")) if (directory / LEXICON_DIR).is_dir() else ():
        if path.is_file():
            digest.update(path.relative_to(directory).as_posix().encode())
            digest.update(path.read_bytes())
    files = [p for p in files if LEXICON_DIR not in p.relative_to(directory).parts[:-1]]
    first_file_of_id: dict[str, Path] = {}
    for path in files:
        digest.update(path.relative_to(directory).as_posix().encode())
        digest.update(path.read_bytes())
        if path.name in (PATTERNS_FILE, suggestions.SUGGESTIONS_FILE, REFERENCES_FILE, CITATIONS_FILE, TOPICS_FILE):
            continue  # read by load_rules before / after the rules; topics.yaml by clausecheck.vocabulary
        data = load_yaml(path, problems)
        if data is None:
            continue
        if path.name == PROFILES_FILE:
            profiles.update(_parse_profiles(path, data, problems))
            continue
        if path.name == PARTIES_FILE:
            parties = _parse_party_words(path, data, problems)
            continue
        # Ids are file stems: two files with one stem clash even when one of them is invalid.
        if path.stem in first_file_of_id:
            problems.append(RuleProblem(str(path), 1, "E205", f"duplicate rule id {path.stem!r} (also in {first_file_of_id[path.stem]})"))
            continue
        first_file_of_id[path.stem] = path
        if tally.add(count_patterns(data)):
            # Stop before compiling more: 330,000 regexes took 14 GB.
            problems.append(RuleProblem(str(path), 1, "E220", f"the rule packs hold more than {tally.limit:,} patterns (phrases, token patterns, regexes); the rest is not read"))
            break
        rule = parse_rule(path, data, problems, origin, shared, lexicon)
        if rule is not None:
            rules[rule.id] = rule
    return rules, profiles, parties


def _attach_suggestions(dirs: list[tuple[Path, str]], rules: dict[str, Rule], problems: list[RuleProblem]) -> None:
    """Give each rule the suggestions the packs' suggestions.yaml files hold for its id (later packs win)."""
    where: dict[str, tuple[str, int]] = {}
    for directory, _origin in dirs:
        path = directory / suggestions.SUGGESTIONS_FILE
        if not path.is_file():
            continue
        data = load_yaml(path, problems)
        if data is None:
            continue
        for rule_id, texts in suggestions.parse_suggestions(path, data, problems).items():
            where[rule_id] = (str(path), getattr(data, "lines", {}).get(rule_id, 1))
            if rule_id in rules:
                rules[rule_id] = replace(rules[rule_id], suggestion=rules[rule_id].suggestion | texts)
    problems.extend(suggestions.unknown_rule_problems(where, rules))


def _line(data, key) -> int:
    lines = getattr(data, "lines", {})
    return lines.get(key, getattr(data, "line", 1))


def _texts(path: Path, data, key: str, problems: list[RuleProblem], required: bool) -> dict[str, str]:
    value = data.get(key)
    if value is None:
        if required:
            problems.append(RuleProblem(str(path), getattr(data, "line", 1), "E203", f"missing `{key}` (give `en:` and `ja:` texts)"))
        return {}
    if isinstance(value, str):
        return {"en": value.strip(), "ja": value.strip()}
    if not isinstance(value, dict):
        problems.append(RuleProblem(str(path), _line(data, key), "E203", f"`{key}` must be a text or a mapping of en/ja texts"))
        return {}
    for lang in value:
        if lang not in schema.TEXT_KEYS:
            problems.append(RuleProblem(str(path), _line(value, lang), "E202", f"unknown language {lang!r} in `{key}` (use en, ja)"))
    return {lang: str(text).strip() for lang, text in value.items() if lang in schema.TEXT_KEYS and text}


def _unknown_keys(file: str, spec: dict, allowed, block: str, problems: list[RuleProblem]) -> None:
    """E202 for each key of a rule's `block:` mapping that the schema does not know."""
    for key in spec:
        if key not in allowed:
            problems.append(RuleProblem(file, _line(spec, key), "E202", f"unknown key {key!r} in `{block}`"))


def _choice(file: str, spec: dict, key: str, allowed, default, block: str, problems: list[RuleProblem], show_value: bool = False):
    """`spec[key]` (or `default`), with E203 when it is not one of `allowed`."""
    value = spec.get(key, default)
    if value not in allowed:
        got = f" (got {value!r})" if show_value else ""
        problems.append(RuleProblem(file, _line(spec, key), "E203", f"`{block}.{key}` must be one of {', '.join(allowed)}{got}"))
    return value


def _str_list(path: Path, owner, key: str, problems: list[RuleProblem]) -> tuple[str, ...]:
    value = owner.get(key)
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, (str, int, float)) for v in value):
        problems.append(RuleProblem(str(path), _line(owner, key), "E203", f"`{key}` must be a list of strings"))
        return ()
    return tuple(str(v) for v in value)


def parse_rule(path: Path, data, problems: list[RuleProblem], origin: str = "built-in", shared: dict | None = None, lexicon: Lexicon | None = None) -> Rule | None:
    """Validate one rule file's data; append problems and return None when it is unusable."""
    before = len(problems)
    file = str(path)
    if not isinstance(data, dict):
        problems.append(RuleProblem(file, 1, "E203", "a rule file must be a YAML mapping"))
        return None
    for key in data:
        if key not in schema.TOP_KEYS:
            problems.append(RuleProblem(file, _line(data, key), "E202", f"unknown key {key!r}"))
    rule_id = str(data.get("id", path.stem))
    if rule_id != path.stem:
        problems.append(RuleProblem(file, _line(data, "id"), "E204", f"id {rule_id!r} must equal the file name {path.stem!r}"))
    disabled = bool(data.get("disabled", False))
    if disabled and set(data) <= {"id", "disabled"}:
        return Rule(rule_id, "detect", "purpose", "info", "sentence", ("all",), {}, {}, {}, {}, {}, (), {}, disabled=True, path=file, origin=origin)

    kind = data.get("kind")
    if kind not in schema.KINDS:
        problems.append(RuleProblem(file, _line(data, "kind"), "E203", f"`kind` must be one of {', '.join(schema.KINDS)} (got {kind!r})"))
    topic = data.get("topic")
    if not isinstance(topic, str) or not topic.replace("_", "").isalnum() or not topic.islower():
        problems.append(RuleProblem(file, _line(data, "topic"), "E208", f"`topic` must be a topic id such as {schema.TOPICS[0]!r} (got {topic!r})"))
    severity = data.get("severity", "info" if kind == "detect" else None)
    if severity not in schema.SEVERITIES:
        problems.append(RuleProblem(file, _line(data, "severity"), "E203", f"`severity` must be one of {', '.join(schema.SEVERITIES)}"))
    scope = data.get("scope", "sentence")
    if scope not in schema.SCOPES:
        problems.append(RuleProblem(file, _line(data, "scope"), "E203", f"`scope` must be one of {', '.join(schema.SCOPES)}"))
    applies_to = _str_list(path, data, "applies_to", problems) or ("all",)

    lint = _parse_lint(path, data, kind, problems)
    needs_text = kind in ("require", "risk", "conditional", "lint")
    title = _texts(path, data, "title", problems, required=needs_text)
    message = _texts(path, data, "message", problems, required=needs_text)
    why = _texts(path, data, "why", problems, required=False)
    recommendation = _texts(path, data, "recommendation", problems, required=needs_text)
    question = _texts(path, data, "question", problems, required=False)
    neutral_recommendation = _texts(path, data, "neutral_recommendation", problems, required=False)
    for name, texts in (("title", title), ("message", message), ("why", why), ("recommendation", recommendation), ("question", question), ("neutral_recommendation", neutral_recommendation)):
        if needs_text and texts and not ({"en", "ja"} <= set(texts)):
            problems.append(RuleProblem(file, _line(data, name), "E203", f"`{name}` needs both an `en` and a `ja` text (memos exist in both languages)"))
    references = _str_list(path, data, "references", problems)
    suggestion = suggestions.check_texts(file, data.get("suggestion") or {}, problems, _line(data, "suggestion"), "`suggestion`")

    party = None
    if "party" in data:
        spec = data["party"]
        if not isinstance(spec, dict):
            problems.append(RuleProblem(file, _line(data, "party"), "E203", "`party` must be a mapping"))
        else:
            _unknown_keys(file, spec, schema.PARTY_KEYS, "party", problems)
            favours = _choice(file, spec, "favours", schema.FAVOURS, "subject", "party", problems)
            mutual_as = _choice(file, spec, "mutual_as", schema.MUTUAL_AS, "risk", "party", problems)
            party = PartySpec(favours=favours, one_sided_only=bool(spec.get("one_sided_only", True)), mutual_as=str(mutual_as))

    quantity = None
    if "quantity" in data:
        spec = data["quantity"]
        if not isinstance(spec, dict):
            problems.append(RuleProblem(file, _line(data, "quantity"), "E203", "`quantity` must be a mapping"))
        else:
            _unknown_keys(file, spec, schema.QUANTITY_KEYS, "quantity", problems)
            qtype = _choice(file, spec, "type", schema.QUANTITY_TYPES, None, "quantity", problems)
            above, below = spec.get("above"), spec.get("below")
            for name, value in (("above", above), ("below", below)):
                if value is not None and not isinstance(value, (int, float)):
                    problems.append(RuleProblem(file, _line(spec, name), "E203", f"`quantity.{name}` must be a number"))
            quantity = QuantitySpec(str(qtype), above, below, str(spec.get("unit", "days")))

    languages: dict[str, LanguageBlock] = {}
    for lang in schema.LANGUAGES:
        if lang in data:
            block = _parse_language_block(path, data[lang], lang, problems, data, kind, shared or {})
            if block is not None:
                languages[lang] = block
    when = _parse_when(path, data, problems, lexicon) if "when" in data else ()
    if not languages and not when and not disabled:
        problems.append(RuleProblem(file, getattr(data, "line", 1), "E203", "a rule needs `when:` or at least one language block (`en:` or `ja:`)"))
    if party is not None and party.favours in ("auto", "holder", "beneficiary", "actor", "named", "payer") and not when:
        problems.append(RuleProblem(file, _line(data, "party"), "E203", f"`party.favours: {party.favours}` needs a `when:` (it reads the statement)"))

    if len(problems) > before:
        return None
    return Rule(
        id=rule_id,
        kind=kind,
        topic=topic,
        severity=severity,
        scope=scope,
        applies_to=applies_to,
        title=title,
        message=message,
        why=why,
        recommendation=recommendation,
        question=question,
        neutral_recommendation=neutral_recommendation,
        references=references,
        languages=languages,
        party=party,
        quantity=quantity,
        when=when,
        in_definitions=bool(data.get("in_definitions", False)),
        max_evidence=int(data.get("max_evidence", 3)),
        topic_evidence=bool(data.get("topic_evidence", True)),
        lint=lint,
        disabled=disabled,
        path=file,
        line=getattr(data, "line", 1),
        origin=origin,
        suggestion=suggestion,
    )


def _parse_when(path: Path, data, problems: list[RuleProblem], lexicon: Lexicon | None) -> tuple[StatementPattern, ...]:
    """`when:` — one mapping, or a list of alternatives — checked against the lexicon's values."""
    file = str(path)
    value = data["when"]
    alternatives = value if isinstance(value, list) else [value]
    patterns: list[StatementPattern] = []
    for alternative in alternatives:
        line = getattr(alternative, "line", _line(data, "when"))
        if not isinstance(alternative, dict) or not alternative:
            problems.append(RuleProblem(file, line, "E203", "`when` must be a mapping of statement features (or a list of them)"))
            continue
        unknown = [key for key in alternative if key not in schema.WHEN_KEYS]
        problems.extend(RuleProblem(file, _line(alternative, key), "E202", f"unknown key {key!r} in `when` (use {', '.join(sorted(schema.WHEN_KEYS))})") for key in unknown)
        # Each choice of an alternative: its key, the values it may take, and its default.
        choices = {"actor": (schema.ACTOR_VALUES, "any"), "proviso": ((True, False, None), None), "favours": ((*schema.FAVOURS, None), None)}
        for key, (allowed, default) in choices.items():
            if alternative.get(key, default) not in allowed:
                problems.append(RuleProblem(file, _line(alternative, key), "E203", f"`when.{key}` must be one of {', '.join(str(a).lower() for a in allowed if a is not None)}"))
        actor, proviso, favours = (alternative.get(key, default) for key, (_, default) in choices.items())
        required = _feature_values(path, alternative, problems, lexicon)
        also = alternative.get("also")
        if also is not None:
            if isinstance(also, dict):
                also = [also]
            for extra in also if isinstance(also, list) else []:
                required += _feature_values(path, extra, problems, lexicon) if isinstance(extra, dict) else ()
        excluded: tuple = ()
        if "not" in alternative:
            if isinstance(alternative["not"], dict):
                excluded = _feature_values(path, alternative["not"], problems, lexicon)
            else:
                problems.append(RuleProblem(file, _line(alternative, "not"), "E203", "`when.not` must be a mapping of statement features"))
        if not required:
            problems.append(RuleProblem(file, line, "E203", "`when` needs at least one feature (modality, action, object, consideration, time, condition)"))
        quantity = _parse_when_quantity(path, alternative, problems, lexicon) if "quantity" in alternative else None
        patterns.append(StatementPattern(required, excluded, str(actor), proviso, favours, quantity))
    return tuple(patterns)


def _parse_when_quantity(path: Path, alternative, problems: list[RuleProblem], lexicon: Lexicon | None) -> QuantityCondition | None:
    """`when.quantity: {meaning, type, above, below, at_least, at_most, unit}`, thresholds kept
    in the quantity's base unit (days, currency units, percent)."""
    file = str(path)
    spec = alternative["quantity"]
    line = _line(alternative, "quantity")
    if not isinstance(spec, dict) or not spec:
        problems.append(RuleProblem(file, line, "E203", "`when.quantity` must be a mapping (meaning, type, above, below, at_least, at_most, unit)"))
        return None
    for key in spec:
        if key not in schema.WHEN_QUANTITY_KEYS:
            problems.append(RuleProblem(file, _line(spec, key), "E202", f"unknown key {key!r} in `when.quantity` (use {', '.join(sorted(schema.WHEN_QUANTITY_KEYS))})"))
    known = lexicon.meanings if lexicon is not None else {}
    meanings = _str_list(path, spec, "meaning", problems) if "meaning" in spec else ()
    for meaning in meanings:
        if lexicon is not None and meaning not in known:
            problems.append(RuleProblem(file, _line(spec, "meaning"), "E213", f"`quantity.meaning: {meaning}` is not in rules/lexicon/quantity.yaml (known: {', '.join(known)})"))
    kind = spec.get("type")
    if kind is not None and kind not in schema.QUANTITY_TYPES:
        problems.append(RuleProblem(file, _line(spec, "type"), "E203", f"`quantity.type` must be one of {', '.join(schema.QUANTITY_TYPES)}"))
        kind = None
    kinds = {k for m in meanings if m in known for k in known[m][0]}
    if kind is None and len(kinds) == 1:
        kind = next(iter(kinds))  # the one kind of quantity the meanings are about
    elif kind is not None and kinds and kind not in kinds:
        problems.append(RuleProblem(file, _line(spec, "type"), "E203", f"`quantity.type: {kind}` is not a kind {', '.join(meanings)} applies to ({', '.join(sorted(kinds))})"))
    thresholds = {key: spec[key] for key in ("above", "below", "at_least", "at_most") if key in spec}
    for key, value in thresholds.items():
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            problems.append(RuleProblem(file, _line(spec, key), "E203", f"`quantity.{key}` must be a number"))
    thresholds = {key: float(value) for key, value in thresholds.items() if not isinstance(value, bool) and isinstance(value, (int, float))}
    if thresholds and kind is None:
        problems.append(RuleProblem(file, line, "E203", "`when.quantity` with a threshold needs a `type` (duration, amount, percent) or a `meaning` of one kind"))
        return None
    units = schema.WHEN_QUANTITY_UNITS.get(kind or "", {})
    unit = spec.get("unit", next(iter(units), None))
    if "unit" in spec and unit not in units:
        problems.append(RuleProblem(file, _line(spec, "unit"), "E203", f"`quantity.unit` for a {kind or 'quantity'} must be one of {', '.join(units) or '(none: give a type)'}"))
        unit = next(iter(units), None)
    scale = units.get(unit, 1)
    return QuantityCondition(frozenset(meanings), kind, **{key: value * scale for key, value in thresholds.items()})


def _feature_values(path: Path, owner, problems: list[RuleProblem], lexicon: Lexicon | None) -> tuple[tuple[str, frozenset[str]], ...]:
    out = []
    for feature in schema.STATEMENT_FEATURES:
        if feature not in owner:
            continue
        values = _str_list(path, owner, feature, problems)
        known = set(lexicon.values(feature)) if lexicon is not None else set(values)
        for value in values:
            if value not in known:
                problems.append(RuleProblem(str(path), _line(owner, feature), "E213", f"`{feature}: {value}` is not in rules/lexicon/{feature}.yaml (known: {', '.join(sorted(known))})"))
        out.append((feature, frozenset(values)))
    for key in owner:
        if key not in schema.STATEMENT_FEATURES and key not in schema.WHEN_KEYS:
            problems.append(RuleProblem(str(path), _line(owner, key), "E202", f"unknown statement feature {key!r}"))
    return tuple(out)


def _parse_lint(path: Path, data, kind, problems: list[RuleProblem]) -> LintSpec | None:
    """The `lint:` block: required for `kind: lint`, refused elsewhere."""
    file = str(path)
    spec = data.get("lint")
    if kind != "lint":
        if spec is not None:
            problems.append(RuleProblem(file, _line(data, "lint"), "E202", "`lint` is only for rules of `kind: lint`"))
        return None
    if data.get("topic") != schema.LINT_TOPIC:
        problems.append(RuleProblem(file, _line(data, "topic"), "E208", f"a lint rule has `topic: {schema.LINT_TOPIC}`"))
    if not isinstance(spec, dict):
        problems.append(RuleProblem(file, _line(data, "lint") if "lint" in data else getattr(data, "line", 1), "E203", f"a lint rule needs `lint: {{check: ...}}` (one of {', '.join(schema.LINT_CHECKS)})"))
        return None
    _unknown_keys(file, spec, schema.LINT_KEYS, "lint", problems)
    check = _choice(file, spec, "check", schema.LINT_CHECKS, None, "lint", problems, show_value=True)
    after = spec.get("after")
    if after is not None:
        after = str(after)
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", after):
            problems.append(RuleProblem(file, _line(spec, "after"), "E203", "`lint.after` must be a date written YYYY-MM-DD"))
    return LintSpec(str(check), after)


def _parse_language_block(path: Path, block, lang: str, problems: list[RuleProblem], parent, kind, shared: dict) -> LanguageBlock | None:
    file = str(path)
    if not isinstance(block, dict):
        problems.append(RuleProblem(file, _line(parent, lang), "E203", f"`{lang}` must be a mapping of phrases/patterns/regex/..."))
        return None
    for key in block:
        if key not in schema.LANG_KEYS:
            problems.append(RuleProblem(file, _line(block, key), "E202", f"unknown key {key!r} in `{lang}`"))
    phrases = _str_list(path, block, "phrases", problems)
    expanded: dict[str, tuple[str, ...]] = {}
    for key in ("regex", "unless", "inside", "not_inside", "requires"):
        values = _str_list(path, block, key, problems)
        for value in values:
            # A shared list's patterns were checked where they are written, in patterns.yaml.
            error = None if value.startswith("@") else check_regex(value, lang)
            if error:
                problems.append(RuleProblem(file, _line(block, key), "E206", f"invalid regular expression in `{lang}.{key}` {value!r}: {error}"))
        expanded[key] = _expand_shared(path, block, key, lang, values, shared, problems)
    regexes, unless, inside, not_inside, requires = expanded.values()
    patterns_raw = block.get("patterns") or []
    patterns: list[tuple[dict, ...]] = []
    if not isinstance(patterns_raw, list):
        problems.append(RuleProblem(file, _line(block, "patterns"), "E207", "`patterns` must be a list of token patterns"))
    else:
        for pattern in patterns_raw:
            error = check_token_pattern(pattern, lang)
            if error:
                problems.append(RuleProblem(file, _line(block, "patterns"), "E207", f"invalid token pattern in `{lang}.patterns`: {error}"))
            else:
                patterns.append(tuple(dict(token) for token in pattern))
    if not (phrases or regexes or patterns):
        problems.append(RuleProblem(file, _line(parent, lang), "E203", f"`{lang}` needs at least one of phrases, patterns or regex"))
    if kind == "conditional" and not requires:
        problems.append(RuleProblem(file, _line(parent, lang), "E203", f"a conditional rule needs `{lang}.requires`"))
    return LanguageBlock(phrases, tuple(patterns), regexes, unless, inside, not_inside, requires)


def _parse_profiles(path: Path, data, problems: list[RuleProblem]) -> dict[str, Profile]:
    file = str(path)
    types = data.get("types") if isinstance(data, dict) else None
    for key in data if isinstance(data, dict) else ():
        if key not in ("types", "conditions"):  # `conditions`: shared YAML anchors only
            problems.append(RuleProblem(file, _line(data, key), "E202", f"unknown key {key!r} in profiles.yaml (use `types`, `conditions`)"))
    if not isinstance(types, dict):
        problems.append(RuleProblem(file, 1, "E203", "profiles.yaml needs a `types:` mapping"))
        return {}
    profiles: dict[str, Profile] = {}
    for type_id, spec in types.items():
        if not isinstance(spec, dict):
            problems.append(RuleProblem(file, _line(types, type_id), "E203", f"profile {type_id!r} must be a mapping"))
            continue
        for key in spec:
            if key not in {"names", "title", "body", "requires", "missing_severity", "requires_when"}:
                problems.append(RuleProblem(file, _line(spec, key), "E202", f"unknown key {key!r} in profile {type_id!r}"))
        requires = _str_list(path, spec, "requires", problems)
        for topic in requires:
            if topic not in schema.TOPICS:
                problems.append(RuleProblem(file, _line(spec, "requires"), "E208", f"profile {type_id!r} requires unknown topic {topic!r}"))
        title = {lang: _str_list(path, spec.get("title") or {}, lang, problems) for lang in schema.LANGUAGES}
        body = {lang: _str_list(path, spec.get("body") or {}, lang, problems) for lang in schema.LANGUAGES}
        for group in (title, body):
            for lang, values in group.items():
                for value in values:
                    error = check_regex(value, lang)
                    if error:
                        problems.append(RuleProblem(file, _line(spec, "title"), "E206", f"invalid regular expression {value!r}: {error}"))
        names = spec.get("names") or {}
        severity = dict(spec.get("missing_severity") or {})
        for topic, value in severity.items():
            if value not in schema.SEVERITIES:
                problems.append(RuleProblem(file, _line(spec, "missing_severity"), "E203", f"missing_severity for {topic!r} must be a severity"))
        conditions = _parse_conditions(path, spec, type_id, requires, problems)
        profiles[str(type_id)] = Profile(str(type_id), dict(names), title, body, requires, severity, conditions)
    return profiles


def _parse_conditions(path: Path, spec, type_id, requires: tuple[str, ...], problems: list[RuleProblem]) -> dict[str, Condition]:
    """`requires_when: {topic: {text: {en, ja}, topics: [...], unless: {en, ja}}}`: elements the deal may need."""
    file = str(path)
    raw = spec.get("requires_when") or {}
    if not isinstance(raw, dict):
        problems.append(RuleProblem(file, _line(spec, "requires_when"), "E203", f"`requires_when` of profile {type_id!r} must map topics to conditions"))
        return {}
    conditions: dict[str, Condition] = {}
    for topic, condition in raw.items():
        line = _line(raw, topic)
        if topic not in schema.TOPICS:
            problems.append(RuleProblem(file, line, "E208", f"profile {type_id!r}: `requires_when` names unknown topic {topic!r}"))
            continue
        if topic in requires:
            problems.append(RuleProblem(file, line, "E203", f"profile {type_id!r}: {topic!r} is in `requires` and in `requires_when`; keep one"))
        if not isinstance(condition, dict) or not condition or set(condition) - {"text", "topics", "unless"}:
            problems.append(RuleProblem(file, line, "E203", f"profile {type_id!r}: the condition for {topic!r} takes `text`, `topics` and `unless`"))
            continue
        patterns = {}
        for key in ("text", "unless"):
            block = condition.get(key) or {}
            patterns[key] = {lang: _str_list(path, block, lang, problems) for lang in schema.LANGUAGES if isinstance(block, dict)}
            for lang, values in patterns[key].items():
                for value in values:
                    error = check_regex(value, lang)
                    if error:
                        problems.append(RuleProblem(file, line, "E206", f"invalid regular expression {value!r}: {error}"))
        topics = _str_list(path, condition, "topics", problems)
        for name in topics:
            if name not in schema.TOPICS:
                problems.append(RuleProblem(file, line, "E208", f"profile {type_id!r}: condition names unknown topic {name!r}"))
        conditions[str(topic)] = Condition(patterns["text"], topics, patterns["unless"])
    return conditions


def _expand_shared(path: Path, block, key: str, lang: str, values: tuple[str, ...], shared: dict, problems: list[RuleProblem]) -> tuple[str, ...]:
    """`values` with each '@name' replaced by the shared list of that name for `lang`."""
    expanded: list[str] = []
    for value in values:
        if not value.startswith("@"):
            expanded.append(value)
            continue
        patterns = shared.get(value[1:], {}).get(lang)
        if not patterns:
            known = ", ".join(f"@{name}" for name in sorted(shared)) or "none"
            problems.append(RuleProblem(str(path), _line(block, key), "E211", f"`{lang}.{key}` uses {value!r}, which {PATTERNS_FILE} does not define for {lang!r} (defined: {known})"))
            continue
        expanded.extend(patterns)
    return tuple(expanded)


def _parse_shared_lists(path: Path, problems: list[RuleProblem]) -> dict[str, dict[str, tuple[str, ...]]]:
    """patterns.yaml: named lists of regexes per language, checked like a rule's own."""
    data = load_yaml(path, problems)
    if data is None:
        return {}
    if not isinstance(data, dict):
        problems.append(RuleProblem(str(path), 1, "E203", f"{PATTERNS_FILE} must map list names to en/ja lists of patterns"))
        return {}
    lists: dict[str, dict[str, tuple[str, ...]]] = {}
    for name, by_language in data.items():
        if not isinstance(name, str) or not _RE_LIST_NAME.match(name) or not isinstance(by_language, dict):
            problems.append(RuleProblem(str(path), _line(data, name), "E203", f"{name!r}: a list name is lower-case letters, digits and '-', mapped to en/ja lists"))
            continue
        lists[name] = {}
        for lang, patterns in by_language.items():
            if lang not in schema.LANGUAGES:
                problems.append(RuleProblem(str(path), _line(by_language, lang), "E202", f"unknown language {lang!r} in {name!r}"))
                continue
            values = _str_list(path, by_language, lang, problems)
            for value in values:
                error = check_regex(value, lang)
                if error:
                    problems.append(RuleProblem(str(path), _line(by_language, lang), "E206", f"invalid regular expression in {name!r} ({lang}) {value!r}: {error}"))
            lists[name][lang] = values
    return lists


def _load_mapping(path: Path, problems: list[RuleProblem], not_a_mapping: str) -> dict | None:
    """A pack file that must be a YAML mapping; None (with the problem noted) when it is not."""
    data = load_yaml(path, problems)
    if data is None:
        return None
    if not isinstance(data, dict):
        problems.append(RuleProblem(str(path), 1, "E203", not_a_mapping))
        return None
    return data


def _parse_citations(path: Path, base: Citations, problems: list[RuleProblem]) -> Citations:
    """citations.yaml: `<lang>: {patterns: [regex with group list], ranges: [words]}`; a later pack replaces a language."""
    data = _load_mapping(path, problems, f"{CITATIONS_FILE} must map languages to patterns and ranges")
    if data is None:
        return base
    patterns, ranges = dict(base.patterns), dict(base.ranges)
    for language, spec in data.items():
        if language not in schema.LANGUAGES or not isinstance(spec, dict) or set(spec) - {"patterns", "ranges"}:
            problems.append(RuleProblem(str(path), _line(data, language), "E202", f"unknown key {language!r} (use en or ja, each with patterns and ranges)"))
            continue
        compiled = []
        for text in spec.get("patterns") or ():
            try:
                pattern = regex.compile(str(text))
            except regex.error as exc:
                problems.append(RuleProblem(str(path), _line(data, language), "E206", f"invalid regular expression {text!r}: {exc}"))
                continue
            if "list" not in pattern.groupindex:
                problems.append(RuleProblem(str(path), _line(data, language), "E203", f"a citation pattern needs a group named list: {text!r}"))
                continue
            compiled.append(pattern)
        patterns[language] = tuple(compiled)
        ranges[language] = tuple(str(w) for w in spec.get("ranges") or ())
    return Citations(patterns, ranges)


def _parse_reference_forms(path: Path, base: ReferenceForms, problems: list[RuleProblem]) -> ReferenceForms:
    """references.yaml: `<lang>: {original: form}` and `<lang>_patterns: [[regex, replacement]]`; a later pack adds to earlier ones."""
    data = _load_mapping(path, problems, f"{REFERENCES_FILE} must map languages to phrases")
    if data is None:
        return base
    phrases = {lang: dict(pairs) for lang, pairs in base.phrases.items()}
    patterns = {lang: list(pairs) for lang, pairs in base.patterns.items()}
    for key, value in data.items():
        language, _, kind = str(key).partition("_")
        if language not in schema.LANGUAGES or kind not in ("", "patterns"):
            problems.append(RuleProblem(str(path), _line(data, key), "E202", f"unknown key {key!r} (use en, ja, en_patterns, ja_patterns)"))
            continue
        if kind == "" and isinstance(value, dict):
            phrases.setdefault(language, {}).update({str(k): str(v) for k, v in value.items()})
        elif kind == "patterns" and isinstance(value, list) and all(isinstance(p, list) and len(p) == 2 for p in value):
            for regex_text, replacement in value:
                try:
                    re.compile(str(regex_text))
                except re.error as exc:
                    problems.append(RuleProblem(str(path), _line(data, key), "E206", f"invalid regular expression {regex_text!r}: {exc}"))
                    continue
                patterns.setdefault(language, []).append((str(regex_text), str(replacement)))
        else:
            problems.append(RuleProblem(str(path), _line(data, key), "E203", f"`{key}` must be a mapping of phrases or a list of [regex, replacement] pairs"))
    ordered = {lang: tuple(sorted(pairs.items(), key=lambda item: -len(item[0]))) for lang, pairs in phrases.items()}
    return ReferenceForms(ordered, {lang: tuple(pairs) for lang, pairs in patterns.items()})


def _parse_party_words(path: Path, data, problems: list[RuleProblem]) -> dict:
    """parties.yaml: words that make a sentence's subject mutual, per language."""
    file = str(path)
    if not isinstance(data, dict):
        problems.append(RuleProblem(file, 1, "E203", "parties.yaml must be a mapping"))
        return {}
    out: dict[str, dict[str, tuple[str, ...]]] = {}
    for key, value in data.items():
        if key not in ("mutual_subjects", "subject_markers", "generic_aliases", "conditional_clauses", "holder_markers", "conventional_parties", "party_joiners", "role_equivalents", "role_bindings", "receiving_verbs",
                       "party_letters", "role_words", "cover_page_roles", "not_party_terms"):
            problems.append(RuleProblem(file, _line(data, key), "E202", f"unknown key {key!r}"))
            continue
        if key == "conventional_parties":
            out[key] = _conventional_parties(path, value, problems)
            continue
        if key == "role_equivalents":
            good = isinstance(value, list) and all(isinstance(g, list) and all(isinstance(w, str) for w in g) for g in value)
            if not good:
                problems.append(RuleProblem(file, _line(data, key), "E203", "`role_equivalents` is a list of lists of role words"))
                continue
            out[key] = tuple(tuple(g) for g in value)
            continue
        out[key] = {lang: _str_list(path, value, lang, problems) for lang in schema.LANGUAGES} if isinstance(value, dict) else {}
        if key == "role_bindings":
            for lang, patterns in out[key].items():
                for pattern in patterns:
                    if "{role}" not in pattern or "{party}" not in pattern:
                        problems.append(RuleProblem(file, _line(value, lang), "E203", f"a role binding names both {{role}} and {{party}}: {pattern!r}"))
    return out


def _conventional_parties(path: Path, value, problems: list[RuleProblem]) -> dict:
    """`conventional_parties: {en: [[[we, us], [you]], ...]}` — pairs of sides, each a list of words."""
    out: dict[str, tuple] = {}
    for lang in schema.LANGUAGES:
        pairs = value.get(lang, []) if isinstance(value, dict) else None
        good = isinstance(pairs, list) and all(
            isinstance(pair, list) and len(pair) == 2 and all(isinstance(side, list) and side and all(isinstance(w, str) for w in side) for side in pair)
            for pair in pairs
        )
        if not good:
            problems.append(RuleProblem(str(path), _line(value, lang) if isinstance(value, dict) else 1, "E203", "`conventional_parties` maps en/ja to a list of [[words of one side], [words of the other]]"))
            continue
        out[lang] = tuple((tuple(a), tuple(b)) for a, b in pairs)
    return out
