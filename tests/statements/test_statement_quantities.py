"""Quantities on statements: each number a statement states, with what it is for, and rules on them."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from clausecheck import quantities
from clausecheck.rule_fixtures import run_fixtures
from clausecheck.engine.loader import load_rules
from clausecheck.errors import RuleError
from clausecheck.statements import statements_of

QUANTITY_RULES = Path(__file__).parent / "quantity_rules"


@pytest.fixture(scope="module")
def pack():
    return load_rules()


def numbers(pack, text: str, language: str) -> list[tuple[str, float, str]]:
    lexicon = pack.lexicon.compiled(language)
    return [(q.type, q.value, q.meaning) for s in statements_of(text, [(0, len(text))], lexicon) for q in s.quantities]


@pytest.mark.parametrize(
    "text, language, expected",
    [
        # payment terms, worded several ways
        ("Customer shall pay each invoice within sixty (60) days after receipt.", "en", ("duration", 60, "payment_term")),
        ("All amounts are payable net 45 days from the invoice date.", "en", ("duration", 45, "payment_term")),
        ("Invoices will be settled by Buyer no later than three months after delivery.", "en", ("duration", 90, "payment_term")),
        ("甲は、納品を受けた日から６０日以内に委託料を支払う。", "ja", ("duration", 60, "payment_term")),
        ("報酬は、検収完了後三十日以内に乙の指定する口座へ振り込むものとする。", "ja", ("duration", 30, "payment_term")),
        ("甲は、毎月末日締めで翌々月末日までに代金を支払う。", "ja", ("duration", 90, "payment_term")),
        # notice periods
        ("Either party may terminate this Agreement upon ninety (90) days' prior written notice.", "en", ("duration", 90, "notice_period")),
        ("Licensor may end the licence by notifying Licensee six months in advance.", "en", ("duration", 180, "notice_period")),
        ("甲又は乙は、期間満了の三か月前までに書面で通知することにより、本契約を終了できる。", "ja", ("duration", 90, "notice_period")),
        ("乙は、３０日前に予告して本契約を解約することができる。", "ja", ("duration", 30, "notice_period")),
        # durations
        ("The initial term of this Agreement is three (3) years.", "en", ("duration", 1095, "duration")),
        ("本契約の有効期間は、締結日から一年間とする。", "ja", ("duration", 365, "duration")),
        # caps
        ("In no event shall the aggregate liability of Supplier exceed US$100,000.", "en", ("amount", 100_000, "cap")),
        ("損害賠償の総額は、金百万円を上限とする。", "ja", ("amount", 1_000_000, "cap")),
        ("乙の責任は、一千二百万円を限度とする。", "ja", ("amount", 12_000_000, "cap")),
        # rates
        ("Late payments bear interest at 1.5% per month.", "en", ("percent", 1.5, "rate")),
        ("遅延損害金は、年14.6％の割合とする。", "ja", ("percent", 14.6, "rate")),
        # prices and shares
        ("Licensee shall pay a licence fee of $50,000.", "en", ("amount", 50_000, "price")),
        ("甲は、乙に対し、委託料として金五十万円を支払う。", "ja", ("amount", 500_000, "price")),
        ("Each party shall bear 50% of the costs of the Programme.", "en", ("percent", 50, "share")),
    ],
)
def test_each_quantity_has_its_meaning(pack, text, language, expected):
    found = numbers(pack, text, language)
    kind, value, meaning = expected
    assert (kind, pytest.approx(value), meaning) in [(k, pytest.approx(v), m) for k, v, m in found], found


@pytest.mark.parametrize("text", ["第十五条の規定にかかわらず、甲は解除できる。", "第１５条（協議）甲及び乙は誠実に協議する。", "Section 15 applies."])
def test_an_article_number_is_no_quantity(pack, text):
    assert numbers(pack, text, "ja" if "条" in text else "en") == []


def test_a_quantity_belongs_to_the_statement_that_states_it(pack):
    text = "甲は、乙に対し、納品後９０日以内に委託料を支払う。乙は、成果物を３０日以内に納入する。"
    lexicon = pack.lexicon.compiled("ja")
    first = text.index("。") + 1
    statements = statements_of(text, [(0, first), (first, len(text))], lexicon)
    assert [[q.value for q in s.quantities] for s in statements] == [[90], [30]]
    assert all(text[q.start:q.end] == q.text for s in statements for q in s.quantities)


@pytest.mark.parametrize(
    "text, value",
    [("金百万円", 1_000_000), ("一千二百万円", 12_000_000), ("金三億五千万円", 350_000_000), ("金五十円", 50), ("金100万円", 1_000_000)],
)
def test_kanji_amounts(text, value):
    (found,) = quantities.amounts(text)
    assert found.value == value


def test_a_blank_amount_of_a_template_is_no_amount():
    assert quantities.amounts("委託料は金　　　万円とする。") == []


def test_the_rules_written_on_quantities_pass_their_fixtures():
    results, problems = run_fixtures(load_rules([QUANTITY_RULES]), ["statement-payment-beyond-60-days", "statement-notice-90-days-or-more"])
    assert not problems
    by_rule: dict = {}
    for result in results:
        by_rule.setdefault(result.case.rule_id, []).append(result)
    assert set(by_rule) == {"statement-payment-beyond-60-days", "statement-notice-90-days-or-more"}
    failed = [f"{r.case.path}:{r.case.line}" for r in results if not r.passed]
    assert not failed
    for rule_results in by_rule.values():
        for language in ("en", "ja"):
            cases = [r.case for r in rule_results if r.case.language == language]
            assert sum(c.annotation == "ruleid" for c in cases) >= 3
            assert sum(c.annotation == "ok" for c in cases) >= 2


def _rule_pack(tmp_path: Path, quantity: str) -> Path:
    folder = tmp_path / "pack" / "payment_terms"
    folder.mkdir(parents=True)
    rule = f"""\
        kind: risk
        topic: payment_terms
        severity: low
        title: {{en: t, ja: t}}
        message: {{en: m, ja: m}}
        recommendation: {{en: r, ja: r}}
        when:
          action: pay
          quantity: {quantity}
    """
    (folder / "my-rule.yaml").write_text(textwrap.dedent(rule), encoding="utf-8")
    return folder.parent


@pytest.mark.parametrize(
    "quantity, code",
    [
        ("{meaning: payment_term, over: 60}", "E202"),
        ("{meaning: payback_time, above: 60}", "E213"),
        ("{above: 60}", "E203"),
        ("{meaning: payment_term, above: sixty}", "E203"),
        ("{meaning: payment_term, above: 2, unit: fortnights}", "E203"),
        ("{meaning: payment_term, type: percent}", "E203"),
        ("sixty days", "E203"),
    ],
)
def test_a_bad_quantity_condition_is_reported_where_it_is_written(tmp_path, quantity, code):
    with pytest.raises(RuleError) as error:
        load_rules([_rule_pack(tmp_path, quantity)])
    problem = next(p for p in error.value.problems if p.code == code)
    assert problem.path.endswith("my-rule.yaml") and problem.line == 9


def test_a_threshold_is_read_in_its_unit(tmp_path):
    pack = load_rules([_rule_pack(tmp_path, "{meaning: payment_term, at_least: 2, unit: months}")])
    (pattern,) = pack.rules["my-rule"].when
    assert pattern.quantity.type == "duration" and pattern.quantity.at_least == 60


def test_a_finding_on_a_quantity_explains_which_number_it_read():
    from clausecheck.engine.runner import Engine
    from conftest import document_from_text

    engine = Engine(load_rules([QUANTITY_RULES]))
    document = document_from_text("株式会社アルファ（以下「甲」という。）と株式会社ベータ（以下「乙」という。）は、次のとおり契約を締結する。\n第6条　甲は、乙から納品を受けた日から９０日以内に委託料を支払う。", "ja")
    finding = next(f for f in engine.check(document).findings if f.rule == "statement-payment-beyond-60-days")
    assert finding.explanation["quantity"] == {"text": "90日", "value": 90, "type": "duration", "meaning": "payment_term"}
    assert "90日 (支払期限)" in finding.explanation["said"]["ja"]
    assert "90日 (payment term)" in finding.explanation["said"]["en"]


@pytest.mark.parametrize("text", ["支払90日" * 50_000, "１２３４５６７８９０日" * 20_000, "pay 30 days net " * 50_000])
def test_a_statement_of_numbers_only_is_read_in_bounded_pieces(pack, text):
    language = "en" if text.isascii() else "ja"
    statements = statements_of(text, [(0, len(text))], pack.lexicon.compiled(language), [])
    (statement,) = statements
    found = statement.quantities  # read from the statement's first MAX_STATEMENT_CHARS only
    assert found and all(q.end - statement.start <= 5000 for q in found)
