"""Durations, amounts and percentages read from English and Japanese contract text."""

from __future__ import annotations

import pytest

from clausecheck import quantities


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("within thirty (30) days after receipt", 30),
        ("upon sixty days' notice", 60),
        ("a 90-day cure period", 90),
        ("for a period of six (6) months", 180),
        ("ten (10) business days", 14),
        ("for two years", 730),
        ("one hundred eighty (180) days prior written notice", 180),
        ("期間満了の3か月前までに", 90),
        ("３ヶ月前までに通知する", 90),
        ("本契約の有効期間は三年間とする", 1095),
        ("締結日から1年間", 365),
        ("納品後60日以内", 60),
        ("10営業日以内に", 14),
        ("検収月の翌月末日までに支払う", 60),
        ("翌々月末払いとする", 90),
        ("締め日の翌月15日に支払う", 45),
    ],
)
def test_duration_in_days(text, days):
    found = quantities.durations(text)
    assert found, text
    assert max(q.value for q in found) == pytest.approx(days)


@pytest.mark.parametrize(
    "text",
    ["2026年4月1日に締結する", "毎年3月31日に報告する", "Section 5 applies", "第5条"],
)
def test_dates_and_numbers_are_not_durations(text):
    assert quantities.durations(text) == []


def test_duration_offsets_point_into_the_text_as_given():
    text = "甲は、３ヶ月前までに通知する。"
    (found,) = quantities.durations(text)
    assert text[found.start:found.end] == found.text == "３ヶ月"


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("a fee of ¥1,000,000", 1_000_000),
        ("委託料として金100万円を支払う", 1_000_000),
        ("US$50,000 per year", 50_000),
        ("USD 2.5 million", 2_500_000),
        ("金１億円を上限とする", 100_000_000),
        ("5,000円（税別）", 5_000),
        ("€200", 200),
    ],
)
def test_amounts(text, value):
    found = quantities.amounts(text)
    assert [q.value for q in found] == [pytest.approx(value)]


@pytest.mark.parametrize(
    ("text", "value"),
    [("15%", 15), ("年14.6％の割合", 14.6), ("fifty (50) percent", 50), ("正味販売価格の3パーセント", 3)],
)
def test_percents(text, value):
    found = quantities.percents(text)
    assert [q.value for q in found] == [pytest.approx(value)]


def test_find_dispatches_on_type():
    text = "Pay 10% of $1,000 within 30 days."
    assert [q.type for q in quantities.find(text, "duration")] == ["duration"]
    assert [q.value for q in quantities.find(text, "amount")] == [1000]
    assert [q.value for q in quantities.find(text, "percent")] == [10]
