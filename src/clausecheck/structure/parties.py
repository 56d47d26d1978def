"""Parties and their aliases, definitions, title and effective date.

Parties come from the preamble (`between X ("Company") and Y ("Partner")`,
`X（以下「甲」という。）とY（以下「乙」という。）`) and, failing that, from signature blocks.
Definitions come from `"Term" means …` and `「本件成果物」とは…`, and from inline
`（以下「…」という。）` / `(the "…")` definitions.
"""

from __future__ import annotations

import re

from clausecheck.model import Clause, Definition, Party
from clausecheck import vocabulary

# The words that name parties and roles live in rules/parties.yaml.
JA_PARTY_LETTERS = vocabulary.PARTY_LETTERS
JA_ROLE_WORDS = vocabulary.ROLE_WORDS["ja"]
# A party left blank in a template: 【＿＿＿】, ●●, ○○株式会社 is a name; 【＿＿】 alone is not.
_RE_BLANK_NAME = re.compile(r"^[【】\[\]＿_●○◯　 ・（）()]*$")
EN_ROLE_WORDS = set(vocabulary.ROLE_WORDS["en"])
NOT_PARTY_TERMS = set(vocabulary.NOT_PARTY_TERMS)
_ORG_MARKERS = re.compile(
    r"(Inc\b|Inc\.|LLC|L\.L\.C\.|Ltd|Limited|Corporation|Corp\b|Corp\.|Company|Co\.|GmbH|AG\b|S\.A\.|N\.V\.|B\.V\.|plc|PLC|"
    r"LP\b|L\.P\.|LLP|University|Trust|Foundation|Bank|Holdings|Group|Partners|株式会社|有限会社|合同会社|合名会社|合資会社|"
    r"一般社団法人|公益社団法人|一般財団法人|公益財団法人|国立大学法人|学校法人|独立行政法人|組合|大学|㈱|\(株\)|（株）|社$)"
)

# X（以下「甲」という。） — name before the parenthesis; the alias inside the quotes.
_RE_JA_INLINE_DEF = re.compile(r"([^\s、。，,「」（）()]{1,60}?)\s*[（(]以下[、,]?\s*[「『]([^」』]{1,30})[」』]\s*(?:と)?(?:いう|いいます|称する|称します|総称する|総称します|呼ぶ|呼びます)[。．]?[）)]")
_RE_EN_INLINE_DEF = re.compile(
    r"\(\s*(?:hereinafter(?:\s+(?:referred\s+to\s+as|called))?|herein|the|each\s+a|collectively(?:,)?\s+the|together\s+with\s+[^()]*?,?\s*the)?\s*[,:]?\s*(?:the\s+)?[\"“”']{1,2}([^\"“”()]{1,60}?)[\"“”']{1,2}\s*\)"
)
_RE_EN_MEANS = re.compile(r"[\"“]([^\"”]{1,80})[\"”]\s*(?:shall\s+)?(?:means?|shall\s+have\s+the\s+meaning|has\s+the\s+meaning|refers?\s+to|includes)\b")
_RE_JA_MEANS = re.compile(r"[「『]([^」』]{1,40})[」』]\s*(?:と|は)?\s*(?:は|とは)[、,]?")
_RE_JA_TERM_LINE = re.compile(r"^[\d０-９①-⑳()（）\s　]*([^\s　、。]{2,30})$")

_RE_TITLE_WORDS = re.compile(
    r"(AGREEMENT|Agreement|CONTRACT|Contract|Terms|TERMS|Memorandum|MEMORANDUM|契約書|契約|覚書|合意書|約款|規約|Addendum|ADDENDUM|Amendment|AMENDMENT)"
)
_RE_EN_DATE = re.compile(
    r"(?:effective|dated|made|entered into)\s+(?:as\s+of\s+|on\s+)?(?:this\s+)?"
    r"((?:\d{1,2}(?:st|nd|rd|th)?\s+(?:day\s+of\s+)?)?(?:January|February|March|April|May|June|July|August|September|October|November|December)\s*,?\s*(?:\d{1,2}(?:st|nd|rd|th)?,?\s*)?\d{4}"
    r"|\d{4}-\d{2}-\d{2}|\d{1,2}/\d{1,2}/\d{4})",
    re.IGNORECASE,
)
_RE_JA_DATE = re.compile(r"((?:令和|平成|昭和|西暦)?(?<!\s)\s*+[0-9０-９元〇一二三四五六七八九十●○]{1,4}\s*+年\s*[0-9０-９〇一二三四五六七八九十●○]{1,3}\s*+月\s*[0-9０-９〇一二三四五六七八九十●○]{1,3}\s*+日)")


