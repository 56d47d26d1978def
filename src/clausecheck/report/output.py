"""Write a Report in the chosen format to a file, a folder or stdout."""

from __future__ import annotations

import hashlib
import os
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


NAME_MAX_BYTES = 255  # the longest file name most file systems accept


def default_path(report: Report, output_format: str) -> Path:
    source = Path(report.document.source.path)
    suffix = ".reviewed.docx" if output_format == "docx" else f".memo{SUFFIXES[output_format]}"
    return source.with_name(_fitting_stem(source.stem, suffix) + suffix)


def _fitting_stem(stem: str, suffix: str) -> str:
    """`stem` cut (with a digest of the whole, so names stay distinct) where stem + suffix would be too long."""
    raw, tail = os.fsencode(stem), os.fsencode(suffix)
    if len(raw) + len(tail) <= NAME_MAX_BYTES:
        return stem
    digest = hashlib.sha256(raw).hexdigest()[:8]
    text = os.fsdecode(raw[: NAME_MAX_BYTES - len(tail) - len(digest) - 1])
    while text and not stem.startswith(text):  # the cut fell inside a multi-byte character
        text = text[:-1]
    return f"{text}-{digest}"


def _displayable(content: str) -> str:
    """Text with the undecodable bytes of a file name (surrogates) shown as U+FFFD."""
    try:
        content.encode("utf-8")
        return content
    except UnicodeEncodeError:
        return content.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


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
    if isinstance(content, str):
        content = _displayable(content)
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
    # A short temporary name: the destination's own name may already be near the limit.
    temporary = destination.with_name(f".{hashlib.sha256(os.fsencode(destination.name)).hexdigest()[:16]}.part")
    try:
        temporary.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
        temporary.replace(destination)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return destination
