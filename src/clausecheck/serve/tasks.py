"""What the page's worker processes do: read an upload to offer its parties, and check it.

Both run the same pipeline as `clausecheck check` (same parsers, same limits, same rules) and
return plain dicts, so that nothing but data crosses the pipe back to the server. A check
writes every output format into a fresh folder that the server moves into place only if the
entry still exists when the result arrives (it may have been deleted meanwhile).
"""

from __future__ import annotations

import time
from dataclasses import replace
from pathlib import Path

from clausecheck.engine.runner import CheckOptions
from clausecheck.errors import InputError
from clausecheck.parsers import ReadOptions
from clausecheck.pipeline import Settings, check_file, engine_for, read_document
from clausecheck.report import FORMATS, SUFFIXES
from clausecheck.report.json_report import report_dict
from clausecheck.report.output import default_path, render
from clausecheck.serve.workers import report_stage

# Formats whose renderer reads the uploaded file again (the Word copy with comments): they are
# rendered from the report that still names the stored file, not the uploaded name.
SOURCE_READING_FORMATS = frozenset({"docx"})
# Formats that only exist for a Word input (the redline is a docx too).
WORD_ONLY_FORMATS = frozenset({"docx"})


def prepare(rules_dirs: tuple[str, ...]) -> None:
    """Compile the rules once per worker, before its first file."""
    engine = engine_for(rules_dirs)
    for language in ("en", "ja"):
        engine.compiled(language)


def _settings(options: dict) -> Settings:
    return Settings(
        rules_dirs=tuple(options.get("rules_dirs", ())),
        language=None,
        check=CheckOptions(
            party=options.get("party") or None,
            contract_type=options.get("contract_type") or None,
            memo_language=options.get("memo_language") or None,
        ),
        read=ReadOptions(max_bytes=options["max_bytes"]),
    )


def inspect_upload(stored: str, options: dict) -> dict:
    """The parts of a contract the page offers before the check: its language, title and parties."""
    report_stage("reading")
    document = read_document(stored, _settings(options))
    return {
        "language": document.language,
        "title": document.title,
        "format": document.source.format,
        "pages": document.source.pages,
        "parties": [{"id": party.id, "names": list(party.all_names)} for party in document.parties],
        "warnings": [warning.as_dict() for warning in document.warnings],
    }


def check_upload(stored: str, display_name: str, options: dict, out_folder: str) -> dict:
    """Check the stored upload; write every output into `out_folder`; say which were written."""
    report_stage("checking")
    report = check_file(stored, _settings(options))
    if options.get("party") and report.perspective is None:
        # As `check` does: a memo from no side after a side was chosen would read as a neutral all-clear.
        sides = "; ".join(" / ".join(party.all_names) for party in report.document.parties) or "none found"
        raise InputError(f"{options['party']!r} matches no party of this contract (its parties: {sides})", code="E113")
    # Outputs name the file as the user uploaded it, never by where it is stored.
    shown = replace(report, document=replace(report.document, source=replace(report.document.source, path=display_name)))
    report_stage("writing")
    folder = Path(out_folder)
    folder.mkdir(parents=True, exist_ok=False)
    written: dict[str, str] = {}
    skipped: dict[str, str] = {}
    for download, output_format, variant in output_variants():
        if output_format in WORD_ONLY_FORMATS and report.document.source.format != "docx":
            continue
        try:
            content = render(report if output_format in SOURCE_READING_FORMATS else shown, output_format, **variant)
        except Exception as error:  # noqa: BLE001 - one format that fails leaves the others downloadable
            skipped[download] = f"{type(error).__name__}: {error}"
            continue
        data = content.encode("utf-8") if isinstance(content, str) else content
        (folder / output_file(download)).write_bytes(data)
        name = default_path(shown, output_format).name
        written[download] = name.replace(".reviewed.docx", ".redline.docx") if variant.get("redline") else name
    line = report_dict(shown)
    return {
        "title": line.get("title"),
        "language": line.get("language"),
        "contract_type": line["contract_type"]["id"],
        "perspective": line.get("perspective"),
        "summary": line["summary"],
        "findings": [
            {"id": f["id"], "severity": f["severity"], "kind": f["kind"], "title": f["title"], "clause": next((e.get("clause") for e in f.get("evidence", []) if e.get("clause")), None)}
            for f in line["findings"]
        ],
        "topics": {topic: value["status"] for topic, value in line["topics"].items()},
        "rules_version": line["tool"]["rules_version"],
        "checked_at": time.time(),
        "formats": written,
        "skipped_formats": skipped,
    }


def output_variants() -> list[tuple[str, str, dict]]:
    """Every download the installed checker can write: (download id, format, render options).

    One per output format, plus the Word copy with the suggested wording as tracked changes
    (`render(..., redline=True)`, what `check --format docx --redline` writes).
    """
    variants = [(output_format, output_format, {}) for output_format in FORMATS]
    if "docx" in FORMATS:
        variants.append(("redline", "docx", {"redline": True}))
    return variants


def download_ids() -> list[str]:
    return [download for download, _, _ in output_variants()]


def output_file(download: str) -> str:
    """The stored name of one output inside an entry's folder."""
    if download == "redline":
        return "redline.docx"
    return download + SUFFIXES.get(download, "." + download)
