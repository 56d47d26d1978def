"""Parties with names and aliases, definitions, title and effective date."""

from __future__ import annotations

import pytest
from conftest import document_from_text


def _parties(document):
    return [(p.id, p.names, p.aliases) for p in document.parties]


@pytest.mark.parametrize(
    "preamble, expected",
    [
        (
            'This Agreement is made between Acme Widgets, Inc., a Delaware corporation ("Licensor"), and Beta Labs LLC ("Licensee") (each a "Party" and together the "Parties").',
            [("A", ("Acme Widgets, Inc.",), ("Licensor",)), ("B", ("Beta Labs LLC",), ("Licensee",))],
        ),
        (
            'THIS AGREEMENT ("Agreement"), entered into on May 20, 1992, is between Arkansas Western Pipeline Company ("Transporter"), an Arkansas corporation, and Associated Natural Gas Company, a division of Arkansas Western Gas Company, ("Shipper");',
            [("A", ("Arkansas Western Pipeline Company",), ("Transporter",)), ("B", ("Associated Natural Gas Company",), ("Shipper",))],
        ),
        (
            'This Distributor Agreement is made by and between Gamma Networks Incorporated, a company incorporated under the laws of Washington (hereinafter "Gamma") and Delta Trading Ltd. (hereinafter referred to as "Distributor").',
            [("A", ("Gamma Networks Incorporated",), ("Gamma",)), ("B", ("Delta Trading Ltd.",), ("Distributor",))],
        ),
        (
            "This Supply Agreement is entered into by and between Omega Foods Corp. and Sigma Retail LLC on March 1, 2020.",
            [("A", ("Omega Foods Corp.",), ()), ("B", ("Sigma Retail LLC",), ())],
        ),
    ],
)
def test_english_preamble_parties(preamble, expected):
    document = document_from_text("SUPPLY AGREEMENT\n" + preamble + "\n1. Definitions\n1.1 Terms have meanings.")
    assert _parties(document) == expected


def test_parties_from_the_signature_block_when_the_preamble_names_none():
    text = """CONSULTING AGREEMENT
The parties agree as follows.
1. Services. The consultant provides advice.
2. Fees. Fees are paid monthly.
IN WITNESS WHEREOF, the parties have executed this Agreement.
NORTHWIND TRADERS, INC.
By: ____________
Name:
Title:
Contoso Consulting LLC
By: ____________
Name:
"""
    document = document_from_text(text)
    assert [p.names for p in document.parties] == [("NORTHWIND TRADERS, INC.",), ("Contoso Consulting LLC",)]


_COVER_PAGE_TERMS = """CLOUD SERVICE TERMS
These terms apply to the Order Form signed by the parties named on the Cover Page.
1. Service. Provider will make the Cloud Service available to Customer during the Subscription Term.
2. Fees. Customer will pay the Fees within 30 days of invoice. Customer may dispute an invoice in good faith.
3. Support. Provider will provide support as described in the Documentation.
4. Security. Provider will maintain the safeguards described in the Security Policy.
5. Customer Data. Customer will obtain all rights needed to provide Customer Data.
"""


def test_roles_used_as_subjects_stand_for_the_parties_of_cover_page_terms():
    document = document_from_text(_COVER_PAGE_TERMS)
    assert _parties(document) == [("A", (), ("Provider",)), ("B", (), ("Customer",))]
    assert [p.role for p in document.parties] == ["provider", "customer"]


@pytest.mark.parametrize(
    "text",
    [
        # A mutual NDA's roles stand for either party.
        "MUTUAL NDA\n1. Recipient will protect Confidential Information.\n2. Recipient will not disclose it.\n3. Recipient will return it.\n4. Discloser will mark it.\n5. Discloser will identify it.\n6. Discloser will keep a copy.\n",
        # One role alone is not two parties.
        "SERVICE TERMS\n1. Provider will host the service.\n2. Provider will back it up.\n3. Provider will support it.\n4. Customer will pay.\n",
        # Role words that are named parties' aliases are found from the preamble instead.
        'SUPPLY AGREEMENT\nThis Agreement is made between Omega Foods Corp. ("Supplier") and Sigma Retail LLC ("Customer").\n1. Supplier will deliver.\n2. Supplier will invoice.\n3. Supplier will insure.\n4. Customer will pay.\n5. Customer will inspect.\n6. Customer will store.\n',
    ],
)
def test_role_subjects_do_not_invent_parties(text):
    document = document_from_text(text)
    assert all(p.names for p in document.parties), _parties(document)


def test_japanese_preamble_parties_and_roles():
    text = "業務委託契約書\n株式会社アルファ（以下「委託者」という。）と株式会社ベータ（以下「受託者」という。）は、次のとおり契約を締結する。\n第1条　目的\n本契約は業務の委託について定める。"
    document = document_from_text(text)
    assert _parties(document) == [("A", ("株式会社アルファ",), ("委託者",)), ("B", ("株式会社ベータ",), ("受託者",))]
    assert document.parties[0].role == "委託者"


def test_japanese_party_letters():
    text = "共同研究開発契約書\nX社（以下「甲」という。）とY社（以下「乙」という。）は、次のとおり契約を締結する。\n第1条（目的）\n甲及び乙は共同して研究を行う。"
    document = document_from_text(text)
    assert _parties(document) == [("A", ("X社",), ("甲",)), ("B", ("Y社",), ("乙",))]


def test_japanese_role_lines_name_parties_without_inline_definitions():
    text = "# 秘密保持契約書\n\n**開示者（Disclosing Party）:**\n前田太郎（以下「開示者」という）\n\n**受領者（Receiving Party）:**\n名称: ___\n\n## 第1条　目的\n\n1.1 受領者は秘密を保持する。"
    document = document_from_text(text, suffix=".md")
    assert [p.aliases for p in document.parties] == [("開示者",), ("受領者",)]
    assert document.parties[0].names == ("前田太郎",)


def test_definitions_title_and_date():
    text = """MASTER SERVICES AGREEMENT
This Master Services Agreement (the "Agreement") is dated as of March 3, 2022 between Acme Inc. ("Customer") and Beta LLC ("Provider").
1. Definitions
1.1 "Deliverables" means the work product.
1.2 "Fees" shall have the meaning given in Section 4.
2. Services. Provider provides the hosted service (the "Service").
"""
    document = document_from_text(text)
    assert document.title == "MASTER SERVICES AGREEMENT"
    assert document.effective_date == "March 3, 2022"
    terms = {d.term: d.clause for d in document.definitions}
    assert terms["Deliverables"] == "1.1"
    assert terms["Fees"] == "1.2"
    assert terms["Service"] == "2"


def test_japanese_definitions():
    text = "秘密保持契約書\n甲と乙は、次のとおり契約を締結する。\n第1条（定義）\n「秘密情報」とは、開示者が開示する一切の情報をいう。\n２　本契約に基づく検討（以下「本検討」という。）を行う。\n令和6年4月1日"
    document = document_from_text(text)
    terms = {d.term: d.clause for d in document.definitions}
    assert terms["秘密情報"] == "第1条"
    assert terms["本検討"] == "第1条2項"
    assert document.effective_date == "令和6年4月1日"
    assert document.title == "秘密保持契約書"
