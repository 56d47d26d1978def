"""Hostile input, round 2: bombs in rule packs and Word files, evasion, hidden text, encodings.

Each case of the second round of attacks is built here (python-docx, zipfile, plain bytes),
states what is wrong with it, and checks the coded error or warning a user sees. Shared
builders come from test_hostile_input.
"""

from __future__ import annotations

import time

import pytest

from test_hostile_input import CONTRACT_EN, write_rule

from clausecheck.pipeline import Settings, check_file


# -- the per-document rule budget ------------------------------------------------------------


def test_catastrophic_user_rule_over_200_clauses_is_held_to_the_document_budget(tmp_path):
    # `(a|a)*$` backtracks exponentially on every clause's run of a's: with only the per-clause
    # limit, 200 clauses cost 200 × 0.5 s.
    pack = tmp_path / "pack"
    write_rule(pack, "alternation-trap", "en:\n  regex:\n    - '(a|a)*$'\n", topic="non_compete")
    path = tmp_path / "contract.txt"
    clauses = [f"{n}. Notices {n}. The notice is {'a' * 40}!" for n in range(4, 204)]
    path.write_text("\n".join(CONTRACT_EN + clauses), encoding="utf-8")
    started = time.perf_counter()
    report = check_file(path, Settings(rules_dirs=(str(pack),)))
    elapsed = time.perf_counter() - started
    trap_warnings = [w for w in report.warnings if w.code == "W210" and "alternation-trap" in w.message]
    assert len(trap_warnings) == 1, trap_warnings  # skipped for the rest of the document, said once
    assert "rest of the document" in trap_warnings[0].message
    assert elapsed < 30, elapsed  # a hang check: 200 time-outs would take 100 s
    assert report.topics["exclusivity"].status == "present"
    assert report.topics["governing_law"].status == "present"


# -- evasion: disguised words are read through, with a warning ----------------------------------

CONTRACT_JA = [
    "販売代理店契約書",
    "株式会社甲（以下「甲」という。）と乙株式会社（以下「乙」という。）は、次のとおり契約を締結する。",
    "第1条（秘密保持）甲及び乙は、相手方の秘密情報を第三者に開示してはならない。",
    "第2条（販売権）甲は、乙に対し、日本国内における本製品の{word}的な販売権を付与する。",
    "第3条（準拠法）本契約は、日本法に準拠する。",
]
EXCLUSIVE_EN = "2. Distribution. Beta shall be the {word} distributor of the Products."


def _contract(tmp_path, language: str, word: str):
    path = tmp_path / f"disguised-{language}.txt"
    if language == "en":
        lines = [line if not line.startswith("2.") else EXCLUSIVE_EN.format(word=word) for line in CONTRACT_EN]
    else:
        lines = [line.format(word=word) for line in CONTRACT_JA]
    path.write_text("\n".join(lines), encoding="utf-8")
    return check_file(path)


@pytest.mark.parametrize(
    ("language", "word", "code"),
    [
        ("en", "ex\ufe0fclusive", "W105"),  # VS16 after a letter
        ("en", "excl\U000e0041\U000e0042usive", "W105"),  # tag characters
        ("ja", "独\U000e0100占", "W105"),  # an ideographic variation sequence
        ("ja", "独\u3164占", "W105"),  # Hangul filler
        ("ja", "独\uffa0占", "W105"),  # half-width Hangul filler
        ("en", "\u0435xclusive", "W131"),  # Cyrillic е
        ("en", "exclusi\u03bde", "W131"),  # Greek ν
        ("en", "\u0435\u0445clusive", "W131"),  # Cyrillic е and х
        ("ja", "独\u3000占", "W131"),  # ideographic space inside the word
        ("ja", "独 占", "W131"),  # ordinary space inside the word
    ],
    ids=["vs16", "tags", "ivs", "hangul-filler", "halfwidth-hangul-filler", "cyrillic-e", "greek-nu", "cyrillic-two", "ideographic-space", "space"],
)
def test_disguised_words_are_read_through_with_a_warning(tmp_path, language, word, code):
    plain = _contract(tmp_path, language, "exclusive" if language == "en" else "独占")
    assert plain.topics["exclusivity"].status == "present"
    assert not {"W105", "W131"} & {w.code for w in plain.warnings}
    report = _contract(tmp_path, language, word)
    assert report.topics["exclusivity"].status == "present"
    assert code in {w.code for w in report.warnings}, report.warnings
    # The memo quotes the contract's own characters.
    assert any(word in evidence.text for evidence in report.topics["exclusivity"].evidence), report.topics["exclusivity"].evidence


def test_russian_words_and_units_are_not_folded():
    from clausecheck.lang import normalise

    for text in ("ООО «Ромашка», Москва", "10 μm", "α-olefin", "Σ total"):
        assert normalise(text).folded_confusables == 0, text


