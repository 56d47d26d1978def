"""clausecheck: offline pre-screening of Japanese and English partner contracts."""

__version__ = "0.1.0"
