"""The validated rule pack cache: reused while the files are the same, never across a change."""

from __future__ import annotations


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


def test_cached_pack_brings_its_compiled_patterns(counted_loads, tmp_path, monkeypatch):
    """A fresh process (emptied memo tables) gets the pack's compiled regexes from the cache, not
    from the `regex` parser, and they match as freshly compiled ones do."""
    import regex

    from clausecheck.engine import compiler, memo

    pack_cache.cached_engine(())
    saved = {name: dict(table) for name, table in memo.TABLES.items()}
    for table in memo.TABLES.values():
        table.clear()
    compiles = []
    real_compile = regex.compile
    monkeypatch.setattr(compiler.regex, "compile", lambda *args, **kwargs: compiles.append(args) or real_compile(*args, **kwargs))
    try:
        engine = pack_cache.cached_engine(())
        assert len(counted_loads) == 1
        regex_rules = engine.compiled("en").regex_rules
        plain = [pattern for _rule, pattern in regex_rules if "{" not in pattern]
        assert plain and all((pattern, "en") in compiler.compile_regex.table for pattern in plain)
        for pattern in plain[:50]:
            compiler.compile_regex(pattern, "en")
            compiler.backtracking_is_bounded(pattern)
        assert compiles == []
        text = "The Licensee shall not assign this Agreement without the prior written consent of the Licensor."
        for pattern in plain:
            fresh = real_compile(compiler.widen_sentence_gaps(pattern), regex.IGNORECASE | regex.VERSION0)
            assert [m.span() for m in compiler.compile_regex(pattern, "en").finditer(text)] == [m.span() for m in fresh.finditer(text)]
    finally:
        memo.restore(saved)


def test_memo_table_stays_bounded():
    from clausecheck.engine.memo import memo

    calls = []

    @memo(3)
    def square(number):
        calls.append(number)
        return number * number

    assert [square(n) for n in (1, 2, 3, 1, 4, 5)] == [1, 4, 9, 1, 16, 25]
    assert calls == [1, 2, 3, 4, 5] and len(square.table) == 3


def test_precompile_reads_every_pattern_as_written(monkeypatch):
    """Workers forked after `precompile` find the backtracking bound of every rule and context
    pattern, placeholders included, already worked out (no Unicode table built per worker)."""
    from clausecheck.engine import compiler
    from clausecheck.engine.warm import precompile

    engine = pack_cache.cached_engine(())
    precompile(engine)
    monkeypatch.setattr(compiler, "_categories", lambda: pytest.fail("the category table was built again"))
    for language in ("en", "ja"):
        patterns = [pattern for _rule, pattern in engine.compiled(language).regex_rules]
        for rule in engine.pack.active():
            block = rule.languages.get(language)
            if block is not None:
                patterns += [*block.unless, *block.inside, *block.not_inside, *block.requires]
        assert any("{" in pattern for pattern in patterns)
        assert all((pattern,) in compiler.backtracking_is_bounded.table for pattern in patterns)
