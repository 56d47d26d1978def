"""Rule documentation written from the rules themselves, as Ruff writes its rule pages.

One page per rule (`docs/rules/<id>.md`: what it finds, why it matters, how it matches, the
fixtures as examples, what to ask for, references) and `docs/rules/README.md`, the table of
all rules. `clausecheck rules docs` writes them and `clausecheck rules show ID` prints the
same page, so the prose a lawyer edits in the YAML is the only copy; a test fails when the
committed pages are not what the rules say today.
"""

from __future__ import annotations

from pathlib import Path

from clausecheck.engine.loader import RulePack
from clausecheck.engine.schema import Rule, StatementPattern
from clausecheck.rule_fixtures import fixture_files, read_cases
from clausecheck.vocabulary import TOPIC_NAMES, builtin_rules_dir

LANGUAGES = ("en", "ja")
LANGUAGE_NAMES = {"en": "English", "ja": "日本語"}
INDEX_NAME = "README.md"
REGENERATE = "clausecheck rules docs"
# Cases shown per language: enough to see the rule's range (a statement rule must have at
# least this many fixtures), few enough to read; the fixture file holds the rest.
SHOWN_FIRING, SHOWN_QUIET = 3, 2


def rule_source(rule: Rule) -> str:
    """Where the rule lives, as a reader of the repository finds it (`rules/<topic>/<id>.yaml`)."""
    builtin = builtin_rules_dir().resolve()
    path = Path(rule.path).resolve()
    if path.is_relative_to(builtin):
        return "rules/" + path.relative_to(builtin).as_posix()
    return rule.path


def _texts(rule: Rule, field_name: str, languages: tuple[str, ...]) -> list[str]:
    values: dict[str, str] = getattr(rule, field_name)
    if len(languages) == 1:
        text = rule.text(field_name, languages[0])
        return [text] if text else []
    return [f"{LANGUAGE_NAMES[lang]}: {values[lang]}" for lang in languages if values.get(lang)]


def _pattern_words(pattern: StatementPattern) -> str:
    parts = [f"{feature} {' or '.join(sorted(values))}" for feature, values in pattern.required]
    if pattern.actor != "any":
        parts.append(f"actor {pattern.actor}")
    if pattern.proviso is not None:
        parts.append("in a proviso" if pattern.proviso else "not in a proviso")
    parts += [f"not {feature} {' or '.join(sorted(values))}" for feature, values in pattern.excluded]
    if pattern.favours:
        parts.append(f"favours the {pattern.favours}")
    return "; ".join(parts)


def _matching(rule: Rule) -> list[str]:
    lines = []
    if rule.when:
        lines.append("A sentence or proviso whose statement says (rules/lexicon/ holds the words of each value):")
        lines += [f"- {_pattern_words(pattern)}" for pattern in rule.when]
    for language, block in sorted(rule.languages.items()):
        counts = [(len(block.phrases), "phrases"), (len(block.patterns), "token patterns"), (len(block.regex), "regular expressions"),
                  (len(block.unless), "exceptions (`unless`)"), (len(block.requires), "required companions (`requires`)")]
        said = ", ".join(f"{n} {what}" for n, what in counts if n)
        if said:
            lines.append(f"- {LANGUAGE_NAMES[language]}: {said}" + (" within the clauses headed as `inside` says" if block.inside else ""))
    if rule.party:
        lines.append(f"- favours: the {rule.party.favours}" + ("; only when one side alone has the clause" if rule.party.one_sided_only else ""))
    if rule.quantity:
        bounds = " and ".join(b for b in (f"above {rule.quantity.above:g}" if rule.quantity.above is not None else "", f"below {rule.quantity.below:g}" if rule.quantity.below is not None else "") if b)
        lines.append(f"- a {rule.quantity.type} {bounds} {rule.quantity.unit}".rstrip())
    if rule.lint:
        lines.append(f"- consistency check `{rule.lint.check}`" + (f" (documents dated on or after {rule.lint.after})" if rule.lint.after else ""))
    return lines


def _examples(rule: Rule, languages: tuple[str, ...]) -> list[str]:
    out = []
    for language, path in sorted(fixture_files(rule.path).items()):
        if language not in languages:
            continue
        cases = read_cases(path, language)
        shown = [c for c in cases if c.annotation == "ruleid"][:SHOWN_FIRING] + [c for c in cases if c.annotation == "ok"][:SHOWN_QUIET]
        for case in shown:
            verdict = "flagged" if case.annotation == "ruleid" else "not flagged"
            options = "".join(f", {key} {value}" for key, value in sorted(case.options.items()))
            out += [f"### {LANGUAGE_NAMES[language]}, {verdict}{options}", "", "```text", case.text, "```", ""]
        rest = len(cases) - len(shown)
        fixture = rule_source(rule).rsplit("/", 1)[0] + "/" + path.name if rule_source(rule) != rule.path else str(path)
        out += [f"{len(cases)} cases in `{fixture}`" + (f" ({rest} more there)." if rest > 0 else "."), ""]
    return out


