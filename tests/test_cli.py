"""The command line: start-up cost, exit codes, one-line coded errors, batch and parse."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from clausecheck import __version__
from clausecheck.cli import main

SUPPLY = """Supply Agreement

This Agreement is made between Acme Corp ("Acme") and Beta LLC ("Supplier").

1. Purpose
The purpose of this Agreement is the supply of sensor modules by Supplier to Acme.

2. Payment
Acme shall pay each invoice within thirty (30) days after receipt.
"""


def run(*args: str):
    return CliRunner().invoke(main, list(args), prog_name="clausecheck", catch_exceptions=False)


@pytest.fixture()
def contract(tmp_path) -> Path:
    path = tmp_path / "supply.txt"
    path.write_text(SUPPLY, encoding="utf-8")
    return path


def test_help_does_not_import_the_heavy_libraries():
    probe = (
        "import sys\n"
        "from clausecheck.cli import main\n"
        "try:\n"
        "    main(['--help'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "heavy = sorted(m for m in ('spacy', 'sudachipy', 'pdfplumber', 'docx', 'jinja2', 'yaml', 'regex') if m in sys.modules)\n"
        "sys.stderr.write('HEAVY=' + ','.join(heavy))\n"
    )
    completed = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert "Usage: " in completed.stdout and "batch" in completed.stdout
    assert completed.stderr.strip().endswith("HEAVY="), completed.stderr


def test_every_command_has_help_with_examples():
    for command in (["check"], ["batch"], ["parse"], ["rules", "list"], ["rules", "test"]):
        result = run(*command, "--help")
        assert result.exit_code == 0
        assert "Usage: clausecheck " + " ".join(command) in result.output
    for command in (["--help"], ["check", "--help"], ["batch", "--help"], ["parse", "--help"]):
        assert "Example" in run(*command).output


def test_version():
    result = run("--version")
    assert result.exit_code == 0 and __version__ in result.output


def test_usage_errors_exit_2():
    assert run("no-such-command").exit_code == 2
    assert run("check").exit_code == 2  # FILE is required
    assert run("check", "x.txt", "--format", "pdf").exit_code == 2


def test_input_errors_are_one_coded_line_without_traceback(tmp_path):
    result = run("check", str(tmp_path / "missing.docx"))
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("clausecheck: [E101]"), result.output
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    result = run("check", str(empty))
    assert result.exit_code == 2 and "[E102]" in result.output and "Traceback" not in result.output


def test_debug_shows_the_traceback(tmp_path):
    completed = subprocess.run(
        [sys.executable, "-m", "clausecheck", "check", str(tmp_path / "missing.pdf"), "--debug"], capture_output=True, text=True, timeout=120
    )
    assert completed.returncode == 2
    assert "Traceback" in completed.stderr and "[E101]" in completed.stderr


def test_fail_on_decides_the_exit_code(contract):
    result = run("check", str(contract), "--format", "json")
    assert result.exit_code == 0
    report = json.loads(result.output)
    severities = {f["severity"] for f in report["findings"] if f["kind"] != "note"}
    assert severities, "the contract lacks required elements, so something is reported"
    order = ["low", "medium", "high"]
    for threshold in order:
        expected = 1 if any(order.index(s) >= order.index(threshold) for s in severities if s in order) else 0
        outcome = run("check", str(contract), "--format", "json", "--fail-on", threshold)
        assert outcome.exit_code == expected, threshold
    assert run("check", str(contract), "--format", "json", "--fail-on", "low").exit_code == 1


def test_check_writes_every_format(contract, tmp_path):
    for output_format, suffix in (("html", ".html"), ("json", ".json"), ("md", ".md")):
        destination = tmp_path / f"memo{suffix}"
        result = run("check", str(contract), "--format", output_format, "-o", str(destination), "--party", "Supplier")
        assert result.exit_code == 0, result.output
        assert destination.stat().st_size > 200
    assert json.loads((tmp_path / "memo.json").read_text(encoding="utf-8"))["perspective"]


def test_dash_output_means_stdout(contract, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run("check", str(contract), "--format", "json", "-o", "-")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["schema_version"] == 1
    assert not (tmp_path / "-").exists()


def test_parse_json(contract):
    result = run("parse", str(contract), "--json")
    assert result.exit_code == 0
    parsed = json.loads(result.output)
    assert set(parsed) >= {"source", "language", "title", "parties", "definitions", "clauses", "warnings"}
    assert parsed["language"] == "en" and parsed["title"] == "Supply Agreement"
    assert [c["number"] for c in parsed["clauses"] if c["number"]] == ["1", "2"]


def test_rules_commands(tmp_path):
    listing = run("rules", "list")
    assert listing.exit_code == 0 and "confidentiality-required" in listing.output
    shown = run("rules", "show", "confidentiality-required")
    assert shown.exit_code == 0 and "confidentiality" in shown.output
    unknown = run("rules", "show", "no-such-rule")
    assert unknown.exit_code == 2 and "[E208]" in unknown.output
    assert run("rules", "validate").exit_code == 0
    broken = tmp_path / "pack" / "purpose"
    broken.mkdir(parents=True)
    (broken / "broken-rule.yaml").write_text("id: broken-rule\ntopic: purpose\nkind: [unclosed\n", encoding="utf-8")
    invalid = run("rules", "validate", str(tmp_path / "pack"))
    assert invalid.exit_code == 2 and "broken-rule.yaml" in invalid.output and "[E2" in invalid.output


def test_batch_command(tmp_path, contract):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "supply.txt").write_text(SUPPLY, encoding="utf-8")
    out = tmp_path / "review"
    result = run("batch", str(folder), "-o", str(out), "--jobs", "1")
    assert result.exit_code == 0, result.output
    assert "1 checked" in result.output
    assert {p.name for p in out.iterdir()} >= {"index.html", "results.jsonl", "summary.csv", "memos", ".clausecheck.sqlite"}
    again = run("batch", str(folder), "-o", str(out), "--jobs", "1", "--fail-on", "low")
    assert again.exit_code == 1 and "0 checked, 1 unchanged" in again.output
    (folder / "empty.txt").write_bytes(b"")
    failed = run("batch", str(folder), "-o", str(out), "--jobs", "1")
    assert failed.exit_code == 2 and "[E102]" in failed.output
    assert run("batch", str(tmp_path / "nowhere"), "-o", str(out)).exit_code == 2
    unwritable = run("batch", str(folder), "-o", str(folder / "supply.txt" / "review"))
    assert unwritable.exit_code == 2 and "[E302]" in unwritable.output


def test_a_party_the_contract_does_not_have_is_an_error_that_lists_its_parties(contract, tmp_path):
    result = CliRunner().invoke(main, ["check", str(contract), "--party", "Licensee", "-o", str(tmp_path / "memo.html")], prog_name="clausecheck")
    assert result.exit_code == 2
    assert "[E113]" in result.output and "Acme" in result.output and "Supplier" in result.output
    assert not (tmp_path / "memo.html").exists()
    assert CliRunner().invoke(main, ["check", str(contract), "--party", "Supplier", "-o", str(tmp_path / "memo.html")]).exit_code == 0
