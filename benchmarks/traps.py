"""Score the checker's findings on traps_dev: traps found with the right party, controls flagged.

`../shared/corpus/traps_dev/` holds contracts with one-sided clauses ("traps") labelled with the
party each favours, and fair "control" clauses that must not be flagged. Its README gives the
matching rule, applied here as written: after NFKC and removing all whitespace, a finding
matches a row when one of its evidence quotes contains the first 18 characters of the row's
quote (or the other way round), and — where the row names a party — the finding favours the
party that has that alias. A `missing-*` row matches a `missing` finding of its topic.

The checker runs neutral (no --party), as a new user would run it first, so every one-sided
finding is a `risk` with `favours` set.

Reported: traps found with the right party (all, and high + medium, per issue type and per
document), traps found with the wrong party, controls flagged by a risk finding, high findings
on the fair contracts. `--hold-out` names documents scored apart (a set kept unseen while rules
were written: the honest estimate of how the rules do on text nobody tuned them for); their
misses are never printed, so that looking at the output does not spoil them.

    python benchmarks/traps.py ../shared/corpus/traps_dev
    python benchmarks/traps.py ../shared/corpus/traps_dev --misses --hold-out ja_06_gyomu_teikei.md,en_05_reseller.md
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import unicodedata
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

MISSING_TOPICS = {"missing-purpose": "purpose", "missing-anti-social-forces": "anti_social_forces"}
KEY_LENGTH = 18
# The set kept unseen while the statement rules were written (see docs/accuracy.md).
DEFAULT_HOLD_OUT = ("ja_06_gyomu_teikei.md", "ja_07_riyo_kiyaku.md", "en_05_reseller.md", "en_06_saas.txt", "en_07_mutual_nda.txt")


def squeeze(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split())


def _quote(evidence: str) -> str:
    """`clause number: quote` → quote (a clause number never holds ': ')."""
    return evidence.split(": ", 1)[1] if ": " in evidence else evidence


def load_rows(folder: Path) -> list[dict]:
    with (folder / "expected_findings.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        row["kind"] = "control" if row["issue"].startswith("control-") else "missing" if row["evidence"] == "absent" else "trap"
        row["key"] = squeeze(_quote(row["evidence"]))
    return rows


def _check(path: str) -> tuple[str, dict | None, str | None]:
    from clausecheck.pipeline import check_file
    from clausecheck.report.json_report import report_dict

    try:
        return path, report_dict(check_file(path)), None
    except Exception as error:  # noqa: BLE001 - an unreadable file scores nothing, and is listed
        return path, None, f"{type(error).__name__}: {error}"


def quotes_meet(finding_quote: str, row_key: str) -> bool:
    finding_key = squeeze(finding_quote)
    return row_key[:KEY_LENGTH] in finding_key or (len(finding_key) >= KEY_LENGTH and finding_key[:KEY_LENGTH] in row_key)


def aliases_of(report: dict, party_id: str | None) -> set[str]:
    for party in report.get("parties", []):
        if party["id"] == party_id:
            return {squeeze(a) for a in party["aliases"]}
    return set()


def score_document(report: dict, rows: list[dict]) -> list[dict]:
    """Each row with the finding that matches it (and whether the party is right)."""
    outcomes = []
    findings = report["findings"] if report else []
    for row in rows:
        outcome = {"row": row, "found": False, "party_right": False, "rule": None}
        if row["kind"] == "missing":
            topic = MISSING_TOPICS.get(row["issue"])
            hit = next((f for f in findings if f["kind"] == "missing" and f["topic"] == topic), None)
            if hit:
                outcome.update(found=True, party_right=True, rule=hit["rule"])
            outcomes.append(outcome)
            continue
        # A control is flagged by a risk; a note (severity info: a gap both sides share, or a
        # term in the reader's favour) says the clause is worth knowing, not that it is unfair.
        kinds = ("risk",) if row["kind"] == "control" else ("risk", "note")
        for finding in findings:
            if finding["kind"] not in kinds:
                continue
            if not any(quotes_meet(e["text"], row["key"]) for e in finding["evidence"]):
                continue
            right = row["favours"] == "neither" or squeeze(row["favours"]) in aliases_of(report, finding.get("favours"))
            if not outcome["found"] or (right and not outcome["party_right"]):
                outcome.update(found=True, party_right=right, rule=finding["rule"], favours=finding.get("favours"))
        outcomes.append(outcome)
    return outcomes


def run(folder: Path, jobs: int) -> dict:
    rows = load_rows(folder)
    by_doc: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        by_doc[row["doc"]].append(row)
    fair = {line.strip() for line in (folder / "fair.txt").read_text(encoding="utf-8").splitlines() if line.strip()}
    docs = sorted(set(by_doc) | fair)
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        results = {Path(p).name: (r, e) for p, r, e in pool.map(_check, [str(folder / d) for d in docs])}
    per_doc = {}
    for doc in docs:
        report, error = results[doc]
        outcomes = score_document(report, by_doc.get(doc, []))
        high_on_fair = []
        if doc in fair and report:
            high_on_fair = [f for f in report["findings"] if f["kind"] == "risk" and f["severity"] == "high"]
        per_doc[doc] = {"error": error, "outcomes": outcomes, "high_on_fair": high_on_fair, "fair": doc in fair}
    return per_doc


def tally(per_doc: dict, docs) -> dict:
    counts = {"traps": 0, "found_right": 0, "found_wrong_party": 0, "hm": 0, "hm_found_right": 0,
              "controls": 0, "controls_flagged": 0, "missing": 0, "missing_found": 0, "high_on_fair": 0}
    by_issue: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for doc in docs:
        data = per_doc[doc]
        counts["high_on_fair"] += len(data["high_on_fair"])
        for outcome in data["outcomes"]:
            row = outcome["row"]
            if row["kind"] == "trap":
                counts["traps"] += 1
                by_issue[row["issue"]][0] += 1
                if outcome["found"] and outcome["party_right"]:
                    counts["found_right"] += 1
                    by_issue[row["issue"]][1] += 1
                elif outcome["found"]:
                    counts["found_wrong_party"] += 1
                if row["severity"] in ("high", "medium"):
                    counts["hm"] += 1
                    counts["hm_found_right"] += outcome["found"] and outcome["party_right"]
            elif row["kind"] == "control":
                counts["controls"] += 1
                counts["controls_flagged"] += outcome["found"]
            else:
                counts["missing"] += 1
                counts["missing_found"] += outcome["found"]
    counts["by_issue"] = dict(by_issue)
    return counts


def _pct(a: int, b: int) -> str:
    return f"{a}/{b} ({100 * a / b:.1f} %)" if b else "0/0"


def print_tally(name: str, counts: dict) -> None:
    print(f"\n== {name}")
    print(f"traps found with the right party:      {_pct(counts['found_right'], counts['traps'])}")
    print(f"  high + medium:                       {_pct(counts['hm_found_right'], counts['hm'])}")
    print(f"  found, wrong party:                  {counts['found_wrong_party']}")
    print(f"missing elements found:                {_pct(counts['missing_found'], counts['missing'])}")
    print(f"controls flagged (false positives):    {counts['controls_flagged']} of {counts['controls']}")
    print(f"high findings on fair contracts:       {counts['high_on_fair']}")


def markdown(per_doc: dict, groups: dict[str, list[str]]) -> str:
    lines = ["| set | traps found, right party | high + medium | wrong party | controls flagged | high on fair |", "|---|---:|---:|---:|---:|---:|"]
    for name, docs in groups.items():
        c = tally(per_doc, docs)
        lines.append(f"| {name} | {_pct(c['found_right'], c['traps'])} | {_pct(c['hm_found_right'], c['hm'])} | {c['found_wrong_party']} | {c['controls_flagged']}/{c['controls']} | {c['high_on_fair']} |")
    lines += ["", "| trap type | found / traps |", "|---|---:|"]
    whole = tally(per_doc, list(per_doc))
    for issue, (total, found) in sorted(whole["by_issue"].items()):
        lines.append(f"| {issue} | {found}/{total} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folder", type=Path)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--hold-out", default=",".join(DEFAULT_HOLD_OUT), help="comma-separated documents scored apart, misses never shown ('' for none)")
    parser.add_argument("--misses", action="store_true", help="list the traps missed and the controls flagged (development documents only)")
    parser.add_argument("--markdown", type=Path)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    per_doc = run(args.folder, args.jobs)
    hold_out = [d for d in args.hold_out.split(",") if d in per_doc]
    development = [d for d in per_doc if d not in hold_out]
    groups = {"all": list(per_doc), "development": development}
    if hold_out:
        groups["held out"] = hold_out
    for name, docs in groups.items():
        print_tally(f"{name} ({len(docs)} documents)", tally(per_doc, docs))
    whole = tally(per_doc, list(per_doc))
    print("\nper trap type (all documents): found with right party / traps")
    for issue, (total, found) in sorted(whole["by_issue"].items()):
        print(f"  {issue:42} {found}/{total}")
    for doc in sorted(per_doc):
        data = per_doc[doc]
        if data["error"]:
            print(f"error: {doc}: {data['error']}")
    if args.misses:
        for doc in development:
            data = per_doc[doc]
            for outcome in data["outcomes"]:
                row = outcome["row"]
                if row["kind"] == "trap" and not (outcome["found"] and outcome["party_right"]):
                    how = f"wrong party ({outcome.get('favours')}, {outcome['rule']})" if outcome["found"] else "missed"
                    print(f"  MISS {doc} {row['issue']} [{row['severity']}, favours {row['favours']}] {how}: {row['evidence'][:150]}")
                elif row["kind"] == "control" and outcome["found"]:
                    print(f"  CONTROL FLAGGED {doc} {row['issue']} by {outcome['rule']}: {row['evidence'][:150]}")
                elif row["kind"] == "missing" and not outcome["found"]:
                    print(f"  MISSING NOT REPORTED {doc} {row['issue']}")
            for finding in data["high_on_fair"]:
                print(f"  HIGH ON FAIR {doc} {finding['rule']}: {finding['evidence'][0]['text'][:120] if finding['evidence'] else ''}")
    if args.markdown:
        args.markdown.write_text(markdown(per_doc, groups) + "\n", encoding="utf-8")
    if args.json:
        args.json.write_text(json.dumps({name: {k: v for k, v in tally(per_doc, docs).items()} for name, docs in groups.items()}, ensure_ascii=False, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
