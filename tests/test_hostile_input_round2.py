"""Hostile input, round 2: bombs in rule packs and Word files, evasion, hidden text, encodings.

Each case of the second round of attacks is built here (python-docx, zipfile, plain bytes),
states what is wrong with it, and checks the coded error or warning a user sees. Shared
builders come from test_hostile_input.
"""

from __future__ import annotations

import time

from test_hostile_input import CONTRACT_EN, write_rule

from clausecheck.pipeline import Settings, check_file


# -- the per-document rule budget ------------------------------------------------------------


def test_catastrophic_user_rule_over_200_clauses_is_held_to_the_document_budget(tmp_path):
    # `(a|a)*$` backtracks exponentially on every clause's run of a's: with only the per-clause
    # limit, 200 clauses cost 200 × 0.5 s.
    pack = tmp_path / "pack"
    write_rule(pack, "alternation-trap", "en:\n  regex:\n    - '(a|a)*$'\n", topic="non_compete")
    path = tmp_path / "contract.txt"
    clauses = [f"{n}. Notices {n}. The notice is {'a' * 40}!" for n in range(4, 204)]
    path.write_text("\n".join(CONTRACT_EN + clauses), encoding="utf-8")
    started = time.perf_counter()
    report = check_file(path, Settings(rules_dirs=(str(pack),)))
    elapsed = time.perf_counter() - started
    trap_warnings = [w for w in report.warnings if w.code == "W210" and "alternation-trap" in w.message]
    assert len(trap_warnings) == 1, trap_warnings  # skipped for the rest of the document, said once
    assert "rest of the document" in trap_warnings[0].message
    assert elapsed < 30, elapsed  # a hang check: 200 time-outs would take 100 s
    assert report.topics["exclusivity"].status == "present"
    assert report.topics["governing_law"].status == "present"
