"""Shared test helpers: the shared corpus location and quick document builders."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"


def load_script(path: Path, name: str):
    """A script that is not a package module (a benchmark, the sample generator), imported by path."""
    import importlib.util
    import sys

    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up while it loads
    spec.loader.exec_module(module)
    return module


def corpus_path(*parts: str) -> Path:
    path = CORPUS.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"shared corpus not available: {path}")
    return path


def document_from_text(text: str, language: str | None = None, suffix: str = ".txt", tmp_path: Path | None = None):
    """Build a Document from text exactly as the text parser would (the pipeline's one text → Document path)."""
    from clausecheck.pipeline import document_from_text as from_text

    return from_text(text, language, name="inline" + suffix)


@pytest.fixture(scope="session")
def engine():
    from clausecheck.pipeline import engine_for

    return engine_for(())


@pytest.fixture(scope="session", autouse=True)
def rule_pack_cache(tmp_path_factory):
    """Keep the validated rule-pack cache of test runs out of the user's cache folder."""
    import os

    previous = os.environ.get("CLAUSECHECK_CACHE_DIR")
    os.environ["CLAUSECHECK_CACHE_DIR"] = str(tmp_path_factory.mktemp("cache"))
    yield
    if previous is None:
        os.environ.pop("CLAUSECHECK_CACHE_DIR", None)
    else:
        os.environ["CLAUSECHECK_CACHE_DIR"] = previous
