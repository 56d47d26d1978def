"""Agreement of the checker's confidentiality-related results with ContractNLI expert labels.

ContractNLI (dev split: 61 NDAs) labels 17 hypotheses per NDA as Entailment, Contradiction
or NotMentioned. The checker does not do inference; what it can be held to is this: where
one of its outputs (a topic status or a rule that fired) means the same thing as a
hypothesis, that output should agree with the expert label. The mapping below says which
output answers which hypothesis and which label a firing output predicts; everything else
about the document is left to the real checker (`check_file` on the NDA's text, the CLI's
code path). No detection logic lives here.

Agreement for a mapped hypothesis: the output fired and the label is one of the predicted
ones, or it did not fire and the label is anything else. Precision and recall are given for
"fired" against "label is predicted", and again for the Entailment class alone: a detection
output predicts Entailment by firing; a "missing element" rule (a conditional rule that
fires when a confidentiality clause lacks, say, a return duty) predicts NotMentioned or
Contradiction by firing and, through `quiet_predicts`, Entailment by staying quiet.
Hypotheses without an output that answers them are listed as not covered, so rule authors
see what a rule would be needed for.

    python benchmarks/contractnli.py ../shared/corpus/contractnli/dev.json
    python benchmarks/contractnli.py ../shared/corpus/contractnli/dev.json --show 5 --json results.json
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Mapping:
    """One checker output that answers one hypothesis."""

    output: str  # "topic:<topic id>" (status present) or "rule:<rule id>" (a finding or topic evidence from it)
    predicts: str  # the label a firing output stands for ("A|B": either label)
    why: str
    quiet_predicts: str = ""  # the label a quiet output stands for ("": anything not predicted)

    def expects(self, choice: str) -> bool:
        return choice in self.predicts.split("|")

    def predicts_entailment(self, did_fire: bool) -> bool | None:
        """Whether the output predicts Entailment (None: it does not speak to that class)."""
        if "Entailment" in self.predicts.split("|"):
            return did_fire
        if self.quiet_predicts == "Entailment":
            return not did_fire
        return None


# The hypotheses our outputs speak to. Read `predicts` as: when the output fires, the
# contract says what the label says.
MAPPINGS: dict[str, Mapping] = {
    # "Receiving Party shall not disclose the fact that Agreement was agreed or negotiated."
    "nda-10": Mapping("rule:confidentiality-deal-existence", "Entailment", "the rule flags clauses that make the deal's existence confidential"),
    # "Receiving Party shall not solicit some of Disclosing Party's representatives."
    "nda-18": Mapping("topic:non_solicit", "Entailment", "the non-solicitation topic is a ban on soliciting employees or customers"),
    # "Agreement shall not grant Receiving Party any right to Confidential Information."
    # A licence topic found in an NDA claims a right *is* granted: it contradicts the
    # hypothesis. Since no expert label is a contradiction, this row measures how often
    # the usual "no licence is granted" sentence is mistaken for a grant.
    "nda-15": Mapping("topic:license_grant", "Contradiction", "a licence topic in an NDA claims a right to the information is granted"),
    # "Receiving Party may share some Confidential Information with some of Receiving Party's employees."
    "nda-5": Mapping("rule:confidentiality-sharing-employees", "Entailment", "the rule detects permission to share with employees who need to know"),
    # "Receiving Party may share some Confidential Information with some third-parties (including consultants, agents and professional advisors)."
    "nda-7": Mapping("rule:confidentiality-sharing-advisers", "Entailment", "the rule detects permission to share with advisers, contractors or affiliates"),
    # "All Confidential Information shall be expressly identified by the Disclosing Party."
    "nda-1": Mapping("rule:confidentiality-marking-required", "Entailment", "the rule flags protection that depends on marking or written identification"),
    # "Receiving Party may retain some Confidential Information even after the return or destruction of Confidential Information."
    "nda-20": Mapping("rule:confidentiality-copies-may-be-kept", "Entailment", "the rule flags permission to keep copies after return or destruction"),
    # "Receiving Party shall not reverse engineer any objects which embody Disclosing Party's Confidential Information."
    "nda-11": Mapping("rule:no-reverse-engineering", "Entailment", "the rule detects a ban on reverse engineering"),
    # The rows below are "missing element" rules: each fires when the contract has a
    # confidentiality obligation but no clause with the element, so a firing rule says the
    # contract does not entail the hypothesis (NotMentioned, or Contradiction where the
    # contract says the opposite) and a quiet one that it does.
    # "Receiving Party shall not use any Confidential Information for any purpose other than the purposes stated in Agreement."
    "nda-4": Mapping("rule:confidentiality-use-unrestricted", "NotMentioned|Contradiction", "the rule fires when use is not limited to the purpose", "Entailment"),
    # "Receiving Party shall notify Disclosing Party in case Receiving Party is required by law, regulation or judicial process to disclose any Confidential Information."
    "nda-8": Mapping("rule:compelled-disclosure-without-notice", "NotMentioned|Contradiction", "the rule fires when no notice before a compelled disclosure is required", "Entailment"),
    # "Receiving Party shall destroy or return some Confidential Information upon the termination of Agreement."
    # The rule is satisfied by any return or destruction duty; the annotators count only a
    # duty tied to termination, so NDAs that return "on request" are NotMentioned there and
    # disagree with a quiet rule.
    "nda-16": Mapping("rule:confidentiality-no-return", "NotMentioned|Contradiction", "the rule fires when there is no return or destruction duty", "Entailment"),
    # "Receiving Party may independently develop information similar to Confidential Information."
    "nda-12": Mapping("rule:confidentiality-no-independent-development", "NotMentioned|Contradiction", "the rule fires when independently developed information is not excluded", "Entailment"),
    # "Some obligations of Agreement may survive termination of Agreement."
    "nda-19": Mapping("rule:confidentiality-no-survival", "NotMentioned|Contradiction", "the rule fires when nothing says the obligations survive the contract", "Entailment"),
}

# Whole-document expectations every NDA in the set should meet.
SANITY = {
    "confidentiality topic present": lambda report: report.topics["confidentiality"].status == "present",
    "contract type detected as nda": lambda report: report.contract_type.id == "nda",
}


def fired(report, output: str) -> tuple[bool, str]:
    """Whether `output` fired on `report`, with the first evidence text it quotes."""
    kind, _, name = output.partition(":")
    if kind == "topic":
        result = report.topics.get(name)
        if result is None or result.status != "present":
            return False, ""
        return True, result.evidence[0].text if result.evidence else ""
    if kind == "rule":
        for finding in report.findings:
            if finding.rule == name and finding.kind != "missing":
                return True, finding.evidence[0].text if finding.evidence else ""
        for result in report.topics.values():
            if name in result.rules:
                return True, result.evidence[0].text if result.evidence else ""
        return False, ""
    raise ValueError(f"unknown output kind in {output!r}")


def label_evidence(document: dict, annotation: dict) -> str:
    spans = document["spans"]
    return " … ".join(document["text"][spans[i][0] : spans[i][1]].strip() for i in annotation.get("spans", [])[:2])


def check_outputs_exist(pack) -> list[str]:
    """Mapped rules or topics the rule pack does not have (the mapping would be dead)."""
    from clausecheck.engine.schema import TOPICS

    # Rules may add topics of their own beside the fixed list.
    topics = set(TOPICS) | {rule.topic for rule in pack.rules.values()}
    missing = []
    for hypothesis, mapping in MAPPINGS.items():
        kind, _, name = mapping.output.partition(":")
        if (kind == "rule" and name not in pack.rules) or (kind == "topic" and name not in topics):
            missing.append(f"{hypothesis}: {mapping.output}")
    return missing


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dataset", type=Path, help="ContractNLI JSON (documents[], labels{})")
    parser.add_argument("--limit", type=int, help="first N documents only")
    parser.add_argument("--show", type=int, default=3, help="disagreements to print per hypothesis")
    parser.add_argument("--json", type=Path, help="write per-hypothesis numbers as JSON")
    args = parser.parse_args(argv)

    from clausecheck.errors import ClausecheckError
    from clausecheck.pipeline import Settings, check_file, rule_pack

    data = json.loads(args.dataset.read_text(encoding="utf-8"))
    labels = data["labels"]
    documents = data["documents"][: args.limit] if args.limit else data["documents"]
    dead = check_outputs_exist(rule_pack(Settings()))
    if dead:
        print("mapped outputs missing from the rule pack (they can never fire): " + ", ".join(dead))

    counts = {h: Counter() for h in MAPPINGS}
    disagreements: dict[str, list[str]] = {h: [] for h in MAPPINGS}
    sanity = Counter()
    errors = []
    with tempfile.TemporaryDirectory(prefix="clausecheck-contractnli-") as tmp:
        for document in documents:
            path = Path(tmp) / f"{document['id']}.txt"
            path.write_text(document["text"], encoding="utf-8")
            try:
                report = check_file(path)
            except ClausecheckError as error:
                errors.append(f"{document['file_name']}: {error.code}")
                continue
            for name, expectation in SANITY.items():
                sanity[name] += bool(expectation(report))
            annotations = document["annotation_sets"][0]["annotations"]
            for hypothesis, mapping in MAPPINGS.items():
                annotation = annotations.get(hypothesis)
                if annotation is None:
                    continue
                did_fire, quote = fired(report, mapping.output)
                expected = mapping.expects(annotation["choice"])
                cell = ("fired" if did_fire else "quiet") + ("+expected" if expected else "+other")
                counts[hypothesis][cell] += 1
                entailment = mapping.predicts_entailment(did_fire)
                if entailment is not None:
                    counts[hypothesis]["entail:" + ("predicted" if entailment else "not") + ("+true" if annotation["choice"] == "Entailment" else "+false")] += 1
                counts[hypothesis][annotation["choice"]] += 1
                if did_fire != expected and len(disagreements[hypothesis]) < args.show:
                    ours = f"ours: {quote[:160]!r}" if did_fire else "ours: nothing"
                    theirs = f"label {annotation['choice']}: {label_evidence(document, annotation)[:160]!r}"
                    disagreements[hypothesis].append(f"    {document['file_name']}\n      {ours}\n      {theirs}")

    checked = len(documents) - len(errors)
    print(f"{checked} of {len(documents)} NDAs checked" + (f"; not readable: {', '.join(errors)}" if errors else ""))
    print()
    print(f"{'hypothesis':8} {'short description':42} {'output':44} {'predicts':26} {'agree':>7} {'prec':>5} {'rec':>5} {'E-prec':>6} {'E-rec':>5}  labels E/C/N")
    rows = []
    total_agree = total = 0
    for hypothesis, mapping in MAPPINGS.items():
        c = counts[hypothesis]
        n = c["fired+expected"] + c["fired+other"] + c["quiet+expected"] + c["quiet+other"]
        agree = c["fired+expected"] + c["quiet+other"]
        precision = c["fired+expected"] / (c["fired+expected"] + c["fired+other"]) if c["fired+expected"] + c["fired+other"] else None
        recall = c["fired+expected"] / (c["fired+expected"] + c["quiet+expected"]) if c["fired+expected"] + c["quiet+expected"] else None
        predicted_true, predicted_false, missed = c["entail:predicted+true"], c["entail:predicted+false"], c["entail:not+true"]
        entail_precision = predicted_true / (predicted_true + predicted_false) if predicted_true + predicted_false else None
        entail_recall = predicted_true / (predicted_true + missed) if predicted_true + missed else None
        total_agree += agree
        total += n
        rows.append({"hypothesis": hypothesis, "description": labels[hypothesis]["short_description"], "output": mapping.output, "predicts": mapping.predicts, "quiet_predicts": mapping.quiet_predicts, "n": n, "agree": agree, "precision": precision, "recall": recall, "entailment_precision": entail_precision, "entailment_recall": entail_recall, "cells": dict(c)})
        fmt = lambda v: f"{v:5.2f}" if v is not None else "    —"  # noqa: E731
        print(f"{hypothesis:8} {labels[hypothesis]['short_description'][:42]:42} {mapping.output:44} {mapping.predicts:26} {agree / n if n else 0:7.1%} {fmt(precision)} {fmt(recall)} {fmt(entail_precision):>6} {fmt(entail_recall)}  {c['Entailment']}/{c['Contradiction']}/{c['NotMentioned']}")
    print(f"\noverall agreement on mapped hypotheses: {total_agree}/{total} = {total_agree / total if total else 0:.1%}")
    for name, value in sanity.items():
        print(f"{name}: {value}/{checked}")
    uncovered = sorted((h for h in labels if h not in MAPPINGS), key=lambda h: int(h.split("-")[1]))
    print("\nnot covered by any checker output: " + "; ".join(f"{h} {labels[h]['short_description']}" for h in uncovered))
    for hypothesis, lines in disagreements.items():
        if lines:
            print(f"\ndisagreements, {hypothesis} ({labels[hypothesis]['short_description']}):")
            print("\n".join(lines))
    if args.json:
        args.json.write_text(json.dumps({"documents": checked, "rows": rows, "overall": total_agree / total if total else None, "sanity": dict(sanity), "uncovered": uncovered}, indent=2, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
