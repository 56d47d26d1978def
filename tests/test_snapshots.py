"""A JSON report per sample contract, kept in tests/snapshots/: any change to a report shows up here.

The snapshot is the report `clausecheck check SAMPLE --party P --format json` writes (P from
the sample's expected file), with what changes without the report changing normalised: the
program, rules and model versions, and the folder the sample sits in. When a change to the
rules or the code changes a report on purpose, rewrite the snapshots with the one command

    CLAUSECHECK_UPDATE_SNAPSHOTS=1 python -m pytest tests/test_snapshots.py

and commit them with the change: the diff of the snapshots is the change in what users get.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
import yaml

from clausecheck.engine.runner import CheckOptions
from clausecheck.pipeline import Settings, check_file
from clausecheck.report.output import render

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "sample_contracts"
SNAPSHOTS = Path(__file__).resolve().parent / "snapshots"
EXPECTED = sorted((SAMPLES / "expected").glob("*.yaml"))
UPDATE = os.environ.get("CLAUSECHECK_UPDATE_SNAPSHOTS") == "1"
UPDATE_COMMAND = "CLAUSECHECK_UPDATE_SNAPSHOTS=1 python -m pytest tests/test_snapshots.py"
VOLATILE_TOOL_FIELDS = ("version", "rules_version", "model_version")


def normalised(report_json: str) -> str:
    """The report with its volatile fields replaced by a fixed mark, as stable JSON text."""
    data = json.loads(report_json)
    for field in VOLATILE_TOOL_FIELDS:
        if field in data["tool"]:
            data["tool"][field] = "*"
    data["source"]["path"] = Path(data["source"]["path"]).name
    return json.dumps(data, ensure_ascii=False, indent=1, sort_keys=False) + "\n"


def snapshot_of(expected_path: Path) -> str:
    expected = yaml.safe_load(expected_path.read_text(encoding="utf-8"))
    report = check_file(SAMPLES / expected["file"], Settings(check=CheckOptions(party=expected.get("party"))))
    return normalised(render(report, "json"))


@pytest.mark.parametrize("expected_path", EXPECTED, ids=[p.stem for p in EXPECTED])
def test_report_matches_its_snapshot(expected_path):
    path = SNAPSHOTS / f"{expected_path.stem}.json"
    current = snapshot_of(expected_path)
    if UPDATE:
        SNAPSHOTS.mkdir(exist_ok=True)
        path.write_text(current, encoding="utf-8")
    assert path.is_file(), f"no snapshot {path.name}: write it with `{UPDATE_COMMAND}`"
    stored = path.read_text(encoding="utf-8")
    if stored != current:
        changed = [f"line {n}: {a.strip()[:90]!r} → {b.strip()[:90]!r}" for n, (a, b) in enumerate(zip(stored.splitlines(), current.splitlines()), 1) if a != b][:5]
        pytest.fail(f"the report of {expected_path.stem} changed:\n" + "\n".join(changed) + f"\nif the change is meant, run `{UPDATE_COMMAND}` and commit tests/snapshots/", pytrace=False)


def test_volatile_fields_do_not_reach_the_snapshot():
    report = {"tool": {"name": "clausecheck", "version": "9.9", "rules_version": "1r-abc", "model_version": "2.x"}, "source": {"path": "/somewhere/else/a.txt"}}
    assert json.loads(normalised(json.dumps(report))) == {"tool": {"name": "clausecheck", "version": "*", "rules_version": "*", "model_version": "*"}, "source": {"path": "a.txt"}}
