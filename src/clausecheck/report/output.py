"""Write a Report in the chosen format to a file, a folder or stdout."""

from __future__ import annotations

import sys
from pathlib import Path

from clausecheck.model import Report
from clausecheck.report import SUFFIXES


def render(report: Report, output_format: str, redline: bool = False) -> str | bytes:
    if output_format == "json":
        from clausecheck.report.json_report import dumps, report_dict

        return dumps(report_dict(report)) + "\n"
    if output_format == "sarif":
        from clausecheck.report.sarif import render_sarif

        return render_sarif(report)
    if output_format == "md":
        from clausecheck.report.render import render_markdown

        return render_markdown(report)
    if output_format == "docx" and redline:
        from clausecheck.report.docx_redline import redline_docx

        return redline_docx(report)
    if output_format == "docx":
        from clausecheck.report.docx_comments import annotate_docx

        return annotate_docx(report)
    from clausecheck.report.render import render_html

    return render_html(report)


def default_path(report: Report, output_format: str) -> Path:
    source = Path(report.document.source.path)
    suffix = ".reviewed.docx" if output_format == "docx" else f".memo{SUFFIXES[output_format]}"
    return source.with_name(source.stem + suffix)


def unused_name(destination: Path, taken: set[Path]) -> Path:
    """`destination`, or `name-2.memo.html`, `name-3…` when an earlier input of the run took it."""
    if destination.resolve() not in taken:
        return destination
    stem, _, suffixes = destination.name.partition(".")
    number = 2
    while True:
        candidate = destination.with_name(f"{stem}-{number}.{suffixes}" if suffixes else f"{stem}-{number}")
        if candidate.resolve() not in taken:
            return candidate
        number += 1


def write_report(report: Report, output_format: str, output: Path | None, several: bool = False, redline: bool = False, taken: set[Path] | None = None) -> Path | None:
    """Write the rendered report; return where, or None when it went to stdout.

    `taken` holds the files this run has written already: two inputs with one name
    (a/contract.pdf, b/contract.pdf into one folder) get suffixed names, never one file."""
    content = render(report, output_format, redline)
    to_stdout = output is not None and str(output) == "-"  # `-o -`, the usual spelling of stdout
    if (output is None and output_format in ("json", "md", "sarif") and not several) or (to_stdout and not several):
        if isinstance(content, bytes):
            sys.stdout.buffer.write(content)
        else:
            sys.stdout.write(content)
        return None
    if to_stdout:
        output = None  # several inputs cannot share stdout: each memo goes beside its file
    if output is None:
        destination = default_path(report, output_format)
    elif several or output.is_dir():
        output.mkdir(parents=True, exist_ok=True)
        destination = output / default_path(report, output_format).name
    else:
        destination = output
    if taken is not None:
        destination = unused_name(destination, taken)
        taken.add(destination.resolve())
    destination.parent.mkdir(parents=True, exist_ok=True)
    temporary = destination.with_name(destination.name + ".part")
    if isinstance(content, bytes):
        temporary.write_bytes(content)
    else:
        temporary.write_text(content, encoding="utf-8")
    temporary.replace(destination)
    return destination
