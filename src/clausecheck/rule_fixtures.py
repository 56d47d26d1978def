"""Rule fixtures: annotated examples beside each rule, run strictly both ways (as Semgrep does).

A fixture file sits beside its rule as `<rule-id>.<lang>.txt`. Each case starts with an
annotation line and runs to the next one:

    # ruleid: exclusivity-unlimited
    Licensor grants Licensee an exclusive licence to the Patents.

    # ok: exclusivity-unlimited  party=Licensee  type=license
    Licensor grants Licensee an exclusive licence for three (3) years in Japan.

`ruleid` must fire, `ok` must not; `todoruleid` / `todook` record known gaps (reported,
not failed). Options after the id: `party=ALIAS`, `type=CONTRACT_TYPE`, `kind=risk|note`,
`favours=ALIAS` (the finding must favour the party with that alias, or `favours=none`).
A rule written on statements (`when:`) holds in both languages and needs, per language, at
least three firing cases worded differently and two that must stay quiet.
A case is a small contract of its own: read by the pipeline like a .txt file, then checked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from clausecheck.engine.loader import RulePack
from clausecheck.engine.runner import CheckOptions, Engine
from clausecheck.pipeline import document_from_text

_RE_ANNOTATION = re.compile(r"^#\s*(ruleid|ok|todoruleid|todook)\s*:\s*(\S+)(.*)$")
EXPECTS_FIRE = {"ruleid": True, "ok": False, "todoruleid": True, "todook": False}


@dataclass
class FixtureCase:
    path: str
    line: int
    annotation: str
    rule_id: str
    language: str
    text: str
    options: dict[str, str] = field(default_factory=dict)

    @property
    def expects_fire(self) -> bool:
        return EXPECTS_FIRE[self.annotation]

    @property
    def known_gap(self) -> bool:
        return self.annotation.startswith("todo")


@dataclass
class CaseResult:
    case: FixtureCase
    fired: bool
    detail: str = ""

    @property
    def passed(self) -> bool:
        return self.fired == self.case.expects_fire

    def __str__(self) -> str:
        verdict = "ok" if self.passed else ("known gap" if self.case.known_gap else "FAIL")
        expectation = "should fire" if self.case.expects_fire else "should not fire"
        return f"{self.case.path}:{self.case.line}: {verdict}: {self.case.rule_id} {expectation}, {'fired' if self.fired else 'did not fire'}{(' — ' + self.detail) if self.detail and not self.passed else ''}"


def fixture_files(rule_path: str | Path) -> dict[str, Path]:
    """The fixture files of a rule, by language."""
    path = Path(rule_path)
    found = {}
    for language in ("en", "ja"):
        candidate = path.with_name(f"{path.stem}.{language}.txt")
        if candidate.is_file():
            found[language] = candidate
    return found


def read_cases(path: Path, language: str) -> list[FixtureCase]:
    cases: list[FixtureCase] = []
    current: FixtureCase | None = None
    lines: list[str] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        m = _RE_ANNOTATION.match(line.strip())
        if m:
            if current is not None:
                current.text = "\n".join(lines).strip()
                cases.append(current)
            options = dict(opt.split("=", 1) for opt in m.group(3).split() if "=" in opt)
            current = FixtureCase(str(path), number, m.group(1), m.group(2), language, "", options)
            lines = []
        elif current is not None:
            lines.append(line)
    if current is not None:
        current.text = "\n".join(lines).strip()
        cases.append(current)
    return cases


def run_case(engine: Engine, case: FixtureCase) -> CaseResult:
    rule = engine.pack.rules.get(case.rule_id)
    if rule is None:
        return CaseResult(case, not case.expects_fire, f"no rule {case.rule_id!r}")
    document = document_from_text(case.text, case.language, name=case.path, digest="fixture")
    options = CheckOptions(
        party=case.options.get("party"),
        contract_type=case.options.get("type") or None,
        force_required=True,
        only_rules=frozenset({rule.id}),
    )
    report = engine.check(document, options)
    if rule.kind == "detect":
        fired = rule.id in report.topics[rule.topic].rules
    else:
        wanted_kind = case.options.get("kind")
        wanted_favours = case.options.get("favours")
        mine = [f for f in report.findings if f.rule == rule.id and (wanted_kind is None or f.kind == wanted_kind)]
        if wanted_favours is not None and case.expects_fire:
            wrong = [f for f in mine if not _favours(document, f.favours, wanted_favours)]
            mine = [f for f in mine if _favours(document, f.favours, wanted_favours)]
            if wrong and not mine:
                return CaseResult(case, False, f"fired favouring {wrong[0].favours!r}, not {wanted_favours!r}")
        fired = bool(mine)
    detail = ""
    if fired and not case.expects_fire:
        evidence = [e.text for f in report.findings if f.rule == rule.id for e in f.evidence] or [
            e.text for e in report.topics[rule.topic].evidence
        ]
        detail = "matched: " + " | ".join(evidence[:2])
    return CaseResult(case, fired, detail)


def _favours(document, party_id: str | None, alias: str) -> bool:
    if alias == "none":
        return party_id is None
    party = document.party(party_id) if party_id else None
    return party is not None and alias.casefold() in {a.casefold() for a in party.all_names}


MIN_STATEMENT_FIRING, MIN_STATEMENT_QUIET = 3, 2


def run_fixtures(pack: RulePack, rule_ids: list[str] | None = None) -> tuple[list[CaseResult], list[str]]:
    """Run every fixture of the pack (or of `rule_ids`); also list rules lacking fixtures."""
    engine = Engine(pack)
    results: list[CaseResult] = []
    problems: list[str] = []
    for rule in sorted(pack.active(), key=lambda r: r.id):
        if rule_ids and rule.id not in rule_ids:
            continue
        files = fixture_files(rule.path)
        languages = sorted(set(rule.languages) | ({"en", "ja"} if rule.when else set()))
        for language in languages:
            if language not in files:
                problems.append(f"{rule.path}:{rule.line}: [E209] rule {rule.id} has a `{language}` block but no fixture file {Path(rule.path).stem}.{language}.txt")
                continue
            cases = read_cases(files[language], language)
            fire = [c for c in cases if c.annotation == "ruleid"]
            quiet = [c for c in cases if c.annotation == "ok"]
            if not fire or not quiet:
                problems.append(f"{files[language]}:1: [E209] fixtures of {rule.id} need at least one `ruleid:` and one `ok:` case")
            elif rule.when and (len(fire) < MIN_STATEMENT_FIRING or len(quiet) < MIN_STATEMENT_QUIET):
                problems.append(f"{files[language]}:1: [E209] {rule.id} is written on statements: give at least {MIN_STATEMENT_FIRING} `ruleid:` cases worded differently and {MIN_STATEMENT_QUIET} `ok:` cases (the mutual, negated or excepted version)")
            for case in cases:
                if case.rule_id != rule.id:
                    problems.append(f"{case.path}:{case.line}: [E209] annotation names {case.rule_id!r}, but this is the fixture of {rule.id!r}")
                    continue
                results.append(run_case(engine, case))
    return results, problems
