"""Load the shipped topic model and score a document's clauses and sentences with it.

The artefact (`clausecheck/models/`) is plain data: `topics.json` (version, topics,
per-topic thresholds, how it was trained) and one `topics-<lang>.npz` per language holding
the vocabulary, idf weights and the linear model's coefficients as numpy arrays, read with
`allow_pickle=False` so loading runs no code. Japanese character n-grams are stored as
sorted integer keys (`features.char_gram_key`), looked up for a whole document in one
numpy call: no per-character Python loop and no large dictionary to build at load. Scoring is a sparse dot product done here in
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
from clausecheck.topicmodel.features import char_gram_key, english_words, japanese_char_keys, japanese_words, normalise, word_grams
from clausecheck.topicmodel.units import Unit, document_units, visible_text

MODEL_PACKAGE = "clausecheck.models"
META_NAME = "topics.json"
WORD_CACHE_MAX = 200_000


_NO_KEYS = numpy.zeros(0, dtype=numpy.uint64)
_NO_IDS = numpy.zeros(0, dtype=numpy.int64)


@dataclass(frozen=True)
class LanguageModel:
    language: str
    topics: tuple[str, ...]
    vocabulary: dict[str, int]  # feature strings → id; for Japanese only the Latin words ("w ...")
    idf: numpy.ndarray  # (features,)
    coef: numpy.ndarray  # (features, topics), float16 as shipped
    intercept: numpy.ndarray  # (topics,)
    threshold: numpy.ndarray  # (topics,) score at or above which the topic is present
    grey: numpy.ndarray  # (topics,) score at or above which an absent topic is uncertain
    char_keys: numpy.ndarray = field(default_factory=lambda: _NO_KEYS)  # Japanese character n-grams: sorted keys ...
    char_features: numpy.ndarray = field(default_factory=lambda: _NO_IDS)  # ... and the feature id of each

    # Per-word feature ids, kept across documents: contract words repeat, so most words are
    # looked up once per process (bounded by WORD_CACHE_MAX).
    word_cache: dict = field(default_factory=dict, compare=False, repr=False)

    def feature_id(self, gram: str) -> int | None:
        """The feature id of one `features.ngrams` string, None when it is not a feature."""
        if self.language == "ja" and gram.startswith("c "):
            key = numpy.uint64(char_gram_key(gram[2:]))
            at = int(numpy.searchsorted(self.char_keys, key))
            return int(self.char_features[at]) if at < len(self.char_keys) and self.char_keys[at] == key else None
        return self.vocabulary.get(gram)

    def ids(self, text: str) -> numpy.ndarray:
        """Feature ids of `text`: those of `features.ngrams` found in the vocabulary (the same
        multiset, in another order)."""
        return self.pairs([text])[1]

    def pairs(self, texts: list[str]) -> tuple[numpy.ndarray, numpy.ndarray]:
        """(text index, feature id) of every feature occurrence in `texts`, in no set order."""
        if self.language == "ja":
            return self._japanese_pairs(texts)
        return self._english_pairs(texts)

    def _japanese_pairs(self, texts: list[str]) -> tuple[numpy.ndarray, numpy.ndarray]:
        normalised = [normalise(text) for text in texts]
        rows, keys = japanese_char_keys(normalised)
        at = numpy.minimum(numpy.searchsorted(self.char_keys, keys), max(len(self.char_keys) - 1, 0))
        known = self.char_keys[at] == keys if len(self.char_keys) else numpy.zeros(len(keys), dtype=bool)
        word_rows, word_ids = [], []
        get = self.vocabulary.get
        for row, text in enumerate(normalised):
            for word in japanese_words(text):
                feature = get("w " + word)
                if feature is not None:
                    word_rows.append(row)
                    word_ids.append(feature)
        all_rows = numpy.concatenate([rows[known], numpy.array(word_rows, dtype=numpy.int64)])
        all_ids = numpy.concatenate([self.char_features[at[known]], numpy.array(word_ids, dtype=numpy.int64)])
        return all_rows, all_ids

    def _english_pairs(self, texts: list[str]) -> tuple[numpy.ndarray, numpy.ndarray]:
        """English, a document at a time: each distinct word's features (itself and its
        character 4-grams) are looked up once, through the cache kept across documents, and
        spread to its occurrences by numpy; word bigrams are looked up once per distinct pair."""
        word_lists = [english_words(normalise(text)) for text in texts]
        tokens = [word for words in word_lists for word in words]
        if not tokens:
            return _NO_IDS, _NO_IDS
        row_of_token = numpy.repeat(numpy.arange(len(texts), dtype=numpy.int64), [len(words) for words in word_lists])
        distinct = list(dict.fromkeys(tokens))
        index_of = dict(zip(distinct, range(len(distinct))))
        token_word = numpy.fromiter(map(index_of.__getitem__, tokens), dtype=numpy.int64, count=len(tokens))
        get = self.vocabulary.get
        cache = self.word_cache
        if len(cache) > WORD_CACHE_MAX:
            cache.clear()
        word_features = []
        for word in distinct:
            features = cache.get(word)
            if features is None:
                features = cache[word] = [i for i in map(get, word_grams(word)) if i is not None]
            word_features.append(features)
        counts = numpy.fromiter(map(len, word_features), dtype=numpy.int64, count=len(distinct))
        flat = numpy.fromiter((i for features in word_features for i in features), dtype=numpy.int64, count=int(counts.sum()))
        starts = numpy.cumsum(counts) - counts
        per_token = counts[token_word]
        total = int(per_token.sum())
        # Positions of each token's features in `flat`: its word's start, then +1, +2 ...
        first = numpy.repeat(starts[token_word] - (numpy.cumsum(per_token) - per_token), per_token)
        unigram_ids = flat[first + numpy.arange(total, dtype=numpy.int64)]
        unigram_rows = numpy.repeat(row_of_token, per_token)
        # Bigrams: neighbouring tokens of the same text, each distinct pair looked up once.
        same_text = row_of_token[1:] == row_of_token[:-1]
        pair_keys = token_word[:-1][same_text] * len(distinct) + token_word[1:][same_text]
        pairs, pair_of = numpy.unique(pair_keys, return_inverse=True)
        width = len(distinct)
        found = numpy.fromiter((get(f"w {distinct[key // width]} {distinct[key % width]}", -1) for key in pairs.tolist()), dtype=numpy.int64, count=len(pairs))
        bigram_ids = found[pair_of]
        known = bigram_ids >= 0
        bigram_rows = row_of_token[:-1][same_text][known]
        return numpy.concatenate([unigram_rows, bigram_rows]), numpy.concatenate([unigram_ids, bigram_ids[known]])

    def scores(self, id_lists: list[numpy.ndarray], columns: numpy.ndarray | None = None) -> numpy.ndarray:
        """Probabilities (units × topics, or × the topic `columns` asked for) for units given
        as arrays of feature ids."""
        lengths = numpy.fromiter((len(ids) for ids in id_lists), dtype=numpy.int64, count=len(id_lists))
        rows = numpy.repeat(numpy.arange(len(id_lists), dtype=numpy.int64), lengths)
        ids = numpy.concatenate(id_lists) if len(id_lists) else _NO_IDS
        return self.pair_scores(rows, ids, len(id_lists), columns)

    def pair_scores(self, unit_rows: numpy.ndarray, ids: numpy.ndarray, units: int, columns: numpy.ndarray | None = None) -> numpy.ndarray:
        """`scores` for units given as (unit, feature id) pairs."""
        columns = numpy.arange(len(self.topics)) if columns is None else columns
        rows, cols, values = tfidf_pairs(unit_rows, ids, units, self.idf)
        margins = numpy.tile(self.intercept[columns].astype(numpy.float64), (units, 1))
        if len(rows) and len(columns):
            # Whole rows gather fastest; float16 is widened once, then scaled in place.
            wanted = self.coef[cols] if numpy.array_equal(columns, numpy.arange(len(self.topics))) else self.coef[numpy.ix_(cols, columns)]
            contributions = wanted.astype(numpy.float32)
            contributions *= values.astype(numpy.float32)[:, None]
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
            rows, ids = unit_pairs(model, text, language_units)
            by_language[language] = ([model.topics[i] for i in columns], model.pair_scores(rows, ids, len(language_units), numpy.array(columns)))
        return units, by_language


def unit_pairs(model: LanguageModel, text: str, units: list[Unit]) -> tuple[numpy.ndarray, numpy.ndarray]:
    """(unit index, feature id) pairs of `units` of `text` (the document's visible text),
    all sentences featurised in one call; a clause's features are those of its sentences."""
    sentence_at = [i for i, unit in enumerate(units) if unit.kind == "sentence"]
    clause_at = {unit.clause: i for i, unit in enumerate(units) if unit.kind == "clause"}
    rows, ids = model.pairs([text[units[i].start : units[i].end] for i in sentence_at])
    unit_of_sentence = numpy.array(sentence_at, dtype=numpy.int64)
    clause_of_sentence = numpy.array([clause_at.get(units[i].clause, -1) for i in sentence_at], dtype=numpy.int64)
    if not len(rows):
        return rows, ids
    clause_rows = clause_of_sentence[rows]
    in_clause = clause_rows >= 0
    return numpy.concatenate([unit_of_sentence[rows], clause_rows[in_clause]]), numpy.concatenate([ids, ids[in_clause]])


def tfidf_rows(id_lists: list[numpy.ndarray], idf: numpy.ndarray) -> tuple[numpy.ndarray, numpy.ndarray, numpy.ndarray]:
    """(row, column, value) of the L2-normalised sublinear tf-idf matrix, rows ascending:
    tf → 1 + ln(tf), times idf, each row scaled to unit length."""
    lengths = numpy.fromiter((len(ids) for ids in id_lists), dtype=numpy.int64, count=len(id_lists))
    row_of = numpy.repeat(numpy.arange(len(id_lists), dtype=numpy.int64), lengths)
    return tfidf_pairs(row_of, numpy.concatenate(id_lists) if lengths.sum() else _NO_IDS, len(id_lists), idf)


def tfidf_pairs(row_of: numpy.ndarray, ids: numpy.ndarray, units: int, idf: numpy.ndarray) -> tuple[numpy.ndarray, numpy.ndarray, numpy.ndarray]:
    """`tfidf_rows` for (row, feature id) pairs, in any order."""
    if not len(ids):
        return _NO_IDS, _NO_IDS, numpy.zeros(0)
    width = len(idf)
    keys, counts = numpy.unique(row_of * width + ids, return_counts=True)
    rows, cols = keys // width, keys % width
    values = (1.0 + numpy.log(counts)) * idf[cols]
    norms = numpy.sqrt(numpy.bincount(rows, weights=values * values, minlength=units))
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
            # One UTF-8 byte array, n-grams separated by newlines (see train_topics.write_npz),
            # and the feature id of each; Japanese character n-grams come as keys instead.
            blob = arrays["vocabulary"].tobytes().decode("utf-8")
            vocabulary = blob.split("\n") if blob else []
            topics = tuple(spec["topics"])
            languages[language] = LanguageModel(
                language=language,
                topics=topics,
                vocabulary=dict(zip(vocabulary, arrays["vocabulary_features"].tolist())),
                char_keys=arrays["char_keys"],
                char_features=arrays["char_features"].astype(numpy.int64),
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