# A line that ends by naming the document: 秘密保持契約書（新素材）, Bonterms Cloud Terms (Version 1.0).
_RE_TITLE_END = re.compile(
    r"(契約書|契約|覚書|合意書|規約|約款|AGREEMENT|Agreement|CONTRACT|Contract|TERMS|Terms|NDA|MEMORANDUM|Memorandum)"
    r"\s*(?:[（(][^（）()]{0,30}[）)])?$"
)


def find_title(blocks, language: str) -> str | None:
    """The contract's title: an early short line that names an agreement."""
    candidates = [b.text.strip() for b in blocks[:12] if b.text.strip()]
    for text in candidates:
        if len(text) <= 120 and _RE_TITLE_END.search(text) and not text.lower().startswith(("exhibit", "schedule", "annex")):
            return re.sub(r"^モデル契約書ver[\d.]+\s*", "", text).strip("　 ") or text
    for text in candidates:
        if len(text) <= 120 and _RE_TITLE_WORDS.search(text) and not text.endswith(("。", ".", ",", "、")):
            return re.sub(r"^モデル契約書ver[\d.]+\s*", "", text).strip("　 ") or text
    for text in candidates[:3]:
        if len(text) <= 80 and (text.isupper() or language == "ja"):
            return text
    return None


def find_effective_date(preamble_text: str, full_text: str, language: str) -> str | None:
    m = _RE_EN_DATE.search(preamble_text) or _RE_EN_DATE.search(full_text[:5000])
    if m:
        return m.group(1).strip()
    m = _RE_JA_DATE.search(preamble_text) or _RE_JA_DATE.search(full_text[-3000:])
    if m:
        return m.group(1).replace(" ", "").strip()
    return None


def _clean_name(name: str) -> str:
    name = name.strip(" ,、，\u3000:;\"“”'")
    name = re.sub(r"^(?:and|And|AND|by and between|between|BETWEEN|among|AMONG|by|と|及び|および|並びに)\s+", "", name)
    name = re.sub(r"^(?:と|及び|および)", "", name)
    return name.strip(" ,、，\u3000")


