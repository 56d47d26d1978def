"""The JSON report against its shipped JSON Schema (draft 2020-12) and DESIGN.md §6."""

from __future__ import annotations

import copy
import json

import jsonschema
import pytest

from clausecheck.engine.schema import TOPICS
from clausecheck.report.json_report import dumps, error_dict, report_dict, report_schema
from clausecheck.report.output import render
from conftest import corpus_path
from report_helpers import english_report, japanese_report

CORPUS_DOCUMENTS = [
    ("ja", "faultray_nda_one_way_bilingual.md"),
    ("ja", "oi_model_v1_3_joint_rd_shinsozai.txt"),
    ("ja", "ycam_grp_kyodo_kenkyu_kaihatsu_v2.md"),
    ("standard", "bonterms_mutual_nda_v1.md"),
    ("standard", "commonpaper_cloud_service_agreement.md"),
    ("standard", "bonterms_cloud_terms_v1.pdf"),
]


@pytest.fixture(scope="module")
def validator():
    schema = report_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def problems(validator, data) -> list[str]:
    return [f"{'/'.join(map(str, error.absolute_path))}: {error.message}" for error in validator.iter_errors(data)]


def test_schema_lists_every_topic_of_the_vocabulary():
    schema = report_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$defs"]["report"]["properties"]["topics"]["required"] == list(TOPICS)


def test_a_topic_added_by_a_rule_pack_validates_and_a_malformed_id_does_not(validator):
    """DESIGN.md §4: rules may add topics, but never rename the fixed ones."""
    base = report_dict(english_report())
    added = copy.deepcopy(base)
    added["topics"]["export_control"] = {"status": "present", "evidence": []}
    assert not list(validator.iter_errors(added))
    malformed = copy.deepcopy(base)
    malformed["topics"]["Export Control!"] = {"status": "present", "evidence": []}
    assert list(validator.iter_errors(malformed))
    renamed = copy.deepcopy(base)
    del renamed["topics"]["purpose"]
    assert list(validator.iter_errors(renamed))


@pytest.mark.parametrize("build", [english_report, japanese_report])
def test_reports_with_findings_validate(validator, build):
    data = json.loads(render(build(), "json"))
    assert data["findings"], "the example contracts raise findings"
    assert problems(validator, data) == []
    assert set(data["topics"]) == set(TOPICS)


@pytest.mark.corpus
@pytest.mark.parametrize("folder, name", CORPUS_DOCUMENTS)
def test_real_contracts_validate(validator, folder, name):
    from clausecheck.pipeline import check_file

    report = check_file(corpus_path(folder, name))
    data = json.loads(dumps(report_dict(report)))
    assert problems(validator, data) == []


def test_a_failed_file_line_validates(validator):
    from clausecheck.errors import InputError

    error = InputError("no text layer (scanned document): run OCR first", code="E108", path="scan.pdf")
    line = json.loads(dumps(error_dict("scan.pdf", error.code, error.message)))
    assert problems(validator, line) == []
    assert problems(validator, {**line, "error": {"code": "oops", "message": "x"}})


@pytest.mark.parametrize(
    "mutation",
    [
        lambda d: d.pop("topics"),
        lambda d: d["topics"].pop("exclusivity"),
        lambda d: d.update(unexpected=True),
        lambda d: d["findings"][0].update(severity="critical"),
        lambda d: d["findings"][0]["evidence"].append({"clause": "1", "page": 0, "text": "x"}),
        lambda d: d["summary"].pop("missing"),
        lambda d: d["source"].update(sha256="not-a-hash"),
        lambda d: d.update(schema_version=2),
    ],
)
def test_schema_rejects_reports_that_break_the_contract(validator, mutation):
    data = json.loads(render(english_report(), "json"))
    broken = copy.deepcopy(data)
    mutation(broken)
    assert problems(validator, broken)
