"""Reports built from small contracts written in the tests, checked by the real engine."""

from __future__ import annotations

from functools import lru_cache

from conftest import document_from_text

ENGLISH_CONTRACT = """SERVICES AGREEMENT

This Services Agreement is made between Acme Corporation ("Company") and Beta LLC ("Supplier").

1. Purpose
The purpose of this Agreement is to evaluate the Supplier's software for the Company.

2. Term and termination
2.1 This Agreement starts on the date of signature and continues for one year.
2.2 Company may terminate this Agreement at any time for any reason.

3. Exclusivity
Supplier shall grant Company exclusive rights to the software in Japan.

4. Payment
Company shall pay each invoice within 90 days of receipt.

5. Governing law
This Agreement is governed by the laws of Japan.
"""

JAPANESE_CONTRACT = """共同研究開発契約書

株式会社アルファ（以下「甲」という。）と株式会社ベータ（以下「乙」という。）は、次のとおり契約を締結する。

第1条（目的）
甲および乙は、新素材の共同研究開発（以下「本研究」という。）を行うことを目的として、本契約を締結する。

第2条（独占）
乙は、甲に対し、本研究の成果について独占的な権利を付与する。

第3条（解除）
甲は、いつでも、何らの理由なく本契約を解除することができる。

第4条（支払）
甲は、乙の請求書受領後120日以内に支払う。

第5条（準拠法）
本契約は日本法に準拠する。
"""


def report_from_text(text: str, party: str | None = None, memo_language: str | None = None, language: str | None = None, suffix: str = ".txt"):
    from clausecheck.engine.runner import CheckOptions
    from clausecheck.pipeline import engine_for

    document = document_from_text(text, language, suffix=suffix)
    return engine_for(()).check(document, CheckOptions(party=party, memo_language=memo_language))


@lru_cache(maxsize=None)
def english_report(party: str | None = "Supplier", memo_language: str | None = None):
    return report_from_text(ENGLISH_CONTRACT, party=party, memo_language=memo_language)


@lru_cache(maxsize=None)
def japanese_report(party: str | None = "乙", memo_language: str | None = None):
    return report_from_text(JAPANESE_CONTRACT, party=party, memo_language=memo_language)