def rule_page(rule: Rule, languages: tuple[str, ...] = LANGUAGES) -> str:
    """The rule's page: the same text for docs/rules/<id>.md and `clausecheck rules show`."""
    title = " / ".join(t for t in (rule.title.get(lang) for lang in languages) if t) or rule.text("title", languages[0])
    lines = [f"# {rule.id}: {title}", ""]
    state = "disabled · " if rule.disabled else ""
    lines += [f"{state}kind {rule.kind} · topic {rule.topic} · severity {rule.severity} · scope {rule.scope} · applies to {', '.join(rule.applies_to)} · `{rule_source(rule)}`", ""]
    # (heading, lines, whether each line is a paragraph of its own)
    finds = _texts(rule, "message", languages) or [f"Evidence that the contract has a clause on {TOPIC_NAMES['en'].get(rule.topic, rule.topic)} (topic `{rule.topic}`)."]
    sections = [
        ("What it finds", finds, True),
        ("Why it matters", _texts(rule, "why", languages), True),
        ("How it matches", _matching(rule), False),
        ("Use instead", _texts(rule, "recommendation", languages), True),
        ("What to ask", _texts(rule, "question", languages), True),
        ("References", [f"- {reference}" for reference in rule.references], False),
    ]
    for index, (heading, body, paragraphs) in enumerate(sections):
        if index == 3:
            examples = _examples(rule, languages)
            if examples:
                lines += ["## Examples", "", *examples]
        if body:
            lines += [f"## {heading}", "", *("\n\n".join(body) if paragraphs else "\n".join(body)).split("\n"), ""]
    return "\n".join(lines).rstrip() + "\n"


def index_page(rules: list[Rule]) -> str:
    """docs/rules/README.md: every rule in one table, by topic."""
    lines = [
        "# Rules",
        "",
        f"Every built-in rule, by topic. Each page is written from the rule's YAML and fixtures by `{REGENERATE}`",
        "(the same text `clausecheck rules show ID` prints); edit the rule, not the page.",
        "",
        "| rule | kind | topic | severity | languages | title |",
        "|---|---|---|---|---|---|",
    ]
    for rule in sorted(rules, key=lambda r: (r.topic, r.id)):
        languages = ", ".join(sorted(set(rule.languages) | (set(LANGUAGES) if rule.when else set()))) or "—"
        topic = TOPIC_NAMES["en"].get(rule.topic, rule.topic)
        kind = f"{rule.kind} (disabled)" if rule.disabled else rule.kind
        lines.append(f"| [{rule.id}]({rule.id}.md) | {kind} | {topic} | {rule.severity} | {languages} | {rule.text('title', 'en')} / {rule.text('title', 'ja')} |")
    lines += ["", f"{len(rules)} rules."]
    return "\n".join(lines) + "\n"


def builtin_rules(pack: RulePack) -> list[Rule]:
    return [rule for rule in pack.rules.values() if rule.origin == "built-in"]


def expected_pages(pack: RulePack) -> dict[str, str]:
    """File name → text of every page docs/rules/ must hold."""
    rules = builtin_rules(pack)
    pages = {f"{rule.id}.md": rule_page(rule) for rule in rules}
    pages[INDEX_NAME] = index_page(rules)
    return pages


def stale_pages(pack: RulePack, folder: Path) -> list[str]:
    """Names of the pages in `folder` that are missing, out of date, or of no rule."""
    expected = expected_pages(pack)
    present = {path.name for path in folder.glob("*.md")} if folder.is_dir() else set()
    stale = [name for name, text in expected.items() if name not in present or (folder / name).read_text(encoding="utf-8") != text]
    return sorted(stale + [name for name in present - set(expected)])


def write_pages(pack: RulePack, folder: Path) -> list[str]:
    """Write every page into `folder`, remove the pages of rules that no longer exist; the names changed."""
    changed = stale_pages(pack, folder)
    folder.mkdir(parents=True, exist_ok=True)
    expected = expected_pages(pack)
    for name in changed:
        if name in expected:
            (folder / name).write_text(expected[name], encoding="utf-8")
        else:
            (folder / name).unlink()
    return changed
