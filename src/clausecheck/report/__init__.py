"""Outputs: the HTML review memo, JSON (DESIGN.md §6), Markdown, SARIF 2.1.0, and DOCX with comments.

Renderers read a Report; they know nothing of regexes or parsers.
"""

from __future__ import annotations

FORMATS = ("html", "json", "md", "docx", "sarif")
SUFFIXES = {"html": ".html", "json": ".json", "md": ".md", "docx": ".docx", "sarif": ".sarif"}
