"""The sample contracts: each checked against its expected-findings file, and kept in step with
the generator that writes them."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
import yaml
from conftest import load_script

from clausecheck.engine.runner import CheckOptions
from clausecheck.engine.schema import TOPICS
from clausecheck.pipeline import Settings, check_file, read_document, rule_pack

SAMPLES = Path(__file__).resolve().parents[1] / "sample_contracts"
EXPECTED = sorted((SAMPLES / "expected").glob("*.yaml"))
EXPECTED_KEYS = {"file", "party", "language", "contract_type", "parties", "perspective", "topics_present", "topics_absent",
                 "must_fire", "must_not_fire", "traps_without_rule", "known_issues"}


def load(expected_path: Path) -> dict:
    return yaml.safe_load(expected_path.read_text(encoding="utf-8"))


def test_every_sample_has_an_expected_file_and_both_languages_and_all_formats_are_covered():
    samples = sorted(p.name for p in SAMPLES.iterdir() if p.suffix in (".docx", ".pdf", ".txt", ".md"))
    described = sorted(load(p)["file"] for p in EXPECTED)
    assert samples == described
    languages = {load(p)["language"] for p in EXPECTED}
    suffixes = {Path(name).suffix for name in samples}
    assert languages == {"en", "ja"} and suffixes >= {".docx", ".pdf", ".txt"}


@pytest.fixture(scope="module")
def known_rules() -> set[str]:
    return set(rule_pack().rules)


@pytest.mark.parametrize("expected_path", EXPECTED, ids=[p.stem for p in EXPECTED])
def test_sample_matches_its_expected_findings(expected_path, known_rules):
    expected = load(expected_path)
    assert set(expected) <= EXPECTED_KEYS, set(expected) - EXPECTED_KEYS
    settings = Settings(check=CheckOptions(party=expected.get("party")))
    report = check_file(SAMPLES / expected["file"], settings)
    document = report.document

    assert document.language == expected["language"]
    assert report.contract_type.id == expected["contract_type"]
    found_parties = [set(party.all_names) for party in document.parties]
    for aliases in expected["parties"]:
        assert any(set(aliases) <= names for names in found_parties), (aliases, found_parties)
    assert report.perspective == expected["perspective"]

    for topic in expected["topics_present"]:
        assert topic in TOPICS
        assert report.topics[topic].status == "present", topic
    for topic in expected["topics_absent"]:
        assert report.topics[topic].status == "absent", topic

    fired = {finding.rule: finding for finding in report.findings}
    for item in expected["must_fire"]:
        rule = item["rule"] if isinstance(item, dict) else item
        assert rule in known_rules, f"{rule} is not a rule (any more?)"
        assert rule in fired, f"{rule} did not fire on {expected['file']}"
        if isinstance(item, dict) and "favours" in item:
            assert fired[rule].favours == item["favours"], rule
        if isinstance(item, dict) and "evidence" in item:
            assert any(item["evidence"] in evidence.text for evidence in fired[rule].evidence), rule
    for rule in expected["must_not_fire"]:
        assert rule in known_rules, f"{rule} is not a rule (any more?)"
        assert rule not in fired, f"{rule} fired on {expected['file']}: {fired[rule].evidence[:1]}"


def _generator():
    return load_script(SAMPLES / "build_samples.py", "build_samples")


def test_the_committed_samples_are_what_the_generator_writes(tmp_path):
    pytest.importorskip("reportlab")
    generator = _generator()
    written = generator.build(tmp_path)
    assert sorted(p.name for p in written) == sorted(load(p)["file"] for p in EXPECTED)
    for path in written:
        committed = SAMPLES / path.name
        if path.suffix in (".txt", ".md"):
            assert path.read_bytes() == committed.read_bytes(), path.name
        else:
            # Binary formats may differ in bytes between library versions; the text must not.
            assert read_document(path).text == read_document(committed).text, path.name


def test_the_japanese_docx_uses_word_numbering_not_typed_numbers():
    with zipfile.ZipFile(SAMPLES / "ja_joint_development.docx") as archive:
        numbering = archive.read("word/numbering.xml").decode("utf-8")
        body = archive.read("word/document.xml").decode("utf-8")
    assert 'w:lvlText w:val="第%1条"' in numbering
    assert "第1条" not in body and "<w:numPr>" in body
    clauses = [clause.number for clause in read_document(SAMPLES / "ja_joint_development.docx").clauses if clause.number]
    assert clauses[:3] == ["第1条", "第2条", "第3条"] and len(clauses) == 16


def test_the_outsourcing_contract_is_shift_jis():
    data = (SAMPLES / "ja_outsourcing_sjis.txt").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    assert data.decode("shift_jis").startswith("業務委託契約書")
    document = read_document(SAMPLES / "ja_outsourcing_sjis.txt")
    assert "翌々月末日" in document.text and any(w.code == "W106" for w in document.warnings)


def test_the_japanese_pdf_uses_a_cid_font():
    data = (SAMPLES / "ja_nda_mutual.pdf").read_bytes()
    assert b"HeiseiMin-W3" in data
    assert "秘密保持" in read_document(SAMPLES / "ja_nda_mutual.pdf").text
