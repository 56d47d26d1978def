"""Build the sample contracts of this folder from the texts below.

    python sample_contracts/build_samples.py [OUTPUT_FOLDER]

The contracts are fictional and written for clausecheck: the companies, people and
addresses do not exist. Each one carries the traps (or the fair wording) its expected
findings file in `expected/` lists. The generated files are committed too, so that the
samples can be checked without python-docx or reportlab; run this script after editing
a text and commit both.

Formats are chosen to exercise the readers: Word automatic numbering (第%1条 and %1.%2),
a Japanese PDF in the HeiseiMin CID font, a Shift_JIS text file, Markdown and an English PDF.
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent

# --------------------------------------------------------------------------- the texts
# An article is (heading, paragraphs); a paragraph is a string, or a list of strings: the
# items (号) of the paragraph before it.

JA_JOINT_DEVELOPMENT = {
    "title": "共同研究開発契約書",
    "preamble": [
        "株式会社北辰精機（以下「甲」という。）と株式会社ミナトセンシング（以下「乙」という。）は、"
        "甲乙間で行う共同研究開発に関し、次のとおり契約（以下「本契約」という。）を締結する。",
    ],
    "articles": [
        ("目的", [
            "本契約は、甲及び乙が、乙の保有する振動センサ技術を甲の産業用ロボットに応用するための小型計測モジュール"
            "（以下「本製品」という。）の共同研究開発（以下「本研究」という。）を行うにあたり、その条件を定めることを目的とする。",
        ]),
        ("役割分担", [
            "甲及び乙は、本研究において次の業務を分担する。",
            ["甲：本製品に求める仕様の提示及び乙が製作した試作品の評価",
             "乙：本製品の設計、試作品の製作、性能試験の実施及び報告書の作成"],
            "前項に定めのない業務は、甲が指定する方法により乙が行う。",
        ]),
        ("費用負担", [
            "本研究の遂行に要する費用（人件費、材料費、設備費、試験費及び旅費を含むが、これらに限られない。）は、"
            "その名目を問わず、すべて乙が負担する。",
            "甲は、本研究に関し、乙に対して対価その他いかなる金銭も支払う義務を負わない。",
        ]),
        ("秘密保持", [
            "乙は、本研究に関して甲から開示された技術上又は営業上の情報（以下「秘密情報」という。）を厳に秘密として保持し、"
            "甲の事前の書面による承諾なく第三者に開示し、又は本研究以外の目的に使用してはならない。",
            "前項の義務は、本契約の終了後も存続する。",
        ]),
        ("研究成果の帰属", [
            "本研究の過程で生じた発明、考案、意匠、著作物、ノウハウその他一切の技術的成果（以下「本成果」という。）に係る"
            "特許を受ける権利、特許権その他の知的財産権は、発明者が甲又は乙のいずれに属するかを問わず、すべて甲に単独で帰属する。",
            "乙は、乙の従業者がした本成果に係る権利を乙において承継したうえで、これを甲に無償で譲渡する。",
            "乙は、本成果を自ら実施し、又は第三者に実施を許諾してはならない。",
        ]),
        ("改良技術", [
            "乙は、本契約の有効期間中及び本契約の終了後において、本成果又は甲の秘密情報に基づいて改良技術を開発したときは、"
            "直ちに甲に通知し、当該改良技術に係る一切の権利を甲に無償で譲渡する。",
        ]),
        ("独占的取引", [
            "乙は、本製品及びこれと同種の製品を甲に対してのみ独占的に供給するものとし、甲の事前の書面による承諾なく、"
            "第三者に販売し、又は供給してはならない。",
            "前項の義務は、本契約の終了後も期間の定めなく存続する。",
        ]),
        ("競業避止", [
            "乙は、本契約の有効期間中及び本契約の終了後2年間、甲の事前の書面による承諾なく、本研究と同一又は類似の研究開発を"
            "自ら行い、又は第三者と共同で行ってはならない。",
        ]),
        ("有効期間", [
            "本契約の有効期間は、本契約の締結日から2年間とする。ただし、期間満了の3か月前までに甲から書面による別段の"
            "意思表示がないときは、本契約は同一の条件でさらに1年間延長されるものとし、以後も同様とする。",
        ]),
        ("中途解約", [
            "甲は、本契約の有効期間中であっても、乙に対して30日前までに書面で通知することにより、いつでも本契約を解約することができる。",
            "乙は、本契約を中途で解約することができない。",
        ]),
        ("解除", [
            "甲は、乙が次の各号のいずれかに該当したときは、何らの催告を要せず、直ちに本契約の全部又は一部を解除することができる。",
            ["本契約のいずれかの条項に違反したとき",
             "支払停止若しくは支払不能の状態に陥り、又は破産手続開始の申立てがあったとき",
             "本研究の進捗が不十分であると甲が判断したとき"],
            "前項による解除は、甲の乙に対する損害賠償の請求を妨げない。",
        ]),
        ("損害賠償", [
            "乙は、本契約に違反して甲に損害を与えたときは、その一切の損害（逸失利益、第三者からの請求に対応するための費用"
            "及び弁護士費用を含む。）を賠償する責任を負う。",
            "甲は、本契約に関して乙に損害を与えた場合であっても、甲に故意又は重大な過失があるときに限り、直接かつ現実に生じた"
            "通常の損害について、10万円を上限として賠償する責任を負う。",
        ]),
        ("反社会的勢力の排除", [
            "乙は、甲に対し、乙及びその役員が暴力団、暴力団員その他の反社会的勢力に該当しないことを表明し、保証する。",
            "乙が前項に違反したときは、甲は、何らの催告を要せず、直ちに本契約を解除することができる。",
        ]),
        ("権利義務の譲渡禁止", [
            "乙は、甲の事前の書面による承諾なく、本契約上の地位又は本契約に基づく権利義務を第三者に譲渡し、又は担保に供してはならない。",
        ]),
        ("準拠法及び合意管轄", [
            "本契約は日本法に準拠し、本契約に関する一切の紛争については、甲の本店所在地を管轄する地方裁判所を"
            "第一審の専属的合意管轄裁判所とする。",
        ]),
        ("協議", [
            "本契約に定めのない事項又は本契約の解釈について疑義が生じた事項については、甲乙誠実に協議のうえ解決する。",
        ]),
    ],
    "closing": [
        "本契約締結の証として本書2通を作成し、甲乙記名押印のうえ、各1通を保有する。",
        "2026年4月1日",
        "甲　東京都千代田区丸の内九丁目1番1号　株式会社北辰精機　代表取締役　北村　剛",
        "乙　神奈川県横浜市西区港町三丁目2番5号　株式会社ミナトセンシング　代表取締役　湊　早紀",
    ],
}

JA_NDA = {
    "title": "秘密保持契約書",
    "preamble": [
        "株式会社青葉ソリューションズ（以下「甲」という。）と株式会社しずくラボ（以下「乙」という。）は、"
        "相互に開示する秘密情報の取扱いについて、次のとおり契約（以下「本契約」という。）を締結する。",
    ],
    "articles": [
        ("目的", [
            "本契約は、甲及び乙が、画像解析技術を用いた共同事業の可能性を検討すること（以下「本目的」という。）のために"
            "相互に開示する秘密情報の取扱いを定めることを目的とする。",
        ]),
        ("秘密情報", [
            "本契約において「秘密情報」とは、甲又は乙（以下「開示者」という。）が相手方（以下「受領者」という。）に対し"
            "本目的のために開示した技術上、営業上その他一切の情報であって、開示の際に秘密である旨を明示したもの"
            "（口頭で開示したものについては、開示後14日以内に書面で特定したもの）をいう。",
            "前項の規定にかかわらず、次の各号のいずれかに該当する情報は、秘密情報に含まれない。",
            ["開示の時点で既に公知であった情報",
             "開示の後に受領者の責めによらずに公知となった情報",
             "開示の時点で受領者が既に保有していた情報",
             "正当な権限を有する第三者から秘密保持義務を負うことなく取得した情報",
             "秘密情報によらずに受領者が独自に開発した情報"],
        ]),
        ("秘密保持義務", [
            "甲及び乙は、相手方の秘密情報を善良な管理者の注意をもって秘密として保持し、相手方の事前の書面による承諾なく、"
            "第三者に開示し、又は漏えいしてはならない。",
            "受領者は、本目的のために知る必要のある自己の役員、従業員並びに弁護士及び公認会計士その他の専門家に限り、"
            "本契約と同等の秘密保持義務を課したうえで、秘密情報を開示することができる。",
            "受領者は、法令又は裁判所若しくは行政機関の命令により秘密情報の開示を求められたときは、速やかに開示者に通知したうえで、"
            "必要な範囲に限り秘密情報を開示することができる。",
        ]),
        ("目的外使用の禁止", [
            "甲及び乙は、相手方の秘密情報を本目的以外の目的に使用してはならない。",
        ]),
        ("複製", [
            "受領者は、本目的のために必要な範囲に限り秘密情報を複製することができる。複製物は秘密情報として取り扱う。",
        ]),
        ("返還及び廃棄", [
            "受領者は、開示者から請求があったとき又は本契約が終了したときは、速やかに、秘密情報（複製物を含む。）を開示者に返還し、"
            "又は開示者の指示に従い廃棄する。",
        ]),
        ("権利の非許諾", [
            "本契約は、秘密情報に関する特許権、著作権その他の知的財産権の実施又は使用を相手方に許諾するものではない。",
        ]),
        ("損害賠償", [
            "甲及び乙は、本契約に違反して相手方に損害を与えたときは、相手方に現実に生じた直接かつ通常の損害を賠償する。",
        ]),
        ("有効期間", [
            "本契約の有効期間は、本契約の締結日から1年間とする。",
            "前項の規定にかかわらず、第3条、第4条及び第6条の規定は、本契約の終了後3年間なお効力を有する。",
        ]),
        ("反社会的勢力の排除", [
            "甲及び乙は、相手方に対し、自己及びその役員が暴力団、暴力団員その他の反社会的勢力に該当しないことを相互に表明し、保証する。",
            "甲又は乙は、相手方が前項に違反したときは、何らの催告を要せず、直ちに本契約を解除することができる。",
        ]),
        ("準拠法及び合意管轄", [
            "本契約は日本法に準拠し、本契約に関する一切の紛争については、東京地方裁判所を第一審の専属的合意管轄裁判所とする。",
        ]),
        ("協議", [
            "本契約に定めのない事項については、甲乙誠実に協議のうえ解決する。",
        ]),
    ],
    "closing": [
        "本契約締結の証として本書2通を作成し、甲乙記名押印のうえ、各1通を保有する。",
        "2026年5月15日",
        "甲　宮城県仙台市青葉区一番町九丁目8番7号　株式会社青葉ソリューションズ　代表取締役　青木　誠",
        "乙　京都府京都市左京区北白川西町九丁目4番2号　株式会社しずくラボ　代表取締役　雫石　瞳",
    ],
}

JA_OUTSOURCING = {
    "title": "業務委託契約書",
    "preamble": [
        "株式会社東雲物産（以下「甲」という。）と合同会社ひなたデザイン（以下「乙」という。）は、"
        "甲が乙に委託するデザイン制作業務に関し、次のとおり契約（以下「本契約」という。）を締結する。",
    ],
    "articles": [
        ("目的", [
            "本契約は、甲が乙に対し次条に定める業務を委託し、乙がこれを受託するにあたっての基本的な条件を定めることを目的とする。",
        ]),
        ("委託業務", [
            "甲は、乙に対し、甲の商品カタログ及びウェブサイトに使用するイラスト及びデザインの制作業務（以下「本業務」という。）を委託する。",
            "本業務の具体的な内容、納期及び委託料は、甲が乙に交付する発注書（以下「個別発注」という。）において定める。",
        ]),
        ("納入及び検収", [
            "乙は、個別発注に定める納期までに、本業務の成果物（以下「成果物」という。）を甲に納入する。",
            "甲は、成果物の納入を受けた日から30日以内に検査を行い、合格したものを検収する。",
        ]),
        ("修正及びやり直し", [
            "甲は、成果物の内容が甲の要求する水準に満たないと判断したときは、検収の前後を問わず、乙に対し、"
            "無償で成果物の修正又はやり直しを求めることができる。",
        ]),
        ("委託料", [
            "本業務の委託料は、個別発注に定める金額とする。",
            "甲は、経済情勢の変動、甲の販売実績その他の事情により必要と認めるときは、個別発注の後であっても、"
            "委託料の額を見直すことができる。",
        ]),
        ("支払", [
            "甲は、毎月末日までに検収した成果物の委託料を翌々月末日までに、乙の指定する銀行口座に振り込む方法により支払う。"
            "振込手数料は乙の負担とする。",
            "甲は、前項の定めにかかわらず、委託料の全部又は一部を、支払期日を検収日から120日後とする約束手形により支払うことができる。",
        ]),
        ("権利の帰属", [
            "成果物に関する著作権（著作権法第27条及び第28条に規定する権利を含む。）その他一切の権利は、"
            "成果物の納入の時に乙から甲に移転する。当該移転の対価は委託料に含まれるものとする。",
            "乙は、甲及び甲が指定する第三者に対し、成果物に関する著作者人格権を行使しない。",
        ]),
        ("秘密保持", [
            "乙は、本業務に関して知り得た甲の技術上又は営業上の情報を第三者に開示し、又は本業務以外の目的に使用してはならない。",
        ]),
        ("再委託の禁止", [
            "乙は、甲の事前の書面による承諾なく、本業務の全部又は一部を第三者に再委託してはならない。",
        ]),
        ("契約期間", [
            "本契約の有効期間は、本契約の締結日から1年間とする。ただし、期間満了の1か月前までに甲乙いずれからも"
            "書面による申出がないときは、本契約は同一の条件でさらに1年間更新されるものとし、以後も同様とする。",
        ]),
        ("解除", [
            "甲は、乙が本契約のいずれかの条項に違反したときは、何らの催告を要せず、直ちに本契約を解除することができる。",
        ]),
        ("損害賠償", [
            "乙は、本契約に違反して甲に損害を与えたときは、その損害を賠償しなければならない。",
        ]),
        ("準拠法及び合意管轄", [
            "本契約は日本法に準拠し、本契約に関する紛争については、大阪地方裁判所を第一審の専属的合意管轄裁判所とする。",
        ]),
        ("協議", [
            "本契約に定めのない事項については、甲乙協議のうえ定める。",
        ]),
    ],
    "closing": [
        "本契約締結の証として本書2通を作成し、甲乙記名押印のうえ、各1通を保有する。",
        "2026年6月1日",
        "甲　大阪府大阪市北区東雲町九丁目3番1号　株式会社東雲物産　代表取締役　東山　浩",
        "乙　兵庫県神戸市中央区日向通九丁目6番8号　合同会社ひなたデザイン　代表社員　日向　葵",
    ],
}

EN_JOINT_DEVELOPMENT = {
    "title": "JOINT DEVELOPMENT AGREEMENT",
    "preamble": [
        "This Joint Development Agreement (the \"Agreement\") is entered into as of April 1, 2026 (the \"Effective Date\") "
        "by and between Titanfield Industries Inc., a Delaware corporation (\"Titanfield\"), and Lumen Motion Ltd., "
        "a company incorporated in England and Wales (\"Partner\"). Titanfield and Partner are each a \"Party\".",
        "WHEREAS, Titanfield builds warehouse robots and Partner has developed motor control technology; and",
        "WHEREAS, the Parties wish to develop together a compact motor controller for Titanfield's robots;",
        "NOW, THEREFORE, the Parties agree as follows:",
    ],
    "articles": [
        ("PURPOSE AND SCOPE", [
            "The purpose of this Agreement is to set out the terms on which the Parties will jointly develop a compact motor "
            "controller for Titanfield's warehouse robots (the \"Project\").",
        ]),
        ("RESPONSIBILITIES", [
            "Partner shall design, build and test all prototypes and shall deliver to Titanfield the deliverables described "
            "in the Statement of Work attached as Exhibit A (the \"Deliverables\").",
            "Titanfield shall provide the product requirements and shall evaluate the Deliverables at its sole discretion.",
        ]),
        ("COSTS", [
            "Partner shall bear all costs and expenses it incurs in performing the Project, including personnel, materials, "
            "equipment and testing costs.",
            "Titanfield shall have no obligation to pay any fee to Partner or to reimburse any expense of Partner.",
        ]),
        ("INTELLECTUAL PROPERTY", [
            "All inventions, designs, software, know-how and other results created in the course of the Project "
            "(the \"Developed Technology\"), whether created by Titanfield, by Partner or by both, shall be the sole and "
            "exclusive property of Titanfield.",
            "Partner hereby assigns to Titanfield, without further consideration, all right, title and interest in and to "
            "the Developed Technology.",
            "Partner shall promptly disclose to Titanfield every improvement to the Developed Technology that Partner makes "
            "during the term of this Agreement or within three (3) years after it ends, and hereby assigns to Titanfield, "
            "free of charge, all rights in each such improvement.",
        ]),
        ("EXCLUSIVITY AND NON-COMPETITION", [
            "Partner shall work exclusively with Titanfield on motor controllers for mobile robots and shall not develop "
            "or supply any such product for or to any third party.",
            "During the term of this Agreement and for two (2) years after its termination or expiry, Partner shall not, "
            "directly or indirectly, engage in any business that competes with Titanfield in the field of warehouse automation.",
        ]),
        ("CONFIDENTIALITY", [
            "Partner shall hold in confidence all information disclosed by Titanfield in connection with the Project and "
            "shall not disclose it to any third party without Titanfield's prior written consent. This obligation survives "
            "the termination or expiry of this Agreement without limit in time.",
        ]),
        ("TERM AND TERMINATION", [
            "This Agreement commences on the Effective Date and continues for two (2) years. It shall renew automatically "
            "for successive one-year periods unless Titanfield gives notice of non-renewal at least ninety (90) days before "
            "the end of the then-current term.",
            "Titanfield may terminate this Agreement at any time for convenience upon thirty (30) days' written notice to Partner.",
            "Titanfield may terminate this Agreement immediately upon written notice if Partner breaches any provision of this Agreement.",
            "Articles 4, 5, 6 and 8 survive any termination or expiry of this Agreement.",
        ]),
        ("LIABILITY AND INDEMNITY", [
            "Partner shall indemnify, defend and hold harmless Titanfield and its affiliates from and against any and all "
            "claims, losses, damages and expenses arising out of or relating to the Project or the Deliverables.",
            "In no event shall Titanfield's aggregate liability under this Agreement exceed one thousand US dollars (US$1,000). "
            "Partner's liability under this Agreement shall be unlimited.",
        ]),
        ("GENERAL", [
            "Partner may not assign this Agreement without Titanfield's prior written consent. Titanfield may assign this "
            "Agreement to any affiliate or successor without Partner's consent.",
            "This Agreement is governed by the laws of the State of New York. The state and federal courts located in "
            "New York County shall have exclusive jurisdiction over any dispute arising out of this Agreement.",
            "This Agreement is the entire agreement between the Parties on its subject matter and may be amended only in "
            "a writing signed by both Parties.",
        ]),
    ],
    "closing": [
        "IN WITNESS WHEREOF, the Parties have executed this Agreement as of the Effective Date.",
        "TITANFIELD INDUSTRIES INC.    By: Marcus Hale, Chief Technology Officer",
        "LUMEN MOTION LTD.    By: Priya Anand, Managing Director",
    ],
}

EN_NDA_MD = """# Mutual Non-Disclosure Agreement

