"""Required elements that fit the deal: conditions in rules/profiles.yaml, and the new contract types."""

from __future__ import annotations

import pytest

from clausecheck.engine.contract_type import detect_contract_type
from clausecheck.engine.runner import CheckOptions
from conftest import document_from_text

COURIER_JA = """軽貨物配送業務委託契約書

株式会社アルファ（以下「甲」という。）と山田太郎（以下「乙」という。）は、次のとおり契約を締結する。

第1条（委託業務）
甲は、乙に対し、甲の指定する荷物の配送業務を委託し、乙は自己の車両でこれを行う。
第2条（委託料）
甲は、乙に対し、配送1件につき150円を、毎月末日締め翌月末日までに支払う。
第3条（契約期間）
本契約の有効期間は1年間とし、いずれかの当事者は30日前までの書面による通知で解除できる。
第4条（反社会的勢力の排除）
甲および乙は、自らが反社会的勢力に該当しないことを表明し、保証する。
"""

CLA_EN = """INDIVIDUAL CONTRIBUTOR LICENSE AGREEMENT

This agreement is between Jane Doe ("Contributor") and Example Foundation ("Foundation").

1. Definitions
"Contribution" means any original work of authorship submitted by Contributor to the Foundation.
2. Grant of copyright licence
Contributor grants to Foundation a perpetual, worldwide, non-exclusive, no-charge, royalty-free, irrevocable licence to reproduce and distribute the Contributions.
3. Representations
Contributor represents that each Contribution is Contributor's original creation.
"""

TERMS_JA = """サービス利用規約

第1条（適用）
本規約は、当社が提供する本サービスの利用条件を定めるものです。利用者は本規約に同意の上、本サービスを利用するものとします。
第2条（利用登録）
利用希望者は、当社の定める方法により利用登録を申請するものとします。
第3条（退会）
利用者は、当社所定の手続により、いつでも退会できます。
第4条（反社会的勢力の排除）
利用者は、反社会的勢力に該当しないことを表明し、保証するものとします。
"""

AGENCY_EN = """SALES AGENCY AGREEMENT

This Agreement is made between Acme Corporation ("Principal") and Beta LLC ("Agent").

1. Appointment
Principal appoints Agent as its non-exclusive sales agent to solicit orders for the Products in Japan.
2. Commission
Principal shall pay Agent a commission of five percent (5%) of the net price of each accepted order.
3. Term
This Agreement continues for one year and either party may terminate it on sixty (60) days' notice.
"""


@pytest.mark.parametrize(("text", "expected"), [(COURIER_JA, "task_outsourcing"), (CLA_EN, "contributor_licence"), (TERMS_JA, "terms_of_service"), (AGENCY_EN, "agency")])
def test_new_contract_types_are_recognised(engine, text, expected):
    assert detect_contract_type(document_from_text(text), engine.pack.profiles).id == expected


def _missing(engine, text, contract_type=None):
    report = engine.check(document_from_text(text), CheckOptions(contract_type=contract_type))
    return {f.topic for f in report.findings if f.kind == "missing"}


def test_a_courier_job_is_not_asked_who_owns_the_ip(engine):
    assert "ip_ownership" not in _missing(engine, COURIER_JA)
    assert "confidentiality" not in _missing(engine, COURIER_JA)


def test_the_same_outsourcing_that_produces_deliverables_must_say_who_owns_them(engine):
    with_results = COURIER_JA.replace("荷物の配送業務を委託し、乙は自己の車両でこれを行う。", "配送管理ソフトウェアの開発を委託し、乙は成果物を納入する。")
    assert "ip_ownership" in _missing(engine, with_results, "task_outsourcing")
    assert "ip_ownership" in _missing(engine, with_results, "outsourcing")
    assert "ip_ownership" not in _missing(engine, COURIER_JA, "outsourcing")


def test_a_contributor_licence_is_not_asked_for_confidentiality_cost_sharing_or_a_term(engine):
    missing = _missing(engine, CLA_EN)
    assert not missing & {"confidentiality", "cost_sharing", "termination", "purpose", "roles"}


def test_a_free_licence_has_no_price_to_allocate(engine):
    paid = "LICENSE AGREEMENT\n1. Grant\nLicensor grants Licensee a non-exclusive licence under the Patents.\n2. Term\nThis Agreement ends after two years.\n"
    free = paid.replace("a non-exclusive licence", "a royalty-free, non-exclusive licence")
    assert "cost_sharing" in _missing(engine, paid, "license")
    assert "cost_sharing" not in _missing(engine, free, "license")


def test_terms_of_service_need_a_price_only_where_the_service_is_paid_for(engine):
    assert "cost_sharing" not in _missing(engine, TERMS_JA)
    paid = TERMS_JA.replace("第3条（退会）", "第3条（利用料）\n利用者は、当社が定める月額利用料を支払うものとします。\n第5条（退会）")
    assert "cost_sharing" not in _missing(engine, paid)  # the price clause is there: found, not missing
    no_price_clause = TERMS_JA.replace("利用条件を定めるものです。", "利用条件を定めるものです。有料プランがあります。")
    assert "cost_sharing" in _missing(engine, no_price_clause)


def test_a_condition_naming_an_unknown_topic_is_refused(tmp_path):
    from clausecheck.engine.loader import load_rules
    from clausecheck.errors import RuleError

    (tmp_path / "profiles.yaml").write_text(
        "types:\n  custom:\n    names: {en: Custom, ja: カスタム}\n    requires: [termination]\n    requires_when:\n      ip_rights: {text: {en: ['x']}}\n",
        encoding="utf-8",
    )
    with pytest.raises(RuleError) as error:
        load_rules([tmp_path])
    assert any("ip_rights" in p.message for p in error.value.problems)
