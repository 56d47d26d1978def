"""What a worker does with one file, the same on a local worker process and a Dask worker:
check it, render its memo, and return everything the writer needs as plain data.

Nothing here writes to the output folder: the batch's one writer (the local parent or the
Dask client) stores results and memos, so workers need no access to it and a full disk is
met in one place.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

from clausecheck.batch.outputs import MEMO_FOLDER, row_of
from clausecheck.compare.batch import compare_with_template
from clausecheck.errors import ClausecheckError
from clausecheck.pipeline import engine_for, finish_report, read_document
from clausecheck.report.json_report import error_dict, report_dict
from clausecheck.report.output import render


def outcome_of(line: dict, memo: str | None = None, html: bytes | None = None) -> dict:
    """The outcome a worker returns: the results line as text, its row, and the memo."""
    return {"line_text": json.dumps(line, ensure_ascii=False), "row": row_of(line, memo), "memo": memo, "html": html}


def error_outcome(display: str, code: str, message: str) -> dict:
    return outcome_of(error_dict(display, code, message))


def check_one(path: Path, display: str, memo: str, settings, engine=None) -> dict:
    """Check one file (with `engine`, or the one compiled for `settings`); return its outcome, never raise for a bad file."""
    try:
        document = read_document(path, settings)
        engine = engine or engine_for(settings.rules_dirs)
        report = finish_report(engine.check(document, settings.check), engine.pack)
        if settings.template:
            report = compare_with_template(report, settings)
        # The memo and the results name the file as the batch found it, relative to its folder.
        document = replace(report.document, source=replace(report.document.source, path=display))
        report = replace(report, document=document)
        html = render(report, "html")
        memo_path = f"{MEMO_FOLDER}/{memo}"
        return outcome_of(report_dict(report), memo_path, html.encode("utf-8") if isinstance(html, str) else html)
    except ClausecheckError as error:
        return error_outcome(display, error.code, error.message)
    except Exception as error:  # noqa: BLE001 - one bad file must not stop the batch
        return error_outcome(display, "E300", f"internal error: {type(error).__name__}: {error}")