# `("Licensor")`, `(hereinafter referred to as "Distributor")`, `(the "Company")`, `("X" or "Y")`.
_RE_EN_ALIAS = re.compile(
    r"\(\s*(?:(?:hereinafter|hereafter|herein)(?:\s+(?:referred\s+to|called|known|collectively|individually|jointly))*(?:\s+as)?\s*[,:]?\s*)?"
    r"(?:(?:the|a|an|collectively|together|individually|each)[\s,]+)*"
    r"[\"“”']{1,2}([^\"“”()]{1,60}?)[\"“”']{1,2}"
    r"(?:[^()\"“”]{0,20}?[\"“”]([^\"“”()]{1,60}?)[\"“”])?[^()]{0,30}?\)"
)
# `, hereinafter referred to as "Company",` without parentheses.
_RE_EN_ALIAS_BARE = re.compile(r",?(?<!\s)\s*+(?:hereinafter|hereafter)\s++(?:referred\s+to\s+as|called|known\s+as)\s+(?:the\s+)?[\"“]([^\"”]{1,60})[\"”]")
# Where the list of parties starts in an English preamble.
_RE_EN_BETWEEN = re.compile(r"\b(?:by\s+and\s+(?:between|among)|between|among|by)\b[\s:]*", re.IGNORECASE)
# The end of a party's name: its description (", a Delaware corporation"), address or role.
_RE_NAME_END = re.compile(
    r",\s*+(?=[a-z(]|(?:a|an|the)\s|with\s|having\s|whose\s|located\s|organi[sz]ed\s|incorporated\s|acting\s|doing\s|on\s+behalf)"
    r"|(?<!\s)\s++\(|(?<!\s)\s++(?:a|an)\s++(?:[A-Z][a-z]+\s++)?(?:corporation|company|limited|partnership|division|subsidiary)\b"
    r"|,?(?<!\s)\s++(?:having|with\s+(?:its|a)|whose|located|organi[sz]ed|incorporated|acting|on\s+behalf)\b"
    r"|,\s*+\d|(?<!\s)\s++c/o\b"
)
_RE_ORG_NAME = re.compile(
    r"((?:[A-Z0-9][\w&.'’\-/]{0,40}+[ \t]++){0,7}?(?:[A-Z0-9][\w&.'’\-/]{0,40}+,?[ \t]++)?"
    r"(?:Inc\.?|Incorporated|LLC|L\.L\.C\.|Ltd\.?|Limited|Corporation|Corp\.?|Company|Co\.|GmbH|AG|S\.A\.?|N\.V\.|B\.V\.|plc|PLC|L\.P\.|LP|LLP)"
    r"|(?:[A-Z0-9][A-Z0-9&.'’\-/]{0,40}+,?[ \t]++){0,7}?(?:INC\.?|INCORPORATED|LLC|LTD\.?|LIMITED|CORPORATION|CORP\.?|COMPANY|CO\.|PLC|L\.P\.))(?![\w])"
)
_RE_SIGNATURE_ORG = re.compile(r"^[ \t]*([A-Z][^\n:]{2,80}?(?:Inc\.?|INC\.?|LLC|Ltd\.?|LTD\.?|Limited|LIMITED|Corporation|CORPORATION|Corp\.?|CORP\.?|Company|COMPANY|Co\.|PLC|plc|GmbH|AG|S\.A\.|L\.P\.|LLP|N\.V\.|B\.V\.))\s*,?\s*$", re.MULTILINE)
# 甲：株式会社X / 受領者（Receiving Party）: 名称 — a role letter or word opening a line.
_RE_JA_ROLE_LINE = re.compile(r"^\s*(" + "|".join(JA_PARTY_LETTERS + JA_ROLE_WORDS) + r")\s*(?:[（(][^）)\n]{1,40}[）)])?\s*[:：　]\s*([^\n]{0,60})", re.MULTILINE)


def _is_party_alias(alias: str, name: str) -> bool:
    lower = alias.lower().strip()
    if not lower or lower in NOT_PARTY_TERMS or lower.endswith((" date", " agreement", " information")):
        return False
    if lower in EN_ROLE_WORDS or (name and _ORG_MARKERS.search(name)):
        return True
    # "Acme" for "Acme Widgets, Inc.": the alias is a word of the name (or its initials).
    if name and (lower in name.lower() or lower.replace(".", "") == "".join(w[0] for w in name.split() if w[:1].isupper()).lower()):
        return True
    return bool(name) and name[:1].isupper() and len(name.split()) <= 6 and alias[:1].isupper()


def _en_parties(head: str) -> list[tuple[str, str]]:
    """(name, alias) pairs from the sentence that lists the parties.

    The first "between" may sit on a cover page ("by and between X and Y  Dated: …") or in
    a recital; each candidate sentence is tried and the first naming two parties wins.
    """
    best: list[tuple[str, str]] = []
    starts = [m.end() for m in _RE_EN_BETWEEN.finditer(head[:12000])][:6] or [0]
    for start in starts:
        found = _en_parties_from(head, start)
        if len({n for n, _ in found}) >= 2:
            return found
        if len(found) > len(best):
            best = found
    return best


