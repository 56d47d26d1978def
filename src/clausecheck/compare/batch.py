"""`batch --template`: every contract of a folder compared with one template, a "deviations" count per contract.

The template is read and checked once per worker process (cached by path and content hash),
and its hash is part of the batch's options, so results stored for another template (or an
edited one) are not reused.
"""

from __future__ import annotations

from dataclasses import replace
from functools import lru_cache
from pathlib import Path

from clausecheck.compare import compare_reports
from clausecheck.model import Report
from clausecheck.parsers import file_sha256


def template_fingerprint(template: str | None) -> str | None:
    """`path@sha256` of the template, or None without one."""
    if not template:
        return None
    return f"{template}@{file_sha256(Path(template))}"


@lru_cache(maxsize=2)
def _template_report(fingerprint: str, settings) -> Report:
    from clausecheck.pipeline import check_file

    return check_file(fingerprint.rsplit("@", 1)[0], settings)


def compare_with_template(report: Report, settings) -> Report:
    """The report with its comparison against `settings.template` (checked without a perspective)."""
    template_settings = replace(settings, template=None, check=replace(settings.check, party=None))
    return compare_reports(report, _template_report(template_fingerprint(settings.template), template_settings))


def deviations(line: dict) -> int | str:
    """The deviations count of one results line, or "" when it was not compared."""
    comparison = line.get("comparison")
    return comparison["summary"]["deviations"] if comparison else ""
