"""Train, evaluate and write the topic model shipped in src/clausecheck/models/.

One reproducible command (fixed seeds, deterministic solvers; the same corpus gives the
same artefact, byte for byte):

    python benchmarks/train_topics.py ../shared/corpus -o src/clausecheck/models/

Training data, from the corpus folder only (mapping in benchmarks/train_topics.yaml):
- CUAD `master_clauses.csv`: every labelled clause text is an example of the topics its
  category maps to (DESIGN.md §4 plus the extra categories) and a counter-example of the
  others; sentences and clauses of the CUAD contracts are labelled by whether they hold a
  labelled clause (a sample of the sentences that hold none are counter-examples);
- ContractNLI evidence spans: examples of confidentiality (and non_solicit);
- `ja/`, `standard/`, `traps_dev/` labels.csv: the sentence holding each label's evidence
  quote is an example, clauses of a document labelled 0 for a topic counter-examples;
- weak labels (switch off with --no-weak to measure them): the body of a clause whose
  heading names a topic (秘密保持, Confidentiality, 目的, Purpose ...) is an example.

Evaluation (written to <out>/evaluation.json and evaluation.md):
- CUAD: 5-fold cross-validation by document (folds fixed by a seeded shuffle of the file
  names); doc-level F1 per mapped topic for rules alone, model alone and rules + model;
  thresholds for a fold are chosen on the out-of-fold scores of the other four folds;
- leave-one-document-out on the Japanese and on the English labelled documents (a PDF and
  the Markdown of the same contract leave together); thresholds for a held-out document are
  chosen on the other documents' held-out scores (and CUAD's, for English);
- every required element still reported missing although labelled present;
- spaCy textcat_multilabel on the first CUAD fold, for comparison (--no-spacy skips it).
No document is ever scored by a model that was trained on it.
"""

from __future__ import annotations

import argparse
import ast
import csv
import hashlib
import json
import os
import re
import sys
import time
import zipfile
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy
import yaml
from scipy.sparse import csr_matrix
from sklearn.linear_model import LogisticRegression

sys.path.insert(0, str(Path(__file__).resolve().parent))
from accuracy import CUAD_TOPICS  # noqa: E402

from clausecheck.engine.runner import CheckOptions  # noqa: E402
from clausecheck.engine.schema import REQUIRED_ELEMENTS, TOPICS  # noqa: E402
from clausecheck.pipeline import Settings, check_file, read_document  # noqa: E402
from clausecheck.topicmodel.features import char_gram_key, ngrams, normalise  # noqa: E402
from clausecheck.topicmodel.model import LanguageModel, tfidf_rows  # noqa: E402
from clausecheck.topicmodel.units import document_units  # noqa: E402

csv.field_size_limit(sys.maxsize)
SEED = 20261201
FOLDS = 5
MAX_FEATURES = {"en": 120_000, "ja": 60_000}
MIN_DF = 2
C_VALUE = {"en": 4.0, "ja": 4.0}
NEGATIVE_SENTENCES_PER_DOC = 150
WEAK_WEIGHT = 0.5
# A model topic needs the model to believe a sentence or clause is of the topic: on a pool
# where nearly every document holds a topic, a lower "best" threshold only learns that prior.
THRESHOLD_FLOOR = 0.5
GREY_FLOOR = 0.3
FORMAT = 2  # 2: Japanese character n-grams stored as integer keys
CONFIG = yaml.safe_load((Path(__file__).with_name("train_topics.yaml")).read_text(encoding="utf-8"))


# --------------------------------------------------------------------------- data


class Grams:
    """Every n-gram seen, interned to an integer once, so folds re-use the extraction."""

    def __init__(self):
        self.index: dict[str, int] = {}
        self.strings: list[str] = []

    def ids(self, text: str, language: str) -> numpy.ndarray:
        out = []
        for gram in ngrams(text, language):
            gid = self.index.get(gram)
            if gid is None:
                gid = self.index[gram] = len(self.strings)
                self.strings.append(gram)
            out.append(gid)
        return numpy.array(out, dtype=numpy.int64)


@dataclass
class Example:
    group: str  # the document it comes from: held out together
    language: str
    ids: numpy.ndarray
    labels: dict[str, int]  # topic → 1 / 0; a topic not here is unknown
    weak: bool = False
    source: str = ""


@dataclass
class LabelledDoc:
    group: str
    name: str
    corpus: str  # cuad | ja | standard | traps_dev
    language: str
    unit_ids: list[numpy.ndarray]
    unit_language: list[str]
    gold: dict[str, int]
    rules: dict[str, str] = field(default_factory=dict)  # topic → status, rules only
    missing: list[str] = field(default_factory=list)  # topics of the rules-only missing findings


def _collapsed(text: str) -> tuple[str, list[int]]:
    """Lower-cased text with whitespace runs as one space, and each character's original offset."""
    out, where = [], []
    space = False
    for i, ch in enumerate(text):
        if ch.isspace():
            if not space and out:
                out.append(" ")
                where.append(i)
            space = True
            continue
        space = False
        out.append(ch.lower())
        where.append(i)
    return "".join(out), where