def test_spaces_between_japanese_words_elsewhere_do_not_warn(tmp_path):
    # A space between two Japanese words (甲　株式会社) is dropped for matching too, but is
    # reported only when a match runs across it.
    from clausecheck.lang import normalise

    signature = "署名欄　甲　株式会社甲　代表取締役"
    assert normalise(signature).joined
    path = tmp_path / "signature.txt"
    path.write_text("\n".join([line.format(word="独占") for line in CONTRACT_JA] + [signature]), encoding="utf-8")
    report = check_file(path)
    assert report.topics["exclusivity"].status == "present"
    assert "W131" not in {w.code for w in report.warnings}


# -- output and logging ------------------------------------------------------------------------------


def test_batch_index_shows_bidi_controls_in_names_instead_of_obeying_them(tmp_path):
    import subprocess
    import sys

    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "contract\u202etxt.exe.txt").write_text("\n".join(CONTRACT_EN), encoding="utf-8")
    (folder / "empty\u202egpj.txt").write_bytes(b"")  # a failure row names its file too
    out = tmp_path / "out"
    completed = subprocess.run([sys.executable, "-m", "clausecheck", "batch", str(folder), "-o", str(out), "--jobs", "1"],
                               capture_output=True, text=True, timeout=300)
    assert completed.returncode == 2 and "E102" in completed.stderr, completed.stderr[-2000:]  # the empty file
    html = (out / "index.html").read_text(encoding="utf-8")
    assert "\u202e" not in html
    assert "contract[U+202E]txt.exe.txt" in html and "empty[U+202E]gpj.txt" in html
    assert "<bdi>" in html


def test_pdfminer_warnings_never_reach_stderr(tmp_path):
    import subprocess
    import sys

    from reportlab.pdfgen import canvas

    plain = tmp_path / "plain.pdf"
    pdf = canvas.Canvas(str(plain), pageCompression=0)
    for y, line in zip(range(800, 700, -20), CONTRACT_EN):
        pdf.drawString(50, y, line)
    pdf.showPage()
    pdf.save()
    # An invalid operand before the text: pdfminer logs "Cannot set gray level ..." at WARNING.
    path = tmp_path / "odd.pdf"
    path.write_bytes(plain.read_bytes().replace(b"BT", b"/Bogus g BT", 1))
    completed = subprocess.run([sys.executable, "-m", "clausecheck", "check", str(path), "--format", "json", "-o", str(tmp_path / "odd.json")],
                               capture_output=True, text=True, timeout=120)
    assert completed.returncode in (0, 1), completed.stderr
    assert "Cannot set" not in completed.stderr, completed.stderr
    assert completed.stderr.strip().splitlines() == [completed.stderr.strip()]  # only the summary line
    assert completed.stderr.strip().endswith(str(tmp_path / "odd.json"))


def test_catastrophic_context_pattern_is_held_to_the_document_budget(tmp_path):
    # The trap sits in `unless`, searched once for every hit of the rule's own pattern.
    pack = tmp_path / "pack"
    write_rule(pack, "unless-trap", "en:\n  regex:\n    - 'notice is'\n  unless:\n    - '(a|a)*$'\n", topic="non_compete")
    path = tmp_path / "contract.txt"
    clauses = [f"{n}. Notices {n}. The notice is {'a' * 40}!" for n in range(4, 204)]
    path.write_text("\n".join(CONTRACT_EN + clauses), encoding="utf-8")
    started = time.perf_counter()
    report = check_file(path, Settings(rules_dirs=(str(pack),)))
    assert time.perf_counter() - started < 30  # a hang check: 200 time-outs would take 100 s
    assert any(w.code == "W210" and "(a|a)*$" in w.message for w in report.warnings), report.warnings
    assert report.topics["governing_law"].status == "present"


def test_a_zip_that_claims_a_version_zipfile_cannot_read_is_a_coded_error(tmp_path):
    # Found by benchmarks/fuzz.py: the "version needed to extract" of a member set to 23.5
    # made zipfile raise NotImplementedError out of the format sniffer (an E300).
    import docx

    from clausecheck.errors import InputError
    from clausecheck.parsers import read_file

    path = tmp_path / "contract.docx"
    document = docx.Document()
    document.add_paragraph("1. Purpose. The parties will jointly develop a sensor.")
    document.save(path)
    data = bytearray(path.read_bytes())
    central = data.find(b"PK\x01\x02")
    assert central > 0
    data[central + 6:central + 8] = (235).to_bytes(2, "little")  # version needed to extract: 23.5
    path.write_bytes(bytes(data))
    with pytest.raises(InputError) as error:
        read_file(path)
    assert error.value.code in ("E105", "E103", "E104")
