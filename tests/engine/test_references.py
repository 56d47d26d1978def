"""References in the memo's language: every built-in reference has an English form."""

from __future__ import annotations

import re

import pytest

from clausecheck.engine.loader import load_rules
from clausecheck.engine.references import localise
from clausecheck.engine.runner import CheckOptions
from conftest import document_from_text

PACK = load_rules()
JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uff01-\uff60]")
REFERENCES = sorted({reference for rule in PACK.rules.values() for reference in rule.references})


@pytest.mark.parametrize("reference", REFERENCES)
def test_every_reference_has_an_english_form(reference):
    english = localise(reference, "en", PACK.reference_forms)
    assert not JAPANESE.search(english), english
    assert "  " not in english


def test_a_japanese_memo_keeps_the_reference_as_published():
    reference = next(r for r in REFERENCES if JAPANESE.search(r))
    assert localise(reference, "ja", PACK.reference_forms) == reference


CONTRACT = "共同研究開発契約書\n第1条（目的）\n甲および乙は、新素材の共同研究を行う。\n第2条（成果）\n本研究の成果に係る知的財産権は、すべて甲に帰属する。\n第3条（解除）\n甲は、いつでも本契約を解除することができる。\n"


def test_an_english_memo_of_a_japanese_contract_cites_in_english(engine):
    document = document_from_text(CONTRACT, "ja")
    english = engine.check(document, CheckOptions(memo_language="en"))
    japanese = engine.check(document, CheckOptions())
    cited = [r for f in english.findings for r in f.references]
    assert cited and not any(JAPANESE.search(r) for r in cited)
    assert any(JAPANESE.search(r) for f in japanese.findings for r in f.references)