def _en_parties_from(head: str, start: int) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    end = len(head)
    stop = re.compile(r"(?:\n\s*|\s)(?:WHEREAS|Whereas|RECITALS?\b|Recitals\b|BACKGROUND\b|WITNESSETH|NOW,?\s+THEREFORE|TABLE OF CONTENTS|Dated:|DATED)|\n\s*1\.")
    m = stop.search(head, start)
    if m:
        end = m.start()
    region = head[start:min(end, start + 3000)]
    cursor = 0
    matches = sorted(list(_RE_EN_ALIAS.finditer(region)) + list(_RE_EN_ALIAS_BARE.finditer(region)), key=lambda m: m.start())
    for m in matches:
        if m.start() < cursor:
            continue
        segment = region[cursor:m.start()]
        cursor = m.end()
        aliases = [a.strip().strip(",.") for a in m.groups() if a and a.strip()]
        name = _name_of_segment(segment)
        for alias in aliases:
            if _is_party_alias(alias, name):
                found.append((name or alias, alias))
            elif alias.lower() in ("party", "parties"):
                pass
    if len({n for n, _ in found}) >= 2:
        return found
    # No aliases: organisation names in the party sentence ("between X Inc. and Y LLC").
    names = [n for n, _ in found]
    for m in _RE_ORG_NAME.finditer(region[:1500]):
        name = _tidy_name(m.group(1))
        if name and not any(_same_name(name, n) for n in names):
            found.append((name, ""))
            names.append(name)
    return found


def _name_of_segment(segment: str) -> str:
    """The party name in the text before its alias: drop joining words and the description."""
    segment = re.sub(r"^[\s,;:]*(?:and|or|&)?\s*(?:\([a-z0-9]{1,3}\)\s*)?", "", segment.strip(), flags=re.IGNORECASE)
    segment = re.sub(r"^(?:by\s+and\s+)?(?:between|among)\s+", "", segment, flags=re.IGNORECASE)
    segment = segment.strip(" ,;:\n")
    # ", an Arkansas corporation, and Beta Co." — the previous party's description comes first.
    described = re.match(r"^(?:a|an|the|with|having|whose|located|organi[sz]ed|incorporated)\b.*?(?:,\s*|\s)and\s+(?=[A-Z0-9])", segment, flags=re.DOTALL)
    if described:
        segment = segment[described.end():]
    m = _RE_NAME_END.search(segment)
    name = segment[: m.start()] if m else segment
    return _tidy_name(name)


def _tidy_name(name: str) -> str:
    """One line, single spaces, no label before it ("Party A:", "the following parties:")."""
    name = " ".join(name.split())
    name = re.sub(r"^.{0,40}?:\s+", "", name) if ":" in name[:42] else name
    name = re.sub(r"^[\d.,;)\s]+", "", name)
    name = _clean_name(name)
    if len(name) > 90 or not (name[:1].isupper() or name[:1].isdigit()):
        return ""
    if re.fullmatch(r"(?i)(?:the\s+)?(?:inc|ltd|llc|corp|co|company|corporation|limited|plc)\.?", name):
        return ""
    return name


def _same_name(a: str, b: str) -> bool:
    """`BISYS  Group, Inc.` and `BISYS Group, Inc.`, or `Acme` within `Acme Corp.`, name one party."""
    a, b = re.sub(r"\W+", " ", a.lower()).strip(), re.sub(r"\W+", " ", b.lower()).strip()
    return bool(a and b) and (a in b or b in a)


def _signature_parties(tail: str) -> list[tuple[str, str]]:
    """Organisation names standing alone above `By:` lines in a signature block."""
    found: list[tuple[str, str]] = []
    for m in _RE_SIGNATURE_ORG.finditer(tail):
        name = _tidy_name(m.group(1))
        after = tail[m.end(): m.end() + 200]
        if name and re.search(r"(?i)\bby\s*:|name\s*:|signature|/s/", after) and not any(_same_name(name, n) for n, _ in found):
            found.append((name, ""))
    return found