def _cell_items(value: str) -> list[str]:
    value = (value or "").strip()
    if not value or value == "[]":
        return []
    try:
        parsed = ast.literal_eval(value)
    except (ValueError, SyntaxError):
        return [value]
    return [str(v) for v in parsed] if isinstance(parsed, list) else [str(parsed)]


def cuad_category_topics() -> dict[str, set[str]]:
    mapping: dict[str, set[str]] = defaultdict(set)
    for topic, categories in CUAD_TOPICS.items():
        for category in categories:
            mapping[category].add(topic)
    for category, topics in CONFIG["cuad_extra"].items():
        mapping[category].update(topics)
    for category in CONFIG["cuad_other"]:
        mapping.setdefault(category, set())
    return dict(mapping)


CUAD_LABELLED_TOPICS = sorted({t for ts in cuad_category_topics().values() for t in ts})


def _heading_topics(heading: str | None, language: str) -> set[str]:
    if not heading:
        return set()
    text = normalise(heading)
    return {topic for topic, by_language in CONFIG["headings"].items() for pattern in by_language.get(language, []) if re.search(pattern, text)}


def _check_rules_only(path: str) -> tuple[str, dict[str, str], list[str]]:
    report = check_file(path, Settings(check=CheckOptions(use_model=False)))
    statuses = {topic: result.status for topic, result in report.topics.items()}
    return path, statuses, [f.topic for f in report.findings if f.kind == "missing"]