This Mutual Non-Disclosure Agreement (the "Agreement") is made on 2 March 2026 between Corvid Analytics Ltd.,
a company incorporated in England and Wales ("Corvid"), and Sakura Field Robotics K.K., a company incorporated
in Japan ("Sakura"). Corvid and Sakura are each a "Party", and the Party disclosing information is the
"Discloser" and the Party receiving it the "Recipient".

## 1. Purpose

The Parties wish to exchange information for the sole purpose of evaluating a possible collaboration on
crop-monitoring software for agricultural robots (the "Purpose").

## 2. Confidential Information

2.1 "Confidential Information" means any information disclosed by either Party to the other for the Purpose that
is marked as confidential or that a reasonable person would understand to be confidential.

2.2 Confidential Information does not include information that:

(a) is or becomes publicly available other than through a breach of this Agreement;

(b) was lawfully known to the Recipient before disclosure;

(c) is received from a third party who is free to disclose it; or

(d) is independently developed by the Recipient without use of the Discloser's information.

## 3. Obligations

3.1 Each Party, as Recipient, shall keep the other Party's Confidential Information confidential, shall use it only
for the Purpose and shall protect it with at least the care it uses for its own confidential information, and no
less than reasonable care.

3.2 Each Party may disclose the other Party's Confidential Information to its employees, officers and professional
advisers who need to know it for the Purpose and who are bound by obligations of confidentiality no less protective
than this Agreement.

