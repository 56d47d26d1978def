"""Load the shipped topic model and score a document's clauses and sentences with it.

The artefact (`clausecheck/models/`) is plain data: `topics.json` (version, topics,
per-topic thresholds, how it was trained) and one `topics-<lang>.npz` per language holding
the vocabulary, idf weights and the linear model's coefficients as numpy arrays, read with
`allow_pickle=False` so loading runs no code. Scoring is a sparse dot product done here in
numpy, so checking needs neither scikit-learn nor scipy (training does, see
benchmarks/train_topics.py). The same `tfidf_rows` builds the training matrix, so training
and checking see identical features.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy

from clausecheck.model import Document
from clausecheck.topicmodel.features import english_words, ngrams, normalise, word_grams
from clausecheck.topicmodel.units import Unit, document_units, visible_text

MODEL_PACKAGE = "clausecheck.models"
META_NAME = "topics.json"
WORD_CACHE_MAX = 200_000


@dataclass(frozen=True)
class LanguageModel:
    language: str
    topics: tuple[str, ...]
    vocabulary: dict[str, int]
    idf: numpy.ndarray  # (features,)
    coef: numpy.ndarray  # (features, topics), float16 as shipped
    intercept: numpy.ndarray  # (topics,)
    threshold: numpy.ndarray  # (topics,) score at or above which the topic is present
    grey: numpy.ndarray  # (topics,) score at or above which an absent topic is uncertain

    # Per-word feature ids, kept across documents: contract words repeat, so most words are
    # looked up once per process (bounded by WORD_CACHE_MAX).
    word_cache: dict = field(default_factory=dict, compare=False, repr=False)

    def ids(self, text: str) -> numpy.ndarray:
        """Feature ids of `text`: those of `features.ngrams` found in the vocabulary (the same
        multiset; English goes word by word through the cache, which is what makes it fast)."""
        get = self.vocabulary.get
        if self.language != "en":
            found = [i for i in map(get, ngrams(text, self.language)) if i is not None]
            return numpy.array(found, dtype=numpy.int64)
        words = english_words(normalise(text))
        cache = self.word_cache
        if len(cache) > WORD_CACHE_MAX:
            cache.clear()
        found: list[int] = []
        for word in words:
            word_ids = cache.get(word)
            if word_ids is None:
                word_ids = cache[word] = [i for i in map(get, word_grams(word)) if i is not None]
            found.extend(word_ids)
        found.extend(i for i in map(get, [f"w {a} {b}" for a, b in zip(words, words[1:])]) if i is not None)
        return numpy.array(found, dtype=numpy.int64)

    def scores(self, id_lists: list[numpy.ndarray], columns: numpy.ndarray | None = None) -> numpy.ndarray:
        """Probabilities (units × topics, or × the topic `columns` asked for) for units given
        as arrays of feature ids."""
        columns = numpy.arange(len(self.topics)) if columns is None else columns
        rows, cols, values = tfidf_rows(id_lists, self.idf)
        margins = numpy.tile(self.intercept[columns].astype(numpy.float64), (len(id_lists), 1))
        if len(rows) and len(columns):
            contributions = values.astype(numpy.float32)[:, None] * self.coef[numpy.ix_(cols, columns)].astype(numpy.float32)
            starts = numpy.flatnonzero(numpy.r_[True, rows[1:] != rows[:-1]])
            margins[rows[starts]] += numpy.add.reduceat(contributions, starts, axis=0)
        return 1.0 / (1.0 + numpy.exp(-margins))


@dataclass(frozen=True)
class TopicModel:
    version: str
    languages: dict[str, LanguageModel]
    meta: dict

    def score_document(self, document: Document, wanted: set[str] | None = None) -> tuple[list[Unit], dict[str, tuple[list[str], numpy.ndarray]]]:
        """The document's units and, per language, the topics scored and their scores (units ×
        topics): the `wanted` ones, or all. Units of a language the model lacks are not scored."""
        units = document_units(document)
        text = visible_text(document)
        by_language: dict[str, tuple[list[str], numpy.ndarray]] = {}
        for language, model in self.languages.items():
            columns = [i for i, t in enumerate(model.topics) if wanted is None or t in wanted]
            language_units = [u for u in units if u.language == language]
            if not columns or not language_units:
                continue
            id_lists = unit_ids(model, text, language_units)
            by_language[language] = ([model.topics[i] for i in columns], model.scores(id_lists, numpy.array(columns)))
        return units, by_language


def unit_ids(model: LanguageModel, text: str, units: list[Unit]) -> list[numpy.ndarray]:
    """Feature ids of each unit of `text` (the document's visible text); a clause's are
    those of its sentences (extracted once)."""
    sentence_ids: dict[int, list[numpy.ndarray]] = {}
    out = []
    for unit in units:
        if unit.kind == "sentence":
            ids = model.ids(text[unit.start : unit.end])
            sentence_ids.setdefault(unit.clause, []).append(ids)
        else:
            parts = sentence_ids.get(unit.clause) or [numpy.zeros(0, dtype=numpy.int64)]
            ids = numpy.concatenate(parts)
        out.append(ids)
    return out


def tfidf_rows(id_lists: list[numpy.ndarray], idf: numpy.ndarray) -> tuple[numpy.ndarray, numpy.ndarray, numpy.ndarray]:
    """(row, column, value) of the L2-normalised sublinear tf-idf matrix, rows ascending:
    tf → 1 + ln(tf), times idf, each row scaled to unit length."""
    if not id_lists:
        empty = numpy.zeros(0, dtype=numpy.int64)
        return empty, empty, numpy.zeros(0)
    width = len(idf)
    lengths = numpy.fromiter((len(ids) for ids in id_lists), dtype=numpy.int64, count=len(id_lists))
    row_of = numpy.repeat(numpy.arange(len(id_lists), dtype=numpy.int64), lengths)
    keys = row_of * width + (numpy.concatenate(id_lists) if lengths.sum() else numpy.zeros(0, dtype=numpy.int64))
    keys, counts = numpy.unique(keys, return_counts=True)
    rows, cols = keys // width, keys % width
    values = (1.0 + numpy.log(counts)) * idf[cols]
    norms = numpy.sqrt(numpy.bincount(rows, weights=values * values, minlength=len(id_lists)))
    values = values / norms[rows]
    return rows, cols, values


def sigmoid(margin: float) -> float:
    return 1.0 / (1.0 + math.exp(-margin))


def load_from(folder: Path | resources.abc.Traversable) -> TopicModel:
    meta = json.loads(folder.joinpath(META_NAME).read_text(encoding="utf-8"))
    languages = {}
    for language, spec in meta["languages"].items():
        with folder.joinpath(spec["file"]).open("rb") as handle:
            arrays = numpy.load(handle, allow_pickle=False)
            # One UTF-8 byte array, n-grams separated by newlines (see train_topics.write_npz).
            vocabulary = arrays["vocabulary"].tobytes().decode("utf-8").split("\n")
            topics = tuple(spec["topics"])
            languages[language] = LanguageModel(
                language=language,
                topics=topics,
                vocabulary=dict(zip(vocabulary, range(len(vocabulary)))),
                idf=arrays["idf"].astype(numpy.float64),
                coef=arrays["coef"],  # float16: rows are widened only when a unit uses them
                intercept=arrays["intercept"].astype(numpy.float64),
                threshold=numpy.array([spec["thresholds"][t] for t in topics], dtype=numpy.float64),
                grey=numpy.array([spec["grey"][t] for t in topics], dtype=numpy.float64),
            )
    return TopicModel(version=meta["version"], languages=languages, meta=meta)


@lru_cache(maxsize=1)
def shipped_model() -> TopicModel | None:
    """The model inside the package, loaded once per process; None when it is not installed."""
    folder = resources.files(MODEL_PACKAGE)
    if not folder.joinpath(META_NAME).is_file():
        return None
    return load_from(folder)


@lru_cache(maxsize=1)
def shipped_version() -> str | None:
    """The shipped model's version, read without loading its arrays (for --version)."""
    folder = resources.files(MODEL_PACKAGE)
    if not folder.joinpath(META_NAME).is_file():
        return None
    return json.loads(folder.joinpath(META_NAME).read_text(encoding="utf-8"))["version"]