def find_parties(preamble: str, full_text: str, language: str, signature: str = "") -> tuple[Party, ...]:
    """Parties with their names and aliases, in the order the preamble names them."""
    found: list[tuple[str, str]] = []  # (name, alias)
    head = preamble or full_text[:4000]

    for m in _RE_JA_INLINE_DEF.finditer(head):
        name, alias = _clean_name(m.group(1)), m.group(2).strip()
        name = "" if _RE_BLANK_NAME.match(name) else name
        if alias in JA_PARTY_LETTERS or alias.endswith(JA_ROLE_WORDS) or (_ORG_MARKERS.search(name) and not alias.startswith("本")):
            found.append((name, alias))
    if len(found) < 2 and language == "ja":
        for m in _RE_JA_ROLE_LINE.finditer(head):
            alias, value = m.group(1), m.group(2).strip()
            name = re.sub(r"^(?:名称|商号|氏名)\s*[:：]\s*", "", value).strip(" _＿")
            if alias not in (a for _, a in found):
                found.append((name if name and not set(name) <= set("_＿ ") else "", alias))
    if not found:
        found = _en_parties(head)
    if len(found) < 2 and signature:
        extra = _signature_parties(signature)
        known = [n for n, _ in found]
        found += [(n, a) for n, a in extra if not any(_same_name(n, k) for k in known if k)]
    if not found and language == "ja":
        for letter in JA_PARTY_LETTERS[:2]:
            if re.search(rf"{letter}[はがのにを及と]", full_text):
                found.append(("", letter))
    if not found and language != "ja":
        found = _role_subject_parties(full_text)

    parties: list[Party] = []
    seen_aliases: set[str] = set()
    for name, alias in found:
        if alias and alias in seen_aliases:
            continue
        seen_aliases.add(alias)
        # Two aliases for one name (e.g. "Acme" and "Licensee") belong to one party.
        existing = next((p for p in parties if name and name in p.names), None)
        if existing is not None:
            if alias:
                index = parties.index(existing)
                parties[index] = Party(existing.id, existing.names, existing.aliases + (alias,), existing.role or _role_of(alias))
            continue
        party_id = chr(ord("A") + len(parties))
        names = (name,) if name and name != alias else ()
        parties.append(Party(party_id, names, (alias,) if alias else (), _role_of(alias) if alias else None))
        if len(parties) >= 6:
            break
    return tuple(parties)


# Role words used as subjects throughout on a cover-page contract (rules/parties.yaml `cover_page_roles`).
_COVER_PAGE_ROLES = vocabulary.COVER_PAGE_ROLES
_RE_ROLE_SUBJECT = re.compile(
    r"(?<![\w-])(" + "|".join(word.capitalize() for word in _COVER_PAGE_ROLES) + r")(?:['’]s\s+\w+)?\s+(?:will|shall|must|may|agrees|represents|warrants)\b"
)
_MIN_ROLE_SUBJECTS = 3


def _role_subject_parties(text: str) -> list[tuple[str, str]]:
    """The two role words most used as subjects, when the text names no party otherwise.

    Standard terms (Bonterms, Common Paper) name the parties on a cover page the text does
    not include and speak of "Provider" and "Customer" throughout. Without parties, a
    mutual clause cannot be told from a one-sided one, so each such role, if it is the
    subject of at least three sentences, stands for one party.
    """
    counts: dict[str, int] = {}
    for m in _RE_ROLE_SUBJECT.finditer(text):
        counts[m.group(1)] = counts.get(m.group(1), 0) + 1
    ranked = sorted((role for role, n in counts.items() if n >= _MIN_ROLE_SUBJECTS), key=lambda role: (-counts[role], text.find(role)))[:2]
    if len(ranked) < 2:
        return []
    return [("", role) for role in sorted(ranked, key=text.find)]


def _role_of(alias: str) -> str | None:
    lower = alias.lower()
    if lower in EN_ROLE_WORDS or alias in JA_ROLE_WORDS:
        return lower
    return None


def find_definitions(text: str, clauses: tuple[Clause, ...], language: str) -> tuple[Definition, ...]:
    definitions: list[Definition] = []
    seen: set[str] = set()

    def clause_number(offset: int) -> str | None:
        for clause in clauses:
            if clause.start <= offset < clause.end:
                deepest = clause
                for sub in clause.walk():
                    if sub.start <= offset < sub.end:
                        deepest = sub
                return deepest.number
        return None

    patterns = [_RE_EN_MEANS, _RE_JA_MEANS, _RE_EN_INLINE_DEF, re.compile(r"[（(]以下[、,]?\s*[「『]([^」』]{1,30})[」』]")]
    for pattern in patterns:
        for m in pattern.finditer(text):
            term = m.group(1).strip()
            if not term or term in seen or term in JA_PARTY_LETTERS:
                continue
            seen.add(term)
            end = text.find("\n", m.end())
            end = len(text) if end == -1 else min(end, m.end() + 400)
            definitions.append(Definition(term, text[m.start():end].strip(), m.start(), end, clause_number(m.start())))
    return tuple(sorted(definitions, key=lambda d: d.start))