3.3 A Recipient may disclose Confidential Information where required by law or by a court, provided that it gives
the Discloser prompt notice where lawful so that the Discloser may seek a protective order.

## 4. Return or Destruction

On the Discloser's written request, or when this Agreement ends, the Recipient shall promptly return or destroy the
Discloser's Confidential Information, except copies it must keep by law, which remain subject to this Agreement.

## 5. No Licence

Nothing in this Agreement grants either Party any licence or other right in the other Party's patents, copyrights,
trade secrets or other intellectual property.

## 6. No Further Obligation

Neither Party is obliged to enter into any further agreement. Each Party remains free to pursue its own business,
including with third parties, provided that it does not use the other Party's Confidential Information.

## 7. Term

This Agreement takes effect on the date above and ends two (2) years later. Either Party may end it earlier by giving
thirty (30) days' written notice to the other. The obligations in Section 3 continue for three (3) years after this
Agreement ends.

## 8. Remedies

Each Party acknowledges that a breach of this Agreement may cause the other Party harm for which damages are not an
adequate remedy, and that the other Party may seek injunctive relief in addition to any other remedy.

## 9. Governing Law and Jurisdiction

This Agreement is governed by the laws of England and Wales, and the courts of England and Wales have exclusive
jurisdiction over any dispute arising out of it.