class Corpus:
    """Examples for training and labelled documents for scoring, read once."""

    def __init__(self, root: Path, jobs: int, weak: bool):
        self.grams = Grams()
        self.examples: list[Example] = []
        self.docs: list[LabelledDoc] = []
        self.weak = weak
        started = time.perf_counter()
        self._cuad(root / "cuad")
        self._contractnli(root / "contractnli" / "dev.json")
        for name in ("ja", "standard", "traps_dev"):
            self._labelled(root / name, name)
        self.read_seconds = time.perf_counter() - started
        started = time.perf_counter()
        self._rules(jobs)
        self.rules_seconds = time.perf_counter() - started

    def _doc_units(self, document):
        units = document_units(document)
        sentence_ids: dict[int, list[numpy.ndarray]] = {}
        ids = []
        for unit in units:
            if unit.kind == "sentence":
                item = self.grams.ids(document.text[unit.start : unit.end], unit.language)
                sentence_ids.setdefault(unit.clause, []).append(item)
            else:
                item = numpy.concatenate(sentence_ids.get(unit.clause) or [numpy.zeros(0, dtype=numpy.int64)])
            ids.append(item)
        return units, ids

    def _weak_examples(self, document, units, ids, group):
        if not self.weak:
            return
        for unit, item in zip(units, ids):
            if unit.kind != "clause":
                continue
            clause = document.clauses[unit.clause]
            topics = _heading_topics(clause.heading, unit.language)
            if topics and len(item):
                body = clause.text[len(clause.heading or "") :] if clause.text.startswith(clause.heading or "\0") else clause.text
                self.examples.append(Example(group, unit.language, self.grams.ids(body, unit.language), {t: 1 for t in topics}, weak=True, source="heading"))

    def _cuad(self, folder: Path) -> None:
        name_map = {}
        with (folder / "filename_map.tsv").open(encoding="utf-8") as handle:
            for row in csv.DictReader(handle, delimiter="\t"):
                name_map[row["csv_Filename"]] = row["txt_file"]
        category_topics = cuad_category_topics()
        rng = numpy.random.RandomState(SEED)
        with (folder / "master_clauses.csv").open(encoding="utf-8") as handle:
            rows = sorted(csv.DictReader(handle), key=lambda r: r["Filename"])
        for row in rows:
            txt_name = name_map.get(row["Filename"]) or str(Path(row["Filename"]).with_suffix(".txt"))
            path = folder / "txt" / txt_name
            if not path.exists():
                continue
            group = f"cuad/{txt_name}"
            document = read_document(path)
            collapsed, where = _collapsed(document.text)
            spans: list[tuple[int, int, set[str], set[str]]] = []  # start, end, topics, maybe
            gold = {t: 0 for t in CUAD_TOPICS}
            for category, topics in category_topics.items():
                items = _cell_items(row.get(category, ""))
                answer = next((row[k] for k in row if k.startswith(category + "-") or k.startswith(category + " -")), "")
                if (items or answer.strip().lower() == "yes") and any(category in CUAD_TOPICS[t] for t in topics if t in CUAD_TOPICS):
                    for t in topics:
                        if t in CUAD_TOPICS and category in CUAD_TOPICS[t]:
                            gold[t] = 1
                maybe = set(CONFIG["cuad_maybe"].get(category, []))
                for item in items:
                    needle, _ = _collapsed(item)
                    if len(needle) < 8:
                        continue
                    labels = {t: 1 for t in topics}
                    labels.update({t: 0 for t in TOPICS if t not in topics and t not in maybe})
                    self.examples.append(Example(group, "en", self.grams.ids(item, "en"), labels, source=f"cuad:{category}"))
                    at = collapsed.find(needle)
                    if at >= 0:
                        spans.append((where[at], where[at + len(needle) - 1] + 1, set(topics), maybe))
            units, ids = self._doc_units(document)
            negatives = []
            for unit, item in zip(units, ids):
                if not len(item) or unit.language != "en":
                    continue
                labels: dict[str, int] = {}
                touched = False
                for start, end, topics, maybe in spans:
                    overlap = min(end, unit.end) - max(start, unit.start)
                    if overlap <= 0:
                        continue
                    touched = True
                    strong = overlap >= 0.5 * min(end - start, unit.end - unit.start)
                    for t in topics:
                        labels[t] = 1 if strong else labels.get(t, -1)
                    for t in maybe:
                        labels[t] = -1
                if touched:
                    for t in CUAD_LABELLED_TOPICS:
                        labels.setdefault(t, 0)
                    labels = {t: v for t, v in labels.items() if v >= 0}
                    self.examples.append(Example(group, "en", item, labels, source="cuad-unit"))
                elif unit.kind == "sentence":
                    negatives.append(item)
                else:
                    self.examples.append(Example(group, "en", item, {t: 0 for t in CUAD_LABELLED_TOPICS}, source="cuad-unit"))
            for index in sorted(rng.permutation(len(negatives))[:NEGATIVE_SENTENCES_PER_DOC]):
                self.examples.append(Example(group, "en", negatives[index], {t: 0 for t in CUAD_LABELLED_TOPICS}, source="cuad-unit"))
            self._weak_examples(document, units, ids, group)
            self.docs.append(LabelledDoc(group, str(path), "cuad", "en", ids, [u.language for u in units], gold))

    def _contractnli(self, path: Path) -> None:
        data = json.loads(path.read_text(encoding="utf-8"))
        for document in sorted(data["documents"], key=lambda d: d["id"]):
            group = f"contractnli/{document['id']}"
            topics_of_span: dict[int, set[str]] = defaultdict(set)
            for annotation_set in document["annotation_sets"]:
                for hypothesis, annotation in annotation_set["annotations"].items():
                    if annotation["choice"] != "Entailment":
                        continue
                    for span in annotation["spans"]:
                        topics_of_span[span].update(CONFIG["contractnli"].get(hypothesis, []))
            for span, topics in sorted(topics_of_span.items()):
                if topics:
                    start, end = document["spans"][span]
                    self.examples.append(Example(group, "en", self.grams.ids(document["text"][start:end], "en"), {t: 1 for t in topics}, source="contractnli"))

    def _labelled(self, folder: Path, corpus: str) -> None:
        gold: dict[str, dict[str, tuple[int, str]]] = defaultdict(dict)
        with (folder / "labels.csv").open(encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                gold[row["doc"]][row["topic"]] = (1 if row["label"].strip() in ("1", "yes", "Yes", "true") else 0, row.get("evidence", ""))
        for name in sorted(gold):
            path = folder / name
            if not path.exists():
                continue
            group = f"{corpus}/{Path(name).stem}"
            document = read_document(path)
            units, ids = self._doc_units(document)
            texts = [normalise(document.text[u.start : u.end]) for u in units]
            labels: list[dict[str, int]] = [{} for _ in units]
            for topic, (label, evidence) in sorted(gold[name].items()):
                if label == 0:
                    for unit_labels in labels:
                        unit_labels[topic] = 0
                    continue
                quote = _quote(evidence)
                holding = {i for i, text in enumerate(texts) if quote and quote in text}
                clauses = {units[i].clause for i in holding}
                for i, unit in enumerate(units):
                    if i in holding:
                        labels[i][topic] = 1
                    elif holding and unit.clause not in clauses:
                        # The topic is where the lawyer quoted it; other clauses are counter-examples.
                        labels[i][topic] = 0
            for unit, item, unit_labels in zip(units, ids, labels):
                if len(item) and unit_labels:
                    self.examples.append(Example(group, unit.language, item, unit_labels, source=corpus))
            self._weak_examples(document, units, ids, group)
            self.docs.append(LabelledDoc(group, str(path), corpus, document.language, ids, [u.language for u in units], {t: v[0] for t, v in gold[name].items()}))

    def _rules(self, jobs: int) -> None:
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            results = {path: (statuses, missing) for path, statuses, missing in pool.map(_check_rules_only, [d.name for d in self.docs], chunksize=4)}
        for doc in self.docs:
            doc.rules, doc.missing = results[doc.name]


def _quote(evidence: str) -> str:
    """The contract words of a label's evidence: the quoted part, else what follows 'clause:'."""
    quoted = re.findall(r"[\"“「]([^\"”」]{6,})[\"”」]", evidence)
    if quoted:
        text = max(quoted, key=len)
    else:
        text = evidence.split(": ", 1)[1] if ": " in evidence else evidence
    text = normalise(text)
    if "[fill in]" in text or "blank field" in normalise(evidence):
        text = normalise(evidence.split('"')[1]) if evidence.count('"') >= 2 else text
    return text[:60]


# --------------------------------------------------------------------------- training


def train(examples: list[Example], grams: Grams, language: str, topics: list[str]) -> tuple[LanguageModel, numpy.ndarray]:
    """A fold model: vocabulary and idf from the training examples only. Returns the model and
    the global-gram → feature map (-1: not a feature) used to score held-out units."""
    id_lists = [e.ids for e in examples]
    df = numpy.zeros(len(grams.strings), dtype=numpy.int64)
    for ids in id_lists:
        df[numpy.unique(ids)] += 1
    candidates = numpy.flatnonzero(df >= MIN_DF)
    # Most frequent first; ties by the gram's own text, so the choice never depends on order.
    order = sorted(candidates.tolist(), key=lambda g: (-df[g], grams.strings[g]))[: MAX_FEATURES[language]]
    chosen = numpy.array(sorted(order, key=lambda g: grams.strings[g]), dtype=numpy.int64)
    feature_of = numpy.full(len(grams.strings), -1, dtype=numpy.int64)
    feature_of[chosen] = numpy.arange(len(chosen))
    idf = numpy.log((1 + len(examples)) / (1 + df[chosen])) + 1.0
    local = [_to_features(ids, feature_of) for ids in id_lists]
    rows, cols, values = tfidf_rows(local, idf)
    matrix = csr_matrix((values, (rows, cols)), shape=(len(local), len(chosen)))
    coef = numpy.zeros((len(chosen), len(topics)), dtype=numpy.float32)
    intercept = numpy.full(len(topics), -10.0)
    for column, topic in enumerate(topics):
        mask = numpy.array([topic in e.labels for e in examples])
        y = numpy.array([e.labels.get(topic, 0) for e in examples])[mask]
        if y.sum() < 2 or y.sum() == len(y):
            continue  # no model for a topic without both kinds of example: it never scores
        weights = numpy.array([WEAK_WEIGHT if e.weak else 1.0 for e in examples])[mask]
        classifier = LogisticRegression(C=C_VALUE[language], solver="liblinear", dual=True, tol=1e-3, max_iter=500, random_state=SEED)
        classifier.fit(matrix[mask], y, sample_weight=weights)
        coef[:, column] = classifier.coef_[0]
        intercept[column] = classifier.intercept_[0]
    # The shipped coefficients are float16: evaluate exactly what ships.
    coef = coef.astype(numpy.float16).astype(numpy.float32)
    model = LanguageModel(language, tuple(topics), {}, idf, coef, intercept, numpy.ones(len(topics)), numpy.ones(len(topics)))
    return model, feature_of


def _to_features(ids: numpy.ndarray, feature_of: numpy.ndarray) -> numpy.ndarray:
    mapped = feature_of[ids]
    return mapped[mapped >= 0]


def doc_scores(model: LanguageModel, feature_of: numpy.ndarray, doc: LabelledDoc) -> dict[str, float]:
    """Best unit score per topic, over the document's units of the model's language."""
    lists = [_to_features(ids, feature_of) for ids, lang in zip(doc.unit_ids, doc.unit_language) if lang == model.language]
    if not lists:
        return {t: 0.0 for t in model.topics}
    scores = model.scores(lists).max(axis=0)
    return {t: float(s) for t, s in zip(model.topics, scores)}


# --------------------------------------------------------------------------- thresholds and scores


@dataclass
class Scored:
    doc: LabelledDoc
    scores: dict[str, float]


def f1(tp: int, fp: int, fn: int) -> float:
    precision = tp / (tp + fp) if tp + fp else (1.0 if not fn else 0.0)
    recall = tp / (tp + fn) if tp + fn else 1.0
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def choose_threshold(pool: list[Scored], topic: str, with_rules: bool = False) -> float:
    """The score threshold (≥ THRESHOLD_FLOOR) giving the best F1 on `pool`; of equals the
    highest (fewest model calls). With rules, a document is predicted present when the rules
    say so or score ≥ t. The shipped thresholds are the model-alone ones: chosen with the
    rules, a topic the rules already find on every pool document would never let the model
    speak, though unseen contracts are exactly where the rules miss."""
    items = [(s.scores.get(topic, 0.0), s.doc.rules.get(topic) == "present" and with_rules, s.doc.gold[topic]) for s in pool if topic in s.doc.gold]
    if not items:
        return 1.01
    candidates = sorted({round(score, 4) for score, _, _ in items if score >= THRESHOLD_FLOOR} | {1.01}, reverse=True)
    best, best_f1 = 1.01, -1.0
    for threshold in candidates:
        tp = fp = fn = 0
        for score, rule, gold in items:
            predicted = rule or score >= threshold
            tp += predicted and gold
            fp += predicted and not gold
            fn += (not predicted) and gold
        value = f1(tp, fp, fn)
        if value > best_f1 + 1e-9:
            best, best_f1 = threshold, value
    return best


def choose_grey(pool: list[Scored], topic: str, threshold: float) -> float:
    """Lower end of the grey zone: the lowest score (down to half the threshold) at which, among
    documents the rules miss, at least half of those scoring that high hold the topic."""
    items = sorted(((s.scores.get(topic, 0.0), s.doc.gold[topic]) for s in pool if topic in s.doc.gold and s.doc.rules.get(topic) != "present"), reverse=True)
    grey = threshold
    hits = total = 0
    for score, gold in items:
        if score >= threshold:
            hits += gold
            total += 1
            continue
        if score < max(threshold / 2, GREY_FLOOR):
            break
        hits += gold
        total += 1
        if hits / total >= 0.5:
            grey = score
    return round(grey, 4)


def table(scored: list[Scored], topics: list[str], thresholds) -> dict:
    """Per topic TP/FP/FN and F1 for rules alone, model alone and rules + model."""
    out = {}
    for topic in topics:
        row = {}
        for mode in ("rules", "model", "rules+model"):
            tp = fp = fn = 0
            for s in scored:
                if topic not in s.doc.gold:
                    continue
                rule = s.doc.rules.get(topic) == "present"
                t_model, t_both = thresholds(s, topic)
                model = s.scores.get(topic, 0.0) >= t_model
                predicted = {"rules": rule, "model": model, "rules+model": rule or s.scores.get(topic, 0.0) >= t_both}[mode]
                gold = s.doc.gold[topic]
                tp += predicted and gold
                fp += predicted and not gold
                fn += (not predicted) and gold
            row[mode] = {"tp": tp, "fp": fp, "fn": fn, "f1": round(f1(tp, fp, fn), 3)}
        row["support"] = row["rules"]["tp"] + row["rules"]["fn"]
        out[topic] = row
    return out


def macro(rows: dict, mode: str) -> float:
    values = [r[mode]["f1"] for r in rows.values() if r["support"] or r[mode]["fp"]]
    return round(sum(values) / len(values), 3) if values else 0.0


# --------------------------------------------------------------------------- the runs


def fold_of(groups: list[str]) -> dict[str, int]:
    order = numpy.random.RandomState(SEED).permutation(len(groups))
    return {groups[i]: rank % FOLDS for rank, i in enumerate(order)}


def run(root: Path, out: Path, jobs: int, weak: bool, spacy_check: bool, cuad_only: bool = False) -> dict:
    started = time.perf_counter()
    corpus = Corpus(root, jobs, weak)
    print(f"read {len(corpus.docs)} labelled documents, {len(corpus.examples)} examples, {len(corpus.grams.strings)} n-grams in {corpus.read_seconds:.0f} s; rules in {corpus.rules_seconds:.0f} s", flush=True)
    en_topics = list(TOPICS)
    cuad_docs = [d for d in corpus.docs if d.corpus == "cuad"]
    folds = fold_of(sorted(d.group for d in cuad_docs))
    oof: list[Scored] = []
    fold_seconds = []
    for fold in range(FOLDS):
        t0 = time.perf_counter()
        held = {g for g, f in folds.items() if f == fold}
        training = [e for e in corpus.examples if e.language == "en" and e.group not in held]
        model, feature_of = train(training, corpus.grams, "en", en_topics)
        for doc in cuad_docs:
            if doc.group in held:
                oof.append(Scored(doc, doc_scores(model, feature_of, doc)))
        fold_seconds.append(time.perf_counter() - t0)
        print(f"CUAD fold {fold + 1}/{FOLDS}: {len(training)} examples, {time.perf_counter() - t0:.0f} s", flush=True)
    fold_by_doc = {s.doc.group: folds[s.doc.group] for s in oof}
    cuad_topics = list(CUAD_TOPICS)

    def cuad_thresholds(s: Scored, topic: str):
        pool = [o for o in oof if fold_by_doc[o.doc.group] != fold_by_doc[s.doc.group]]
        key = (fold_by_doc[s.doc.group], topic)
        if key not in _cache:
            threshold = choose_threshold(pool, topic)
            _cache[key] = (threshold, threshold)
        return _cache[key]

    _cache: dict = {}
    cuad_table = table(oof, cuad_topics, cuad_thresholds)

    # Leave one document out, per language.
    lodo: dict[str, list[Scored]] = {"en": [], "ja": []}
    for language in ("ja",) if cuad_only else ("ja", "en"):
        docs = [d for d in corpus.docs if d.corpus != "cuad" and d.language == language]
        for group in sorted({d.group for d in docs}):
            t0 = time.perf_counter()
            training = [e for e in corpus.examples if e.language == language and e.group != group]
            model, feature_of = train(training, corpus.grams, language, en_topics)
            for doc in docs:
                if doc.group == group:
                    lodo[language].append(Scored(doc, doc_scores(model, feature_of, doc)))
            print(f"LODO {language} {group}: {time.perf_counter() - t0:.0f} s", flush=True)

    def lodo_thresholds(language):
        def pick(s: Scored, topic: str):
            pool = [o for o in lodo[language] if o.doc.group != s.doc.group]
            if language == "en" and topic in CUAD_TOPICS:
                pool = pool + oof
            key = (language, s.doc.group, topic)
            if key not in _cache:
                threshold = choose_threshold(pool, topic)
                _cache[key] = (threshold, threshold)
            return _cache[key]

        return pick

    lodo_tables = {language: table(lodo[language], en_topics, lodo_thresholds(language)) for language in ("ja", "en")}
    missing_left = []
    for language in ("ja", "en"):
        pick = lodo_thresholds(language)
        for s in lodo[language]:
            for topic in s.doc.missing:
                if topic in REQUIRED_ELEMENTS and s.doc.gold.get(topic) == 1:
                    threshold = pick(s, topic)[1]
                    grey = choose_grey([o for o in lodo[language] if o.doc.group != s.doc.group], topic, threshold)
                    score = s.scores.get(topic, 0.0)
                    status = "present" if score >= threshold else "uncertain" if score >= grey else "missing"
                    missing_left.append({"doc": s.doc.name, "topic": topic, "score": round(score, 3), "threshold": threshold, "with_model": status})

    # The shipped model: every example; thresholds from all held-out scores.
    artefacts = {}
    for language in () if cuad_only else ("en", "ja"):
        t0 = time.perf_counter()
        training = [e for e in corpus.examples if e.language == language]
        model, feature_of = train(training, corpus.grams, language, en_topics)
        pool = lodo[language] + (oof if language == "en" else [])
        thresholds, grey = {}, {}
        for topic in en_topics:
            topic_pool = pool if topic in CUAD_TOPICS or language == "ja" else lodo[language]
            thresholds[topic] = choose_threshold(topic_pool, topic)
            grey[topic] = choose_grey(topic_pool, topic, thresholds[topic])
        artefacts[language] = (model, feature_of, thresholds, grey)
        print(f"final {language}: {len(training)} examples, {len(model.idf)} features, {time.perf_counter() - t0:.0f} s", flush=True)

    try:
        spacy_result = spacy_fold(corpus, folds, oof) if spacy_check else None
    except Exception as error:  # noqa: BLE001 - the comparison must not cost the artefact
        spacy_result = {"error": f"{type(error).__name__}: {error}"}
    evaluation = {
        "seed": SEED,
        "weak_labels": weak,
        "examples": {source: count for source, count in sorted(_count_sources(corpus.examples).items())},
        "cuad_5fold": {
            "documents": len(oof),
            "folds": "CUAD file names shuffled with numpy RandomState(seed), dealt round-robin into 5 folds",
            "macro_f1": {mode: macro(cuad_table, mode) for mode in ("rules", "model", "rules+model")},
            "topics": cuad_table,
            "fold_seconds": [round(s, 1) for s in fold_seconds],
        },
        "lodo": {
            language: {
                "documents": len(lodo[language]),
                "macro_f1": {mode: macro(lodo_tables[language], mode) for mode in ("rules", "model", "rules+model")},
                "topics": lodo_tables[language],
            }
            for language in ("ja", "en")
        },
        "required_missing_though_labelled": missing_left,
        "spacy_textcat_multilabel": spacy_result,
        # Held-out scores, so thresholds can be studied without training again.
        "held_out_scores": {s.doc.name: {t: round(v, 4) for t, v in s.scores.items()} for s in oof + lodo["en"] + lodo["ja"]},
        "seconds": round(time.perf_counter() - started, 1),
    }
    return evaluation, artefacts, corpus


def _count_sources(examples):
    counts = defaultdict(int)
    for e in examples:
        counts[e.source.split(":")[0] + ("/weak" if e.weak else "")] += 1
    return counts


def spacy_fold(corpus: Corpus, folds: dict[str, int], oof: list[Scored]) -> dict:
    """spaCy textcat_multilabel (bag-of-words) on CUAD fold 1, model alone, against the linear model."""
    import spacy
    from spacy.training import Example as SpacyExample

    t0 = time.perf_counter()
    held = {g for g, f in folds.items() if f == 0}
    nlp = spacy.blank("en")
    textcat = nlp.add_pipe("textcat_multilabel", config={"model": {"@architectures": "spacy.TextCatBOW.v3", "exclusive_classes": False, "ngram_size": 2, "no_output_layer": False}})
    topics = list(TOPICS)
    for topic in topics:
        textcat.add_label(topic)
    texts = [" ".join(corpus.grams.strings[g][2:] for g in e.ids if corpus.grams.strings[g].startswith("w ") and " " not in corpus.grams.strings[g][2:]) for e in corpus.examples if e.language == "en" and e.group not in held]
    labels = [e.labels for e in corpus.examples if e.language == "en" and e.group not in held]
    # An example with no word left (a clause of numbers) would break the bag-of-words layer.
    examples = [SpacyExample.from_dict(nlp.make_doc(text), {"cats": {t: float(v) for t, v in label.items()}}) for text, label in zip(texts, labels) if text.strip()]
    optimizer = nlp.initialize(lambda: examples[:2000])
    rng = numpy.random.RandomState(SEED)
    epochs = 3
    epoch_seconds = []
    for _ in range(epochs):
        e0 = time.perf_counter()
        order = rng.permutation(len(examples))
        for start in range(0, len(order), 256):
            nlp.update([examples[i] for i in order[start : start + 256]], sgd=optimizer)
        epoch_seconds.append(round(time.perf_counter() - e0, 1))
    scored = []
    for s in oof:
        if folds[s.doc.group] != 0:
            continue
        words = [" ".join(corpus.grams.strings[g][2:] for g in ids if corpus.grams.strings[g].startswith("w ") and " " not in corpus.grams.strings[g][2:]) for ids in s.doc.unit_ids]
        best = {t: 0.0 for t in topics}
        for doc in nlp.pipe([w for w in words if w.strip()], batch_size=256):
            for t in topics:
                best[t] = max(best[t], doc.cats[t])
        scored.append(Scored(s.doc, best))
    # Thresholds for spaCy on its own fold (optimistic for spaCy: it is the comparison's upper bound).
    picks = {t: choose_threshold(scored, t, False) for t in CUAD_TOPICS}
    spacy_table = table(scored, list(CUAD_TOPICS), lambda s, t: (picks[t], picks[t]))
    linear_fold = [s for s in oof if folds[s.doc.group] == 0]
    linear_picks = {t: choose_threshold(linear_fold, t, False) for t in CUAD_TOPICS}
    linear_table = table(linear_fold, list(CUAD_TOPICS), lambda s, t: (linear_picks[t], linear_picks[t]))
    return {
        "fold": 1,
        "documents": len(scored),
        "epochs": epochs,
        "epoch_seconds": epoch_seconds,
        "seconds": round(time.perf_counter() - t0, 1),
        "model_alone_macro_f1": macro(spacy_table, "model"),
        "linear_model_alone_macro_f1_same_fold": macro(linear_table, "model"),
        "thresholds": "chosen on the scored fold itself for both models (an upper bound for each)",
    }


# --------------------------------------------------------------------------- writing


def write_artefact(out: Path, artefacts: dict, evaluation: dict, corpus: Corpus) -> str:
    out.mkdir(parents=True, exist_ok=True)
    languages = {}
    digest = hashlib.sha256()
    for language, (model, feature_of, thresholds, grey) in sorted(artefacts.items()):
        chosen = numpy.flatnonzero(feature_of >= 0)
        order = numpy.argsort(feature_of[chosen])
        vocabulary = [corpus.grams.strings[g] for g in chosen[order]]
        arrays = {
            **vocabulary_arrays(vocabulary, language),
            "idf": model.idf.astype(numpy.float32),
            "coef": model.coef.astype(numpy.float16),
            "intercept": model.intercept.astype(numpy.float32),
        }
        for name in sorted(arrays):
            digest.update(name.encode())
            digest.update(arrays[name].tobytes())
        digest.update(json.dumps([thresholds, grey], sort_keys=True).encode())
        file_name = f"topics-{language}.npz"
        write_npz(out / file_name, arrays)
        languages[language] = {"file": file_name, "topics": list(model.topics), "features": len(vocabulary), "thresholds": thresholds, "grey": grey}
    version = f"{FORMAT}.{digest.hexdigest()[:10]}"
    meta = {
        "format": FORMAT,
        "version": version,
        "kind": "tf-idf (word 1-2-grams + char 4-grams; Japanese char 1-3-grams) + L2 logistic regression per topic",
        "trained_by": "benchmarks/train_topics.py",
        "seed": SEED,
        "weak_labels": evaluation["weak_labels"],
        "examples": evaluation["examples"],
        "languages": languages,
    }
    (out / "topics.json").write_text(json.dumps(meta, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    evaluation = dict(evaluation, model_version=version)
    (out / "evaluation.json").write_text(json.dumps(evaluation, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    (out / "evaluation.md").write_text(markdown(evaluation) + "\n", encoding="utf-8")
    return version


def vocabulary_arrays(vocabulary: list[str], language: str) -> dict[str, numpy.ndarray]:
    """The feature strings (feature id = position) as the checker reads them: one UTF-8 byte
    array, n-grams separated by newlines (they never hold one; decoding it is ~10x faster than
    a fixed-width unicode array) with the id of each; Japanese character n-grams instead as
    sorted integer keys (`features.char_gram_key`) with the id of each, so checking looks a
    whole document up in one numpy call and loading builds no dictionary for them."""
    as_keys = [i for i, gram in enumerate(vocabulary) if language == "ja" and gram.startswith("c ")]
    keyed = set(as_keys)
    as_strings = [i for i in range(len(vocabulary)) if i not in keyed]
    keys = numpy.array([char_gram_key(vocabulary[i][2:]) for i in as_keys], dtype=numpy.uint64)
    order = numpy.argsort(keys, kind="stable")
    assert len(numpy.unique(keys)) == len(keys), "two character n-grams share a key"
    return {
        "vocabulary": numpy.frombuffer("\n".join(vocabulary[i] for i in as_strings).encode("utf-8"), dtype=numpy.uint8),
        "vocabulary_features": numpy.array(as_strings, dtype=numpy.int32),
        "char_keys": keys[order],
        "char_features": numpy.array(as_keys, dtype=numpy.int32)[order] if as_keys else numpy.zeros(0, dtype=numpy.int32),
    }


def write_npz(path: Path, arrays: dict[str, numpy.ndarray]) -> None:
    """An uncompressed .npz (fast to load) whose bytes depend only on the arrays: numpy.savez
    stamps each entry with the current time."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_STORED) as archive:
        for name in sorted(arrays):
            info = zipfile.ZipInfo(name + ".npy", date_time=(1980, 1, 1, 0, 0, 0))
            with archive.open(info, "w", force_zip64=True) as handle:
                numpy.lib.format.write_array(handle, numpy.ascontiguousarray(arrays[name]), allow_pickle=False)


def markdown(evaluation: dict) -> str:
    lines = [f"# Topic model {evaluation.get('model_version', '')}: evaluation", ""]
    cuad = evaluation["cuad_5fold"]
    m = cuad["macro_f1"]
    lines += [
        f"CUAD, 5-fold cross-validation by document ({cuad['documents']} contracts, 18 mapped topics): macro-F1 rules {m['rules']:.3f}, model {m['model']:.3f}, rules + model **{m['rules+model']:.3f}** (target ≥ 0.90).",
        "",
    ]
    for language, block in evaluation["lodo"].items():
        m = block["macro_f1"]
        lines.append(f"Leave-one-document-out, {language} ({block['documents']} documents, 29 topics): macro-F1 rules {m['rules']:.3f}, model {m['model']:.3f}, rules + model **{m['rules+model']:.3f}** (target ≥ 0.95).")
    lines.append("")
    for title, rows in [("CUAD 5-fold", cuad["topics"])] + [(f"LODO {k}", v["topics"]) for k, v in evaluation["lodo"].items()]:
        lines += [f"### {title}", "", "| topic | support | rules F1 | model F1 | rules + model F1 | rules + model TP/FP/FN |", "|---|---:|---:|---:|---:|---|"]
        for topic, row in rows.items():
            if not row["support"] and not any(row[mode]["fp"] for mode in ("rules", "model", "rules+model")):
                continue
            both = row["rules+model"]
            lines.append(f"| {topic} | {row['support']} | {row['rules']['f1']:.3f} | {row['model']['f1']:.3f} | {both['f1']:.3f} | {both['tp']}/{both['fp']}/{both['fn']} |")
        lines.append("")
    lines += ["### Required elements the rules report missing although labelled present", "", "| document | topic | model score | threshold | with the model |", "|---|---|---:|---:|---|"]
    for item in evaluation["required_missing_though_labelled"]:
        lines.append(f"| {Path(item['doc']).name} | {item['topic']} | {item['score']:.3f} | {item['threshold']:.3f} | {item['with_model']} |")
    spacy_result = evaluation.get("spacy_textcat_multilabel")
    if spacy_result and "error" in spacy_result:
        lines += ["", f"spaCy textcat_multilabel on CUAD fold 1 failed: {spacy_result['error']}"]
    elif spacy_result:
        lines += ["", f"spaCy textcat_multilabel (bag of words, {spacy_result['epochs']} epochs, {spacy_result['seconds']} s) on CUAD fold 1: model-alone macro-F1 {spacy_result['model_alone_macro_f1']:.3f} against {spacy_result['linear_model_alone_macro_f1_same_fold']:.3f} for the linear model (thresholds chosen on the fold itself for both)."]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("corpus", type=Path, help="the shared corpus folder (cuad/, contractnli/, ja/, standard/, traps_dev/)")
    parser.add_argument("-o", "--output", type=Path, required=True, help="where to write topics.json, topics-<lang>.npz and the evaluation")
    parser.add_argument("--jobs", type=int, default=2, help="processes for the rules-only checks")
    parser.add_argument("--no-weak", action="store_true", help="train without the heading weak labels (to measure them)")
    parser.add_argument("--no-spacy", action="store_true", help="skip the spaCy comparison")
    parser.add_argument("--evaluate-only", action="store_true", help="print the evaluation, write no artefact")
    parser.add_argument("--cuad-only", action="store_true", help="with --evaluate-only: CUAD folds and the (fast) Japanese LODO only, to compare settings quickly")
    args = parser.parse_args(argv)
    os.environ.setdefault("PYTHONHASHSEED", "0")
    if args.cuad_only and not args.evaluate_only:
        parser.error("--cuad-only trains no shipped model: use it with --evaluate-only")
    evaluation, artefacts, corpus = run(args.corpus, args.output, args.jobs, not args.no_weak, not args.no_spacy, args.cuad_only)
    if args.evaluate_only:
        print(markdown(evaluation))
        print(json.dumps({k: evaluation[k] for k in ("examples", "seconds")}, indent=1))
        return 0
    version = write_artefact(args.output, artefacts, evaluation, corpus)
    print(markdown(dict(evaluation, model_version=version)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
