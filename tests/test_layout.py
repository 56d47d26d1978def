"""The flow of DESIGN.md §2 is literal: no import climbs back up a floor.

Reads every import of src/clausecheck (at the top of a module and inside functions alike,
with `ast`) and fails on an arrow the flow does not allow:

    ground floor (model, errors, lang, numerals, vocabulary)
      → parsers → structure → statements → engine → report

Each stage may import the ground floor and its own package; the engine also reads the
statements and the topic model it runs. Report reads the Report model, never the engine;
a parser module reads what parsers share from parsers/base.py, never from the package that
registers it. The orchestrators (pipeline, cli, batch, serve, compare, the rule fixtures and
rule docs) wire the stages together and may import any of them; no stage imports them.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "clausecheck"

GROUND = {"__init__", "model", "errors", "lang", "numerals", "quantities", "vocabulary", "models", "bilingual"}  # bilingual: script counts and parallel numberings, read by structure and engine  # models: the topic model's data
# What each stage may import besides the ground floor and itself.
ALLOWED = {
    "parsers": set(),
    "structure": set(),
    "statements": set(),
    "topicmodel": set(),
    "engine": {"statements", "topicmodel"},
    "report": set(),
}
# Arrows against the flow that are known and have a way out; the test fails when one is gone
# too, so that this list only shrinks.
KNOWN = {
    # The regex shape analysis (required and leading literals, case folding) is still inside
    # the compiler; it moves to a module of its own on the ground floor.
    ("clausecheck.statements.lexicon", "clausecheck.engine.compiler"),
}
ORCHESTRATORS = {"__main__", "pipeline", "cli", "batch", "serve", "compare", "rule_fixtures", "rule_docs"}


def _module_name(path: Path) -> str:
    parts = ("clausecheck", *path.relative_to(PACKAGE).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(path): path for path in PACKAGE.rglob("*.py")}


def _imports(path: Path) -> list[tuple[int, str]]:
    """(line, module) of every clausecheck module `path` imports; `from pkg import sub` names the submodule."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names if alias.name.split(".")[0] == "clausecheck"]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module and node.module.split(".")[0] == "clausecheck":
            submodules = [f"{node.module}.{alias.name}" for alias in node.names if f"{node.module}.{alias.name}" in MODULES]
            names = [alias.name for alias in node.names if f"{node.module}.{alias.name}" not in MODULES]
            found += [(node.lineno, module) for module in submodules]
            if names:
                found.append((node.lineno, node.module))
    return found


def _floor(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def arrows_against_the_flow(known=frozenset()) -> list[str]:
    wrong = []
    for module, path in sorted(MODULES.items()):
        floor = _floor(module)
        for line, target in _imports(path):
            target_floor = _floor(target)
            where = f"{path.relative_to(PACKAGE.parent)}:{line}: {module} imports {target}"
            if floor == "parsers" and module != "clausecheck.parsers" and target == "clausecheck.parsers":
                wrong.append(f"{where} (a parser reads what parsers share from parsers/base.py)")
            if target_floor == floor or target_floor in GROUND or floor in ORCHESTRATORS or (module, target) in known:
                continue
            if floor in GROUND:
                wrong.append(f"{where} (the ground floor imports no stage)")
            elif target_floor in ORCHESTRATORS:
                wrong.append(f"{where} (a stage never imports an orchestrator)")
            elif target_floor not in ALLOWED.get(floor, set()):
                wrong.append(f"{where} (against the flow)")
    return wrong


def test_every_module_sits_on_a_known_floor():
    floors = {_floor(module) for module in MODULES}
    assert floors <= GROUND | set(ALLOWED) | ORCHESTRATORS, floors - (GROUND | set(ALLOWED) | ORCHESTRATORS)


def test_no_import_climbs_back_up_the_flow():
    wrong = arrows_against_the_flow(KNOWN)
    assert not wrong, "move the shared piece down a floor instead:\n" + "\n".join(wrong)


def test_the_known_arrows_still_exist():
    present = {(module, target) for module, path in MODULES.items() for _, target in _imports(path)}
    assert KNOWN <= present, f"no longer imported, take them off KNOWN: {sorted(KNOWN - present)}"


def test_the_check_sees_an_arrow_against_the_flow(tmp_path, monkeypatch):
    """The scan itself: a report module reading the engine is caught."""
    fake = tmp_path / "clausecheck"
    (fake / "report").mkdir(parents=True)
    (fake / "engine").mkdir()
    (fake / "__init__.py").write_text("")
    (fake / "engine" / "__init__.py").write_text("")
    (fake / "engine" / "schema.py").write_text("TOPICS = ()\n")
    (fake / "report" / "__init__.py").write_text("")
    (fake / "report" / "render.py").write_text("from clausecheck.engine.schema import TOPICS\n")
    monkeypatch.setattr(__import__(__name__), "PACKAGE", fake)
    monkeypatch.setattr(__import__(__name__), "MODULES", {_module_name(p): p for p in fake.rglob("*.py")})
    assert [w.split(": ", 1)[1] for w in arrows_against_the_flow()] == ["clausecheck.report.render imports clausecheck.engine.schema (against the flow)"]