## 10. General

Neither Party may assign this Agreement without the prior written consent of the other Party. This Agreement is
the entire agreement between the Parties on its subject matter.

Signed for Corvid Analytics Ltd. by Helen Marsh, Director

Signed for Sakura Field Robotics K.K. by Kenji Sakuragi, Representative Director
"""

EN_LICENSE = {
    "title": "PATENT AND KNOW-HOW LICENSE AGREEMENT",
    "preamble": [
        "This Patent and Know-How License Agreement (the \"Agreement\") is made as of July 1, 2026 (the \"Effective Date\") "
        "between Kestrel Optics Corporation, a California corporation (\"Licensor\"), and Harbor Lane Devices LLC, "
        "an Oregon limited liability company (\"Licensee\").",
    ],
    "articles": [
        ("DEFINITIONS", [
            "\"Licensed Technology\" means Licensor's patents listed in Schedule 1 and the related know-how that Licensor "
            "discloses to Licensee.",
            "\"Licensed Products\" means optical sensor modules that use the Licensed Technology.",
            "\"Improvements\" means any modification or enhancement of the Licensed Technology, or any invention derived "
            "from it, made by or for Licensee.",
            "\"Net Sales\" means the amounts invoiced by Licensee for Licensed Products, less taxes, returns and freight.",
        ]),
        ("LICENSE GRANT", [
            "Subject to this Agreement, Licensor grants to Licensee a non-transferable license under the Licensed "
            "Technology to make, use and sell Licensed Products worldwide.",
            "Licensee shall deal exclusively with Licensor for optical sensing technology and shall not obtain a license "
            "to, develop or sell any competing optical sensing technology from or with any third party.",
        ]),
        ("IMPROVEMENTS", [
            "Licensee shall promptly disclose to Licensor every Improvement and hereby assigns to Licensor all right, "
            "title and interest in and to each Improvement, without further consideration.",
            "Licensor may use and license the Improvements to third parties without any obligation or accounting to Licensee.",
        ]),
        ("ROYALTIES AND PAYMENT", [
            "Licensee shall pay Licensor a royalty of seven percent (7%) of Net Sales of Licensed Products.",
            "Licensee shall pay a minimum annual royalty of fifty thousand US dollars (US$50,000), whether or not any "
            "Licensed Products are sold.",
            "Royalties are due within thirty (30) days after the end of each calendar quarter, together with a report of Net Sales.",
        ]),
        ("RECORDS AND AUDIT", [
            "Licensee shall keep complete records of its sales of Licensed Products. Licensor may audit those records "
            "once a year on thirty (30) days' notice.",
        ]),
        ("CONFIDENTIALITY", [
            "Each party shall keep confidential the confidential information of the other party and shall use it only "
            "for the purposes of this Agreement.",
        ]),
        ("TERM AND TERMINATION", [
            "This Agreement begins on the Effective Date and continues until the last of the licensed patents expires.",
            "Licensor may terminate this Agreement on written notice if Licensee fails to pay any amount when due and "
            "does not cure the failure within thirty (30) days.",
            "Licensor may terminate this Agreement upon written notice if Licensee undergoes a change of control.",
            "Licensee may terminate this Agreement on ninety (90) days' written notice.",
        ]),
        ("LIABILITY AND INDEMNITY", [
            "Licensor's total liability under this Agreement shall not exceed the royalties paid by Licensee in the twelve "
            "(12) months before the claim.",
            "Licensee shall indemnify and hold harmless Licensor against all claims arising from Licensed Products made or sold by Licensee.",
        ]),
        ("GENERAL", [
            "Licensee may not assign this Agreement without Licensor's prior written consent.",
            "This Agreement is governed by the laws of the State of Delaware, and the courts of Delaware have exclusive "
            "jurisdiction over any dispute arising out of it.",
        ]),
    ],
    "closing": [
        "KESTREL OPTICS CORPORATION    By: Dana Whitfield, President",
        "HARBOR LANE DEVICES LLC    By: Owen Castillo, Manager",
    ],
}

FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


# --------------------------------------------------------------------------- plain text


def japanese_lines(contract: dict) -> list[str]:
    """The contract as typed text: 第N条（見出し）, ２ for later 項, （１） for 号."""
    lines = [contract["title"], "", *contract["preamble"], ""]
    for number, (heading, paragraphs) in enumerate(contract["articles"], start=1):
        lines.append(f"第{number}条（{heading}）")
        paragraph_number = 0
        for paragraph in paragraphs:
            if isinstance(paragraph, list):
                lines.extend(f"（{str(item).translate(FULLWIDTH)}）{text}" for item, text in enumerate(paragraph, start=1))
                continue
            paragraph_number += 1
            lines.append(paragraph if paragraph_number == 1 else f"{str(paragraph_number).translate(FULLWIDTH)}　{paragraph}")
        lines.append("")
    lines.extend(contract["closing"])
    return lines


def write_text(path: Path, text: str, encoding: str) -> None:
    # CRLF, as a Windows editor saves a Shift_JIS file.
    path.write_bytes(text.replace("\n", "\r\n").encode(encoding))


# --------------------------------------------------------------------------- Word


def _abstract_numbering(abstract_id: int, levels: list[dict]) -> str:
    """A w:abstractNum with the given levels (start, numFmt, lvlText, suff, indent)."""
    body = []
    for ilvl, level in enumerate(levels):
        body.append(
            f'<w:lvl w:ilvl="{ilvl}"><w:start w:val="{level["start"]}"/><w:numFmt w:val="{level["format"]}"/>'
            f'<w:suff w:val="{level["suff"]}"/><w:lvlText w:val="{level["text"]}"/><w:lvlJc w:val="left"/>'
            f'<w:pPr><w:ind w:left="{level["left"]}" w:hanging="{level["hanging"]}"/></w:pPr></w:lvl>'
        )
    return (
        f'<w:abstractNum xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" w:abstractNumId="{abstract_id}">'
        f'<w:multiLevelType w:val="multilevel"/>{"".join(body)}</w:abstractNum>'
    )


def _add_numbering(document, abstract_id: int, num_id: int, levels: list[dict]) -> int:
    from docx.oxml import parse_xml

    numbering = document.part.numbering_part.element
    abstract = parse_xml(_abstract_numbering(abstract_id, levels))
    existing_nums = numbering.findall("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}num")
    if existing_nums:
        existing_nums[0].addprevious(abstract)  # the schema wants every abstractNum before the first num
    else:
        numbering.append(abstract)
    numbering.append(parse_xml(
        f'<w:num xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" w:numId="{num_id}">'
        f'<w:abstractNumId w:val="{abstract_id}"/></w:num>'
    ))
    return num_id


def _number_paragraph(paragraph, num_id: int, ilvl: int) -> None:
    from docx.oxml import parse_xml

    properties = paragraph._p.get_or_add_pPr()
    properties.insert(0, parse_xml(
        '<w:numPr xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        f'<w:ilvl w:val="{ilvl}"/><w:numId w:val="{num_id}"/></w:numPr>'
    ))


def _new_document(east_asian_font: str | None):
    import docx
    from docx.oxml.ns import qn
    from docx.shared import Pt

    document = docx.Document()
    normal = document.styles["Normal"]
    normal.font.size = Pt(10.5)
    if east_asian_font:
        normal.font.name = east_asian_font
        normal.element.rPr.rFonts.set(qn("w:eastAsia"), east_asian_font)
    properties = document.core_properties
    properties.author = "clausecheck samples"
    properties.title = ""
    return document


def _title(document, text: str) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    paragraph = document.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run(text)
    run.bold = True


def _save_reproducibly(document, path: Path) -> None:
    """Save with fixed ZIP timestamps, so that a rebuild gives the same bytes."""
    import io
    import zipfile

    buffer = io.BytesIO()
    document.save(buffer)
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(2026, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(fixed, source.read(info.filename))


def _build_numbered_docx(contract: dict, path: Path, font: str | None, numbering_id: int, levels: list[dict], heading_text, add_paragraphs) -> None:
    """Title, preamble, articles whose headings Word numbers at level 0, closing lines.

    `add_paragraphs(document, num_id, paragraphs)` writes an article's body: that is where
    the Japanese and English drafting styles differ.
    """
    document = _new_document(font)
    num_id = _add_numbering(document, numbering_id, numbering_id, levels)
    _title(document, contract["title"])
    for text in contract["preamble"]:
        document.add_paragraph(text)
    for heading, paragraphs in contract["articles"]:
        article = document.add_paragraph()
        article.add_run(heading_text(heading)).bold = True
        _number_paragraph(article, num_id, 0)
        add_paragraphs(document, num_id, paragraphs)
    for text in contract["closing"]:
        document.add_paragraph(text)
    _save_reproducibly(document, path)


def build_japanese_docx(contract: dict, path: Path) -> None:
    """第%1条 on level 0 (the article heading), ２ on level 1 (later 項), （１） on level 2 (号)."""
    from docx.shared import Pt

    def add_paragraphs(document, num_id: int, paragraphs) -> None:
        first = True
        for paragraph in paragraphs:
            if isinstance(paragraph, list):
                for item in paragraph:
                    _number_paragraph(document.add_paragraph(item), num_id, 2)
                continue
            added = document.add_paragraph(paragraph)
            if first:
                added.paragraph_format.left_indent = Pt(10.5)  # the first 項 carries no number
                first = False
            else:
                _number_paragraph(added, num_id, 1)

    levels = [
        {"start": 1, "format": "decimal", "text": "第%1条", "suff": "nothing", "left": 0, "hanging": 0},
        {"start": 2, "format": "decimalFullWidth", "text": "%2", "suff": "space", "left": 210, "hanging": 210},
        {"start": 1, "format": "decimalFullWidth", "text": "（%3）", "suff": "nothing", "left": 630, "hanging": 420},
    ]
    _build_numbered_docx(contract, path, "ＭＳ 明朝", 90, levels, lambda heading: f"（{heading}）", add_paragraphs)


def build_english_docx(contract: dict, path: Path) -> None:
    """Articles numbered `%1.` (level 0) and sections `%1.%2` (level 1) by Word, not typed."""

    def add_paragraphs(document, num_id: int, paragraphs) -> None:
        for paragraph in paragraphs:
            _number_paragraph(document.add_paragraph(paragraph), num_id, 1)

    levels = [
        {"start": 1, "format": "decimal", "text": "%1.", "suff": "tab", "left": 360, "hanging": 360},
        {"start": 1, "format": "decimal", "text": "%1.%2", "suff": "tab", "left": 720, "hanging": 720},
    ]
    _build_numbered_docx(contract, path, None, 91, levels, lambda heading: heading, add_paragraphs)


# --------------------------------------------------------------------------- PDF


def _pdf(path: Path, title: str, flowables_for, font: str, bold_font: str, cjk: bool) -> None:
    from reportlab import rl_config
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import SimpleDocTemplate

    rl_config.invariant = 1  # same bytes on every build: no creation date, fixed document id
    body = ParagraphStyle("body", fontName=font, fontSize=10.5, leading=17, spaceAfter=4, wordWrap="CJK" if cjk else None)
    heading = ParagraphStyle("heading", parent=body, fontName=bold_font, spaceBefore=8)
    title_style = ParagraphStyle("title", parent=body, fontName=bold_font, fontSize=15, leading=22, alignment=1, spaceAfter=14)

    def footer(canvas, document):
        canvas.saveState()
        canvas.setFont(font, 9)
        canvas.drawCentredString(A4[0] / 2, 12 * mm, f"- {document.page} -")
        canvas.restoreState()

    document = SimpleDocTemplate(str(path), pagesize=A4, leftMargin=25 * mm, rightMargin=25 * mm, topMargin=25 * mm,
                                 bottomMargin=25 * mm, title=title, author="clausecheck samples", invariant=1)
    document.build(flowables_for(body, heading, title_style), onFirstPage=footer, onLaterPages=footer)


def build_japanese_pdf(contract: dict, path: Path) -> None:
    from xml.sax.saxutils import escape

    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph

    pdfmetrics.registerFont(UnicodeCIDFont("HeiseiMin-W3"))
    pdfmetrics.registerFont(UnicodeCIDFont("HeiseiKakuGo-W5"))

    def flowables(body, heading, title_style):
        lines = japanese_lines(contract)
        out = [Paragraph(escape(lines[0]), title_style)]
        for line in lines[1:]:
            if not line:
                continue
            style = heading if line.startswith("第") and "条（" in line[:8] else body
            out.append(Paragraph(escape(line), style))
        return out

    _pdf(path, contract["title"], flowables, "HeiseiMin-W3", "HeiseiKakuGo-W5", cjk=True)


def build_english_pdf(contract: dict, path: Path) -> None:
    from xml.sax.saxutils import escape

    from reportlab.platypus import Paragraph

    def flowables(body, heading, title_style):
        out = [Paragraph(escape(contract["title"]), title_style)]
        out.extend(Paragraph(escape(text), body) for text in contract["preamble"])
        for number, (title, paragraphs) in enumerate(contract["articles"], start=1):
            out.append(Paragraph(escape(f"{number}. {title}"), heading))
            for section, text in enumerate(paragraphs, start=1):
                out.append(Paragraph(escape(f"{number}.{section} {text}"), body))
        out.extend(Paragraph(escape(text), body) for text in contract["closing"])
        return out

    _pdf(path, contract["title"], flowables, "Times-Roman", "Times-Bold", cjk=False)


# --------------------------------------------------------------------------- all of them

SAMPLES = {
    "ja_joint_development.docx": lambda path: build_japanese_docx(JA_JOINT_DEVELOPMENT, path),
    "ja_nda_mutual.pdf": lambda path: build_japanese_pdf(JA_NDA, path),
    "ja_outsourcing_sjis.txt": lambda path: write_text(path, "\n".join(japanese_lines(JA_OUTSOURCING)) + "\n", "shift_jis"),
    "en_joint_development.docx": lambda path: build_english_docx(EN_JOINT_DEVELOPMENT, path),
    "en_mutual_nda.md": lambda path: path.write_text(EN_NDA_MD, encoding="utf-8", newline="\n"),
    "en_license_grant_back.pdf": lambda path: build_english_pdf(EN_LICENSE, path),
}


def build(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, builder in SAMPLES.items():
        path = folder / name
        builder(path)
        written.append(path)
    return written


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else HERE
    for written_path in build(target):
        print(written_path)
