"""Parties and their aliases, definitions, title and effective date.

Parties come from the preamble (`between X ("Company") and Y ("Partner")`,
`X（以下「甲」という。）とY（以下「乙」という。）`) and, failing that, from signature blocks.
Definitions come from `"Term" means …` and `「本件成果物」とは…`, and from inline
`（以下「…」という。）` / `(the "…")` definitions.
"""

from __future__ import annotations

import re

from clausecheck.model import Clause, Definition, Party

JA_PARTY_LETTERS = ("甲", "乙", "丙", "丁", "戊")
JA_ROLE_WORDS = ("委託者", "受託者", "開示者", "受領者", "ライセンサー", "ライセンシー", "発注者", "受注者", "売主", "買主", "貸主", "借主", "委任者", "受任者")
EN_ROLE_WORDS = {
    "company", "licensor", "licensee", "partner", "supplier", "customer", "distributor", "consultant",
    "contractor", "client", "developer", "provider", "recipient", "discloser", "buyer", "seller", "vendor",
    "manufacturer", "purchaser", "reseller", "agent", "sponsor", "institution", "university", "collaborator",
    "service provider", "disclosing party", "receiving party", "owner", "franchisee", "franchisor", "affiliate",
    "investor", "employer", "contractor", "manager", "operator", "publisher", "producer", "host", "member",
}
NOT_PARTY_TERMS = {
    "agreement", "effective date", "party", "parties", "this agreement", "contract", "territory", "products",
    "product", "services", "term", "commencement date", "closing", "closing date", "confidential information",
}
_ORG_MARKERS = re.compile(
    r"(Inc\b|Inc\.|LLC|L\.L\.C\.|Ltd|Limited|Corporation|Corp\b|Corp\.|Company|Co\.|GmbH|AG\b|S\.A\.|N\.V\.|B\.V\.|plc|PLC|"
    r"LP\b|L\.P\.|LLP|University|Trust|Foundation|Bank|Holdings|Group|Partners|株式会社|有限会社|合同会社|合名会社|合資会社|"
    r"一般社団法人|公益社団法人|一般財団法人|公益財団法人|国立大学法人|学校法人|独立行政法人|組合|大学|㈱|\(株\)|（株）|社$)"
)

# X（以下「甲」という。） — name before the parenthesis; the alias inside the quotes.
_RE_JA_INLINE_DEF = re.compile(r"([^\s、。，,「」（）()]{1,60}?)\s*[（(]以下[、,]?\s*[「『]([^」』]{1,30})[」』]\s*(?:と)?(?:いう|称する|総称する)[。．]?[）)]")
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
_RE_JA_DATE = re.compile(r"((?:令和|平成|昭和|西暦)?\s*[0-9０-９元〇一二三四五六七八九十●○]{1,4}\s*年\s*[0-9０-９〇一二三四五六七八九十●○]{1,3}\s*月\s*[0-9０-９〇一二三四五六七八九十●○]{1,3}\s*日)")


def find_title(blocks, language: str) -> str | None:
    """The contract's title: an early short line that names an agreement."""
    candidates = [b.text.strip() for b in blocks[:12] if b.text.strip()]
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


def find_parties(preamble: str, full_text: str, language: str) -> tuple[Party, ...]:
    """Parties with their names and aliases, in the order the preamble names them."""
    found: list[tuple[str, str]] = []  # (name, alias)
    head = preamble or full_text[:4000]

    for m in _RE_JA_INLINE_DEF.finditer(head):
        name, alias = _clean_name(m.group(1)), m.group(2).strip()
        if alias in JA_PARTY_LETTERS or alias.endswith(JA_ROLE_WORDS) or (_ORG_MARKERS.search(name) and not alias.startswith("本")):
            found.append((name, alias))
    if not found:
        for m in _RE_EN_INLINE_DEF.finditer(head):
            alias = m.group(1).strip().strip(",")
            before = head[max(0, m.start() - 400): m.start()]
            name = _name_before(before)
            lower = alias.lower()
            if lower in NOT_PARTY_TERMS or lower.endswith(" date"):
                continue
            if lower in EN_ROLE_WORDS or (name and _ORG_MARKERS.search(name)) or (name and alias.lower() in name.lower()):
                found.append((name or alias, alias))
    if not found and language == "ja":
        for letter in JA_PARTY_LETTERS[:2]:
            if re.search(rf"{letter}[はがのにを及と]", full_text):
                found.append(("", letter))

    parties: list[Party] = []
    seen_aliases: set[str] = set()
    for name, alias in found:
        if alias in seen_aliases:
            continue
        seen_aliases.add(alias)
        # Two aliases for one name (e.g. "Acme" and "Licensee") belong to one party.
        existing = next((p for p in parties if name and name in p.names), None)
        if existing is not None:
            index = parties.index(existing)
            parties[index] = Party(existing.id, existing.names, existing.aliases + (alias,), existing.role)
            continue
        party_id = chr(ord("A") + len(parties))
        names = (name,) if name and name != alias else ()
        parties.append(Party(party_id, names, (alias,), _role_of(alias)))
        if len(parties) >= 6:
            break
    return tuple(parties)


def _role_of(alias: str) -> str | None:
    lower = alias.lower()
    if lower in EN_ROLE_WORDS or alias in JA_ROLE_WORDS:
        return lower
    return None


def _name_before(text: str) -> str:
    """The organisation name just before a `("Alias")`: the last capitalised run."""
    text = text.rstrip(" ,")
    # Cut at the previous definition or sentence join.
    for sep in (" and between ", " between ", " and ", " by ", ";", "(", "\n", ") and", '" and'):
        pos = text.rfind(sep)
        if pos != -1 and len(text) - pos < 300:
            text = text[pos + len(sep):]
            break
    m = re.match(r"\s*([A-Z0-9][\w&.,'’\- ]{1,100}?)(?:,\s+(?:a|an)\s|\s+\(|,\s*with|,\s*having|$)", text)
    if m:
        return m.group(1).strip(" ,")
    return text.strip()[:80]


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
