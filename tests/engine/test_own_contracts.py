"""Contracts written for these tests, in wordings no rule was written against: the one-sided
terms a lawyer for the weaker side would raise must be found with the side they favour, and the
fair contracts must get no risk finding at all.

The texts in own_contracts/ were written from the trap types of the development set's README
(what a clause does), not from any corpus sentence; keep it that way when adding one.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from clausecheck.pipeline import read_document

HERE = Path(__file__).parent / "own_contracts"

# file → {(rule, alias of the favoured side)}: each must be a risk finding.
ONE_SIDED = {
    "en_saas_traps.txt": {
        ("fee-unilateral-revision", "we"), ("termination-for-convenience-one-sided", "we"),
        ("termination-vague-grounds-one-sided", "we"), ("liability-unlimited-one-sided", "we"),
        ("renewal-notice-over-90-days", "we"), ("audit-one-sided", "we"), ("non-solicit-one-sided", "we"),
        ("liability-cap-one-sided", "we"),
    },
    "en_distribution_traps.md": {
        ("exclusivity-unlimited", "Corbel"), ("exclusivity-after-term", "Corbel"),
        ("termination-for-convenience-one-sided", "Corbel"), ("termination-vague-grounds-one-sided", "Corbel"),
        ("renewal-notice-over-90-days", "Corbel"), ("audit-one-sided", "Corbel"), ("non-solicit-one-sided", "Corbel"),
        ("liability-unlimited-one-sided", "Corbel"), ("liability-cap-one-sided", "Corbel"),
    },
    "ja_teikei_traps.txt": {
        ("exclusivity-unlimited", "甲"), ("exclusivity-after-term", "甲"), ("termination-for-convenience-one-sided", "甲"),
        ("termination-vague-grounds-one-sided", "甲"), ("liability-unlimited-one-sided", "甲"), ("renewal-notice-over-90-days", "甲"),
        ("audit-one-sided", "甲"), ("non-solicit-one-sided", "甲"), ("liability-cap-one-sided", "甲"),
    },
    # 第8条 licenses 受託者's background technology to 委託者: no licence back of the results
    # of 第5条, which stay one-sided.
    "ja_poc_traps.txt": {
        ("ip-results-owned-by-one-party", "委託者"), ("free-redo-work-demanded", "委託者"), ("payment-due-beyond-60-days", "委託者"), ("information-disclosure-forced", "委託者"),
        ("trial-without-end-date", "委託者"), ("publication-ban-one-sided", "委託者"), ("license-free-of-charge", "委託者"),
        ("transfer-fee-deducted", "委託者"),
    },
    "ja_kiyaku_traps.md": {
        ("fee-unilateral-revision", "当社"), ("termination-vague-grounds-one-sided", "当社"),
        ("termination-for-convenience-one-sided", "当社"), ("liability-unlimited-one-sided", "当社"),
        ("renewal-notice-over-90-days", "当社"), ("audit-one-sided", "当社"), ("non-solicit-one-sided", "当社"),
        ("liability-cap-one-sided", "当社"),
    },
}
FAIR = ["en_reseller_fair.txt", "ja_teikei_fair.md", "en_saas_fair.txt", "en_mutual_nda.txt"]


def _alias_of(report, party_id):
    party = report.document.party(party_id) if party_id else None
    return set(party.all_names) if party else set()


@pytest.mark.parametrize("name", sorted(ONE_SIDED))
def test_one_sided_terms_in_unseen_wordings_are_found_with_their_side(engine, name):
    report = engine.check(read_document(HERE / name))
    found = {(f.rule, alias) for f in report.findings if f.kind == "risk" for alias in _alias_of(report, f.favours)}
    missing = {pair for pair in ONE_SIDED[name] if pair not in found}
    assert not missing, missing


@pytest.mark.parametrize("name", FAIR)
def test_fair_contracts_in_unseen_wordings_get_no_risk(engine, name):
    report = engine.check(read_document(HERE / name))
    risks = [(f.rule, f.favours, f.evidence[0].text[:80] if f.evidence else "") for f in report.findings if f.kind == "risk"]
    assert risks == []
