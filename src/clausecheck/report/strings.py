"""Every fixed string of the memo, in English and Japanese, and the topic names."""

from __future__ import annotations

TOPIC_NAMES = {
    "en": {
        "purpose": "Purpose", "roles": "Role split", "ip_ownership": "IP ownership", "confidentiality": "Confidentiality",
        "termination": "Term and termination", "cost_sharing": "Cost sharing", "exclusivity": "Exclusivity",
        "non_compete": "Non-compete", "mfn": "Most-favoured terms (MFN)", "auto_renewal": "Automatic renewal",
        "renewal_notice": "Notice to stop renewal", "termination_for_convenience": "Termination for convenience",
        "ip_assignment": "IP assignment", "ip_joint_ownership": "Joint IP ownership", "license_grant": "Licence grant",
        "grant_back": "Grant-back of improvements", "liability_cap": "Liability cap", "uncapped_liability": "Uncapped liability",
        "indemnity": "Indemnity", "anti_assignment": "Assignment restrictions", "change_of_control": "Change of control",
        "governing_law": "Governing law", "jurisdiction": "Courts / dispute resolution", "revenue_sharing": "Revenue sharing",
        "minimum_commitment": "Minimum commitment", "audit_rights": "Audit rights", "non_solicit": "Non-solicitation",
        "anti_social_forces": "Anti-social forces clause", "payment_terms": "Payment terms",
    },
    "ja": {
        "purpose": "目的", "roles": "役割分担", "ip_ownership": "知的財産権の帰属", "confidentiality": "秘密保持",
        "termination": "契約期間・解除", "cost_sharing": "費用負担", "exclusivity": "独占", "non_compete": "競業避止",
        "mfn": "最恵待遇", "auto_renewal": "自動更新", "renewal_notice": "更新拒絶の通知期間",
        "termination_for_convenience": "任意解除", "ip_assignment": "権利の譲渡", "ip_joint_ownership": "共有",
        "license_grant": "実施許諾・使用許諾", "grant_back": "グラントバック・改良", "liability_cap": "損害賠償の上限",
        "uncapped_liability": "責任の無制限", "indemnity": "補償", "anti_assignment": "譲渡禁止",
        "change_of_control": "支配権の変更", "governing_law": "準拠法", "jurisdiction": "合意管轄・紛争解決",
        "revenue_sharing": "収益分配", "minimum_commitment": "最低購入義務", "audit_rights": "監査",
        "non_solicit": "引抜き・勧誘禁止", "anti_social_forces": "反社会的勢力の排除", "payment_terms": "支払条件",
    },
}

STRINGS = {
    "en": {
        "memo_title": "Contract review memo",
        "file": "File", "title": "Title", "contract_type": "Contract type", "parties": "Parties",
        "perspective": "Reviewed for", "neutral": "Neutral (no side chosen)", "review_date": "Date of review",
        "tool": "Tool", "rules": "Rules", "warnings": "Limits of this review", "verdict": "At a glance",
        "checklist": "Required elements", "present": "found", "absent": "missing", "uncertain": "cannot tell",
        "findings": "Findings", "no_findings": "No findings at or above the reported severities.",
        "why": "Why it matters", "evidence": "The contract says", "ask_for": "What to ask for",
        "references": "References", "favours": "Favours", "clause": "Clause", "page": "page",
        "questions": "Questions for the counterparty", "outline": "Outline of the contract",
        "high": "High", "medium": "Medium", "low": "Low", "info": "Note", "missing": "Missing",
        "kind_missing": "missing element", "kind_risk": "risk", "kind_note": "note",
        "disclaimer": "This memo is an automated screening aid. It is not legal advice and may miss or misread clauses; have a qualified lawyer review the contract before signing.",
        "one_sided": "One-sided clauses by the side they favour",
        "you": "you", "them": "the other side", "no_parties": "No parties recognised",
        "types": {"nda": "Non-disclosure agreement", "poc": "Proof of concept (PoC)", "joint_development": "Joint development", "license": "Licence", "outsourcing": "Outsourcing / services", "services": "Services", "partnership": "Business partnership", "distribution": "Distribution", "other": "Other"},
    },
    "ja": {
        "memo_title": "契約書レビューメモ",
        "file": "ファイル", "title": "表題", "contract_type": "契約類型", "parties": "当事者",
        "perspective": "レビューの立場", "neutral": "中立（立場の指定なし）", "review_date": "レビュー日",
        "tool": "ツール", "rules": "ルール", "warnings": "このレビューの限界", "verdict": "概要",
        "checklist": "必須要素", "present": "あり", "absent": "なし", "uncertain": "判定不能",
        "findings": "指摘事項", "no_findings": "報告対象の指摘はありません。",
        "why": "問題となる理由", "evidence": "契約書の記載", "ask_for": "修正の提案",
        "references": "参考資料", "favours": "有利な当事者", "clause": "条項", "page": "頁",
        "questions": "相手方への確認事項", "outline": "契約書の構成",
        "high": "高", "medium": "中", "low": "低", "info": "参考", "missing": "欠落",
        "kind_missing": "必須要素の欠落", "kind_risk": "リスク", "kind_note": "参考",
        "disclaimer": "本メモは自動スクリーニングによる補助資料であり、法的助言ではありません。条項の見落としや誤読がありえますので、署名前に弁護士等の専門家に確認してください。",
        "one_sided": "一方に有利な条項（有利な当事者別）",
        "you": "自社", "them": "相手方", "no_parties": "当事者を認識できませんでした",
        "types": {"nda": "秘密保持契約", "poc": "技術検証（PoC）契約", "joint_development": "共同研究開発契約", "license": "ライセンス契約", "outsourcing": "業務委託契約", "services": "役務提供契約", "partnership": "業務提携契約", "distribution": "販売代理店契約", "other": "その他"},
    },
}
