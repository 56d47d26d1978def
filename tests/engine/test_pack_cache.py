"""The validated rule pack cache: reused while the files are the same, never across a change."""

from __future__ import annotations

import shutil

import pytest

from clausecheck.engine import loader, pack_cache
from clausecheck.errors import RuleError


@pytest.fixture
def counted_loads(monkeypatch, tmp_path):
    monkeypatch.setenv("CLAUSECHECK_CACHE_DIR", str(tmp_path / "cache"))
    calls = []
    real = loader.load_rules

    def load_rules(*args, **kwargs):
        calls.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(pack_cache, "load_rules", load_rules)
    return calls


def _user_pack(tmp_path, severity="high"):
    pack = tmp_path / "pack"
    pack.mkdir(exist_ok=True)
    (pack / "house-fee.yaml").write_text(
        "id: house-fee\nkind: risk\ntopic: payment_terms\nseverity: " + severity + "\n"
        "title: {en: Fee, ja: 料金}\nmessage: {en: A fee., ja: 料金。}\nrecommendation: {en: Ask., ja: 確認。}\n"
        "en:\n  regex: ['\\bhouse fee\\b']\n",
        encoding="utf-8",
    )
    return pack


def test_unchanged_pack_is_validated_once(counted_loads, tmp_path):
    pack = _user_pack(tmp_path)
    first = pack_cache.load_rules_cached([str(pack)])
    second = pack_cache.load_rules_cached([str(pack)])
    assert len(counted_loads) == 1
    assert second.version == first.version
    assert second.rules.keys() == first.rules.keys()


def test_changed_rule_file_is_validated_again(counted_loads, tmp_path):
    pack = _user_pack(tmp_path)
    before = pack_cache.load_rules_cached([str(pack)])
    _user_pack(tmp_path, severity="low")
    after = pack_cache.load_rules_cached([str(pack)])
    assert len(counted_loads) == 2
    assert after.rules["house-fee"].severity == "low" and before.rules["house-fee"].severity == "high"


def test_another_version_does_not_trust_the_cache(counted_loads, tmp_path, monkeypatch):
    pack_cache.load_rules_cached([])
    monkeypatch.setattr(pack_cache, "__version__", "99.0.0")
    pack_cache.load_rules_cached([])
    assert len(counted_loads) == 2


def test_damaged_cache_entry_is_ignored(counted_loads, tmp_path):
    pack_cache.load_rules_cached([])
    for entry in (tmp_path / "cache").glob("rules-*.pickle"):
        entry.write_bytes(b"not a pickle")
    assert pack_cache.load_rules_cached([]).rules
    assert len(counted_loads) == 2


def test_invalid_pack_is_never_cached(counted_loads, tmp_path):
    pack = _user_pack(tmp_path)
    (pack / "broken.yaml").write_text("id: [unclosed\n", encoding="utf-8")
    for _ in range(2):
        with pytest.raises(RuleError):
            pack_cache.load_rules_cached([str(pack)])
    assert len(counted_loads) == 2
    assert not list((tmp_path / "cache").glob("rules-*.pickle"))


def test_cache_can_be_switched_off(counted_loads, monkeypatch):
    monkeypatch.setenv("CLAUSECHECK_CACHE_DIR", "off")
    pack_cache.load_rules_cached([])
    pack_cache.load_rules_cached([])
    assert len(counted_loads) == 2
