"""Contract-type detection: synthetic titles, the Japanese model contracts, standard agreements, CUAD."""

from __future__ import annotations

import csv

import pytest

from clausecheck.engine.contract_type import detect_contract_type
from conftest import corpus_path, document_from_text

# CUAD sorts its contracts into folders by type; these are the ids that fit each folder.
# Where a folder mixes kinds (development work done for a customer or together, supply
# of goods made to order or for resale), more than one id is right.
CUAD_FOLDER_TYPES = {
    "License_Agreements": {"license"},
    "IP": {"license"},
    "Development": {"joint_development", "outsourcing"},
    "Collaboration": {"joint_development", "partnership"},
    "Strategic Alliance": {"partnership"},
    "Joint Venture": {"partnership"},
    # SEC "joint filing agreements" sit in the joint-venture folder but are not ventures.
    "Joint Venture _ Filing": {"partnership", "other"},
    "Co_Branding": {"partnership"},
    "Affiliate_Agreements": {"partnership"},
    "Affiliate Agreement": {"partnership"},
    "Franchise": {"partnership", "license"},
    "Distributor": {"distribution"},
    "Reseller": {"distribution"},
    "Agency Agreements": {"agency", "distribution", "services"},
    "Supply": {"outsourcing", "distribution"},
    "Manufacturing": {"outsourcing"},
    "Outsourcing": {"outsourcing"},
    "Consulting Agreements": {"outsourcing", "services"},
    "Maintenance": {"services", "outsourcing"},
    "Hosting": {"services"},
    "Service": {"services", "outsourcing"},
    "Transportation": {"task_outsourcing", "services"},
    "Sponsorship": {"services"},
    "Endorsement": {"services"},
    "Endorsement Agreement": {"services"},
    "Marketing": {"services", "partnership", "distribution"},
    "Promotion": {"services", "partnership"},
    "Non_Compete_Non_Solicit": {"other"},
}


@pytest.fixture(scope="module")
def profiles(engine):
    return engine.pack.profiles


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("MUTUAL NON-DISCLOSURE AGREEMENT\n1. The Receiving Party shall keep the Disclosing Party's information secret.", "nda"),
        ("秘密保持契約書\n第1条　受領者は、開示者の秘密情報を秘密として保持する。", "nda"),
        ("技術検証（PoC）契約書\n第1条　甲は乙に本検証を委託する。", "poc"),
        ("共同研究開発契約書\n第1条　甲及び乙は本研究を共同で行う。", "joint_development"),
        ("ライセンス契約書\n第1条　甲は乙に本特許の通常実施権を許諾する。", "license"),
        ("業務委託契約書\n第1条　甲は乙に本業務を委託し、乙はこれを受託する。", "outsourcing"),
        ("DISTRIBUTION AGREEMENT\n1. Supplier appoints Distributor as its distributor in the Territory.", "distribution"),
        ("SOFTWARE HOSTING AGREEMENT\n1. Provider shall host the Customer's website.", "services"),
        ("STRATEGIC ALLIANCE AGREEMENT\n1. The parties form an alliance to market the products.", "partnership"),
        ("LICENSE AND DEVELOPMENT AGREEMENT\n1. Licensor grants Licensee a licence.", "license"),
    ],
)
def test_type_from_title_and_body(profiles, text, expected):
    document = document_from_text(text)
    assert detect_contract_type(document, profiles).id == expected


def test_heading_lines_stand_in_for_a_missing_title(profiles):
    text = "EXHIBIT 10.1\n\nCONFIDENTIAL TREATMENT REQUESTED\n\nSPONSORSHIP AGREEMENT\n\nThis Agreement is made by and between A and B."
    assert detect_contract_type(document_from_text(text), profiles).id == "services"


def test_body_mentions_of_confidential_information_do_not_make_an_nda(profiles):
    text = "SUPPLY AGREEMENT\n1. Supplier shall supply the Products.\n2. Each party shall protect the other's Confidential Information. " * 3
    assert detect_contract_type(document_from_text(text), profiles).id == "outsourcing"


def test_no_cue_is_other(profiles):
    ct = detect_contract_type(document_from_text("1. The parties met on Tuesday."), profiles)
    assert (ct.id, ct.confidence) == ("other", 0.0)


def test_profiles_require_what_the_type_needs(profiles):
    assert {"cost_sharing", "roles"}.isdisjoint(profiles["nda"].requires)
    assert "confidentiality" in profiles["nda"].requires
    assert "cost_sharing" in profiles["poc"].requires
    for profile in profiles.values():
        # A CLA runs for ever and a contract of no known type can be asked for nothing.
        assert ("termination" in profile.requires) == (profile.id not in ("contributor_licence", "other"))
        assert set(profile.missing_severity) <= set(profile.requires) | set(profile.requires_when)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("ja/oi_model_v1_1_nda_shinsozai.txt", "nda"),
        ("ja/oi_model_v1_2_poc_shinsozai.txt", "poc"),
        ("ja/oi_model_v1_3_joint_rd_shinsozai.txt", "joint_development"),
        ("ja/oi_model_v1_4_license_shinsozai.txt", "license"),
        ("ja/ycam_grp_kyodo_kenkyu_kaihatsu_v2.md", "joint_development"),
        ("ja/faultray_nda_one_way_bilingual.md", "nda"),
        ("standard/bonterms_mutual_nda_v1.md", "nda"),
        ("standard/commonpaper_mutual_nda_v1.md", "nda"),
        ("standard/bonterms_cloud_terms_v1.md", "services"),
        ("standard/commonpaper_cloud_service_agreement.md", "services"),
    ],
)
def test_corpus_contract_types(profiles, name, expected):
    from clausecheck.pipeline import read_document

    document = read_document(corpus_path(*name.split("/")))
    assert detect_contract_type(document, profiles).id == expected


def test_cuad_type_accuracy(profiles):
    from clausecheck.pipeline import read_document

    folder = corpus_path("cuad")
    rows = []
    with (folder / "filename_map.tsv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            path = folder / "txt" / row["txt_file"]
            if path.exists() and row["contract_type_folder"] in CUAD_FOLDER_TYPES:
                rows.append((path, CUAD_FOLDER_TYPES[row["contract_type_folder"]]))
    assert len(rows) >= 100
    correct = sum(detect_contract_type(read_document(path), profiles).id in expected for path, expected in rows)
    accuracy = correct / len(rows)
    print(f"CUAD contract-type accuracy: {correct}/{len(rows)} = {accuracy:.3f}")
    assert accuracy >= 0.75
