"""One exception tree with coded messages: E1xx input, E2xx rules, E3xx runtime.

Every error a user can meet carries a stable code so that batch results, scripts and
support questions can refer to it. Warnings use the same codes with a W prefix.
"""

from __future__ import annotations


class ClausecheckError(Exception):
    """Base of every error clausecheck raises on purpose."""

    code = "E300"

    def __init__(self, message: str, *, code: str | None = None, path: str | None = None):
        super().__init__(message)
        if code:
            self.code = code
        self.message = message
        self.path = path

    def __str__(self) -> str:
        where = f"{self.path}: " if self.path else ""
        return f"[{self.code}] {where}{self.message}"

    def as_dict(self) -> dict:
        return {"code": self.code, "message": self.message}


class InputError(ClausecheckError):
    """The file could not be read as a contract."""

    code = "E100"


class RuleError(ClausecheckError):
    """A rule file or rule pack is invalid. `problems` holds every problem found."""

    code = "E200"

    def __init__(self, message: str, *, problems: list["RuleProblem"] | None = None, **kw):
        super().__init__(message, **kw)
        self.problems = problems or []

    def __str__(self) -> str:
        if not self.problems:
            return super().__str__()
        return "\n".join(str(p) for p in self.problems)


class RuntimeCheckError(ClausecheckError):
    """Something went wrong while checking a readable document."""

    code = "E300"


class RuleProblem:
    """One problem in a rule file, reported as `file:line: [code] message`."""

    def __init__(self, path: str, line: int, code: str, message: str):
        self.path, self.line, self.code, self.message = path, line, code, message

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: [{self.code}] {self.message}"

    def __repr__(self) -> str:
        return f"RuleProblem({self})"


# The codes, in one table so that docs and tests can list them.
CODES = {
    "E100": "input could not be read",
    "E101": "file not found or not readable",
    "E102": "empty file",
    "E103": "unsupported or unrecognised file type",
    "E104": "file content does not match its extension",
    "E105": "corrupt or truncated file",
    "E106": "encrypted file: a password is needed",
    "E107": "wrong password",
    "E108": "no text layer (scanned document): install the OCR extra or run OCR first",
    "E109": "file too large for the configured limit",
    "E110": "unsafe file refused (archive bomb, XML entity expansion or external entity)",
    "E111": "text could not be decoded",
    "E112": "timed out while reading",
    "E113": "--party names no party of this contract (the error lists the parties it has)",
    "E200": "rule pack invalid",
    "E201": "YAML syntax error",
    "E202": "unknown key",
    "E203": "missing or invalid value",
    "E204": "rule id does not match file name",
    "E205": "duplicate rule id",
    "E206": "invalid regular expression",
    "E207": "invalid token pattern",
    "E208": "unknown topic or contract type",
    "E209": "fixture problem",
    "E210": "regular expression timed out",
    "E211": "unknown shared pattern list",
    "E212": "malformed lexicon entry (rules/lexicon/)",
    "E213": "a `when:` names a statement feature value the lexicon does not have",
    "E214": "invalid suggestion (unknown rule id, language or placeholder)",
    "E220": "rule pack over a size limit (file size, alias expansion, nesting or number of patterns)",
    "E300": "internal error while checking",
    "E301": "worker died or timed out",
    "E302": "output could not be written",
    "E303": "serve: access refused (the start-up token is missing or wrong)",
    "E304": "serve: request refused (not from the page itself: another host, origin or site)",
    "E305": "the Dask cluster could not be used (not installed, unreachable or lost)",
    "W101": "tracked changes present: text read as if all changes were accepted (or as before them: --changes original)",
    "W102": "garbled or missing glyphs on some pages",
    "W103": "some pages have no text layer",
    "W104": "file type differs from its extension",
    "W105": "invisible or direction-changing characters removed before matching",
    "W106": "legacy encoding detected",
    "W107": "comments in the document were ignored",
    "W108": "the document looks unfinished (placeholders or title-only clauses): the review is of a draft",
    "W121": "hidden PDF text (invisible, white or off the page) read but never taken as the only evidence",
    "W122": "some PDF pages read with pdfplumber (glyphs the fast reader could not map)",
    "W123": "some PDF pages laid out in two columns, read column by column",
    "W124": "a PDF page read by OCR, with its mean confidence",
    "W131": "look-alike letters from other scripts or spaces inside Japanese words read through when matching",
    "W132": "hidden text (hidden, white or tiny) read but never used as the only evidence",
    "W133": "parts linked outside the file (styles, comments) were not fetched",
    "W134": "embedded documents (altChunk) were not read: topics cannot be called absent",
    "W201": "--party matches no party of the contract: the review stays neutral",
    "W210": "a rule's regular expression timed out and was skipped",
    "W211": "a sentence too long to read whole: its statement features come from its first 5,000 characters",
    "W301": "the batch's result store was damaged: moved aside and rebuilt",
}
