"""`batch --template`: a deviations column in summary.csv and index.html, and none without a template."""

from __future__ import annotations

import csv
import io
import shutil

import pytest
from click.testing import CliRunner

from clausecheck.cli import main
from conftest import corpus_path

pytestmark = pytest.mark.corpus


def rows(out) -> list[dict]:
    return list(csv.DictReader(io.StringIO((out / "summary.csv").read_text(encoding="utf-8-sig"))))


def test_each_contract_gets_its_deviations_from_the_template(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    template = corpus_path("ja", "oi_model_v1_3_joint_rd_shinsozai.txt")
    shutil.copy(template, folder / "same.txt")
    shutil.copy(corpus_path("ja", "oi_model_v1_1_nda_shinsozai.txt"), folder / "nda.txt")
    edited = template.read_text(encoding="utf-8").replace("全て負担しなければならない。", "甲乙折半して負担する。")
    (folder / "edited.txt").write_text(edited, encoding="utf-8")
    result = CliRunner().invoke(main, ["batch", str(folder), "-o", str(tmp_path / "out"), "--jobs", "1", "--template", str(template)])
    assert result.exit_code == 0, result.output
    deviations = {row["file"]: row["deviations"] for row in rows(tmp_path / "out")}
    assert deviations["same.txt"] == "0" and deviations["edited.txt"] == "1" and int(deviations["nda.txt"]) > 5
    assert "ひな型との相違" in (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    # Another template is another option set: nothing stored for the first one is reused.
    other = corpus_path("ja", "oi_model_v1_2_poc_shinsozai.txt")
    result = CliRunner().invoke(main, ["batch", str(folder), "-o", str(tmp_path / "out"), "--jobs", "1", "--template", str(other)])
    assert result.exit_code == 0 and "0 unchanged" in result.output
    assert {row["file"]: row["deviations"] for row in rows(tmp_path / "out")}["same.txt"] != "0"


def test_without_a_template_the_column_stays_empty(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(corpus_path("ja", "oi_model_v1_1_nda_shinsozai.txt"), folder / "nda.txt")
    result = CliRunner().invoke(main, ["batch", str(folder), "-o", str(tmp_path / "out"), "--jobs", "1"])
    assert result.exit_code == 0, result.output
    assert [row["deviations"] for row in rows(tmp_path / "out")] == [""]
    assert "ひな型との相違" not in (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
