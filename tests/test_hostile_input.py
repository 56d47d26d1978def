"""Hostile and broken input: every case ends in a coded error or warning, never a crash.

Files are built inside the test (python-docx, reportlab, zipfile) so that each case states
exactly what is wrong with its input. Memory-heavy cases run in a subprocess so their peak
RSS can be measured and a runaway parser cannot take the test run down with it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time
import zipfile
from pathlib import Path

import pytest

from clausecheck.errors import ClausecheckError, InputError
from clausecheck.parsers import ReadOptions, read_file
from clausecheck.pipeline import Settings, check_file

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable

CONTRACT_EN = [
    "MUTUAL NON-DISCLOSURE AGREEMENT",
    "This Agreement is made between Acme Inc. (\"Acme\") and Beta LLC (\"Beta\").",
    "1. Confidentiality. Each party shall keep the other party's Confidential Information secret.",
    "2. Exclusivity. Beta shall be the exclusive distributor of the Products.",
    "3. Governing Law. This Agreement is governed by the laws of the State of New York.",
]


# -- builders ----------------------------------------------------------------------------


def make_docx(path: Path, paragraphs=CONTRACT_EN) -> Path:
    import docx

    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    document.save(str(path))
    return path


def make_pdf(path: Path, lines=CONTRACT_EN, pages: int = 1, encrypt: str | None = None) -> Path:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    pdf = canvas.Canvas(str(path), pagesize=A4, encrypt=encrypt)
    for page in range(pages):
        y = 800
        for line in lines:
            # Each page says something of its own, or repeated lines read as running headers.
            pdf.drawString(50, y, line if pages == 1 else f"{line} {page + 1} {_page_word(page)}")
            y -= 20
        pdf.showPage()
    pdf.save()
    return path


def _page_word(page: int) -> str:
    letters = ""
    page += 1
    while page:
        page, rest = divmod(page, 26)
        letters += "abcdefghijklmnopqrstuvwxyz"[rest]
    return f"item-{letters}"


def make_scanned_pdf(path: Path, pages: int = 2) -> Path:
    """Pages with drawn shapes only, as a scanner without OCR would leave them."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    pdf = canvas.Canvas(str(path), pagesize=A4)
    for _ in range(pages):
        for row in range(40):
            pdf.rect(50, 780 - row * 18, 400 - (row * 37) % 200, 8, fill=1, stroke=0)
        pdf.showPage()
    pdf.save()
    return path


def docx_with_document_xml(path: Path, document_xml: bytes) -> Path:
    """A real docx whose word/document.xml is replaced by `document_xml`."""
    template = make_docx(path.with_suffix(".template.docx"))
    with zipfile.ZipFile(template) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = document_xml if item.filename == "word/document.xml" else source.read(item.filename)
            target.writestr(item.filename, data)
    template.unlink()
    return path


def assert_code(excinfo, *codes: str) -> None:
    assert excinfo.value.code in codes, f"expected {codes}, got {excinfo.value}"


def run_isolated(code: str, timeout: float = 120) -> dict:
    """Run `code` in a fresh interpreter; it prints one JSON line. Adds peak RSS in MB."""
    wrapper = textwrap.dedent(
        """
        import json, resource, sys, time
        started = time.perf_counter()
        result = {}
        try:
        %s
        except Exception as error:
            result["error"] = type(error).__name__
            result["code"] = getattr(error, "code", None)
        result["seconds"] = time.perf_counter() - started
        # VmHWM is this interpreter's own peak; ru_maxrss would carry over the RSS of the
        # pytest process it was forked from (Linux keeps it across exec).
        with open("/proc/self/status") as status:
            hwm = [line for line in status if line.startswith("VmHWM:")]
        result["peak_mb"] = (int(hwm[0].split()[1]) if hwm else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss) / 1024
        print(json.dumps(result))
        """
    ) % textwrap.indent(textwrap.dedent(code), "    ")
    completed = subprocess.run([PYTHON, "-c", wrapper], capture_output=True, text=True, timeout=timeout, cwd=ROOT)
    assert completed.returncode == 0, completed.stderr[-2000:]
    return json.loads(completed.stdout.strip().splitlines()[-1])


# -- empty and garbage --------------------------------------------------------------------


@pytest.mark.parametrize("suffix", [".txt", ".md", ".pdf", ".docx"])
def test_empty_file_is_e102(tmp_path, suffix):
    path = tmp_path / f"empty{suffix}"
    path.write_bytes(b"")
    with pytest.raises(InputError) as excinfo:
        read_file(path)
    assert_code(excinfo, "E102")


@pytest.mark.parametrize("suffix", [".txt", ".pdf", ".docx"])
def test_random_bytes_are_refused_with_a_code(tmp_path, suffix):
    path = tmp_path / f"noise{suffix}"
    path.write_bytes(bytes(range(256)) * 64 + os.urandom(8192))
    with pytest.raises(InputError) as excinfo:
        read_file(path)
    # Bytes that are no PDF, no zip and no text: undecodable or unrecognised.
    assert_code(excinfo, "E103", "E104", "E111")


def test_whitespace_only_text_is_e102(tmp_path):
    path = tmp_path / "blank.txt"
    path.write_text(" \n\t\n\u3000\n", encoding="utf-8")
    with pytest.raises(InputError) as excinfo:
        read_file(path)
    assert_code(excinfo, "E102")


def test_missing_file_is_e101(tmp_path):
    with pytest.raises(InputError) as excinfo:
        read_file(tmp_path / "nowhere.docx")
    assert_code(excinfo, "E101")


# -- wrong extension ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "make, real_format, wrong_suffix",
    [(make_pdf, "pdf", ".docx"), (make_docx, "docx", ".pdf")],
    ids=["pdf-renamed-docx", "docx-renamed-pdf"],
)
def test_a_renamed_file_is_read_as_what_its_bytes_say_with_w104(tmp_path, make, real_format, wrong_suffix):
    real = make(tmp_path / f"contract.{real_format}")
    renamed = tmp_path / f"contract{wrong_suffix}"
    real.rename(renamed)
    raw = read_file(renamed)
    assert raw.source.format == real_format
    assert "W104" in {w.code for w in raw.warnings}
    assert "exclusive distributor" in " ".join(b.text for b in raw.blocks)


def test_text_named_docx_is_read_as_text_with_w104(tmp_path):
    path = tmp_path / "contract.docx"
    path.write_text("\n".join(CONTRACT_EN), encoding="utf-8")
    raw = read_file(path)
    assert raw.source.format in ("txt", "text")
    assert "W104" in {w.code for w in raw.warnings}


# -- truncated and corrupt ----------------------------------------------------------------------


@pytest.mark.parametrize("keep", [0.3, 0.6, 0.9])
def test_truncated_docx_is_e105(tmp_path, keep):
    data = make_docx(tmp_path / "full.docx").read_bytes()
    path = tmp_path / "truncated.docx"
    path.write_bytes(data[: int(len(data) * keep)])
    with pytest.raises(InputError) as excinfo:
        read_file(path)
    assert_code(excinfo, "E105")


@pytest.mark.parametrize("keep", [0.2, 0.5, 0.8])
def test_truncated_pdf_is_e105_or_read_with_what_survives(tmp_path, keep):
    data = make_pdf(tmp_path / "full.pdf", pages=4).read_bytes()
    path = tmp_path / "truncated.pdf"
    path.write_bytes(data[: int(len(data) * keep)])
    try:
        raw = read_file(path)
    except InputError as error:
        assert error.code in ("E105", "E108"), str(error)
    else:
        # pdfminer repairs a lost cross-reference table; what it returns is real page text.
        assert raw.source.format == "pdf"
        vocabulary = {word for line in CONTRACT_EN for word in line.split()} | {str(n) for n in range(1, 5)} | {_page_word(n) for n in range(4)}
        for block in raw.blocks:
            assert set(block.text.split()) <= vocabulary, block.text


def test_pdf_without_trailer_and_half_the_objects_is_e105(tmp_path):
    path = tmp_path / "broken.pdf"
    path.write_bytes(b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n2 0 obj\n<< /Type /Pages /Kids [3 0 R")
    with pytest.raises(InputError) as excinfo:
        read_file(path)
    assert_code(excinfo, "E105", "E108")


def test_zip_that_is_not_a_docx_is_e103(tmp_path):
    path = tmp_path / "archive.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "not a word document")
    with pytest.raises(InputError) as excinfo:
        read_file(path)
    assert_code(excinfo, "E103")


def test_docx_with_malformed_document_xml_is_e105(tmp_path):
    path = docx_with_document_xml(tmp_path / "bad.docx", b"<?xml version='1.0'?><w:document><w:body><w:p>")
    with pytest.raises(InputError) as excinfo:
        read_file(path)
    assert_code(excinfo, "E105")


# -- encryption ---------------------------------------------------------------------------------


def test_encrypted_pdf_without_password_is_e106(tmp_path):
    path = make_pdf(tmp_path / "locked.pdf", encrypt="s3cret")
    with pytest.raises(InputError) as excinfo:
        read_file(path)
    assert_code(excinfo, "E106")


def test_encrypted_pdf_with_wrong_password_is_e107(tmp_path):
    path = make_pdf(tmp_path / "locked.pdf", encrypt="s3cret")
    with pytest.raises(InputError) as excinfo:
        read_file(path, ReadOptions(password="wrong"))
    assert_code(excinfo, "E107", "E106")


def test_encrypted_pdf_with_password_is_read(tmp_path):
    path = make_pdf(tmp_path / "locked.pdf", encrypt="s3cret")
    raw = read_file(path, ReadOptions(password="s3cret"))
    assert "exclusive distributor" in " ".join(b.text for b in raw.blocks)


def test_encrypted_pdf_through_cli_password_option(tmp_path):
    path = make_pdf(tmp_path / "locked.pdf", encrypt="s3cret")
    locked = subprocess.run([PYTHON, "-m", "clausecheck", "check", str(path), "--format", "json"], capture_output=True, text=True, cwd=ROOT)
    assert locked.returncode == 2
    assert "E106" in locked.stderr
    opened = subprocess.run(
        [PYTHON, "-m", "clausecheck", "check", str(path), "--format", "json", "--password", "s3cret"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert opened.returncode == 0, opened.stderr
    report = json.loads(opened.stdout)
    assert report["topics"]["exclusivity"]["status"] == "present"


# -- scanned ------------------------------------------------------------------------------------


def test_scanned_pdf_is_e108_and_never_reported_absent(tmp_path):
    path = make_scanned_pdf(tmp_path / "scan.pdf")
    try:
        raw = read_file(path)
    except InputError as error:
        assert error.code == "E108", str(error)
    else:
        assert "E108" in {w.code for w in raw.warnings}
    try:
        report = check_file(path)
    except ClausecheckError as error:
        assert error.code == "E108", str(error)
    else:
        statuses = {result.status for result in report.topics.values()}
        assert "absent" not in statuses
        assert "uncertain" in statuses
        assert not [f for f in report.findings if f.kind == "missing"]


# -- bombs and entities -------------------------------------------------------------------------


BOMB_BYTES = 1 << 30  # 1 GiB of text inflated from about 1 MB


def write_zip_bomb(path: Path, inflated: int = BOMB_BYTES) -> Path:
    """A docx whose document.xml inflates to `inflated` bytes, written as a stream."""
    template = make_docx(path.with_suffix(".template.docx"))
    head = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        b"<w:body><w:p><w:r><w:t>"
    )
    tail = b"</w:t></w:r></w:p></w:body></w:document>"
    chunk = b"0" * (1 << 20)
    with zipfile.ZipFile(template) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            if item.filename == "word/document.xml":
                with target.open("word/document.xml", "w", force_zip64=True) as stream:
                    stream.write(head)
                    for _ in range((inflated - len(head) - len(tail)) // len(chunk)):
                        stream.write(chunk)
                    stream.write(tail)
            else:
                target.writestr(item.filename, source.read(item.filename))
    template.unlink()
    return path


@pytest.fixture(scope="module")
def zip_bomb(tmp_path_factory):
    return write_zip_bomb(tmp_path_factory.mktemp("bomb") / "bomb.docx")


def test_docx_zip_bomb_is_refused_in_bounded_memory_and_time(zip_bomb):
    assert zip_bomb.stat().st_size < 8 * 1024 * 1024
    result = run_isolated(
        f"""
        from clausecheck.parsers import read_file
        read_file({str(zip_bomb)!r})
        """
    )
    assert result.get("code") == "E110", result
    assert result["seconds"] < 30, result
    assert result["peak_mb"] < 400, result


def test_docx_billion_laughs_is_refused_or_inert(tmp_path):
    entities = "".join(f'<!ENTITY lol{i} "{"&lol%d;" % (i - 1) * 10}">' for i in range(1, 10))
    xml = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<!DOCTYPE w:document [<!ENTITY lol0 "lol">{entities}]>'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        "<w:body><w:p><w:r><w:t>Exclusivity &lol9;</w:t></w:r></w:p></w:body></w:document>"
    )
    path = docx_with_document_xml(tmp_path / "laughs.docx", xml.encode())
    result = run_isolated(
        f"""
        from clausecheck.parsers import read_file
        raw = read_file({str(path)!r})
        result["chars"] = sum(len(b.text) for b in raw.blocks)
        """
    )
    assert result["seconds"] < 30 and result["peak_mb"] < 400, result
    if "error" in result:
        assert result["code"] in ("E110", "E105"), result
    else:
        assert result["chars"] < 10_000, result  # entities left unexpanded


def test_docx_external_entity_is_refused_or_inert(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-PAYLOAD", encoding="utf-8")
    xml = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file://{secret}">]>'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        "<w:body><w:p><w:r><w:t>Exclusive rights &xxe; end</w:t></w:r></w:p></w:body></w:document>"
    )
    path = docx_with_document_xml(tmp_path / "xxe.docx", xml.encode())
    try:
        raw = read_file(path)
    except InputError as error:
        assert error.code in ("E110", "E105"), str(error)
    else:
        assert "TOP-SECRET-PAYLOAD" not in " ".join(b.text for b in raw.blocks)


# -- size limits --------------------------------------------------------------------------------


def test_fifty_megabyte_text_is_e109_by_default(tmp_path):
    path = tmp_path / "huge.txt"
    line = b"1. The Supplier shall deliver the Products on time and in full.\n"
    with path.open("wb") as handle:
        for _ in range(ReadOptions().max_bytes // len(line) + 2):
            handle.write(line)
    started = time.perf_counter()
    with pytest.raises(InputError) as excinfo:
        read_file(path)
    assert_code(excinfo, "E109")
    assert time.perf_counter() - started < 2  # refused from its size, before reading


def test_max_bytes_decides_between_refusing_and_reading(tmp_path):
    path = tmp_path / "big.txt"
    path.write_text("\n".join(CONTRACT_EN * 2000), encoding="utf-8")
    size = path.stat().st_size
    with pytest.raises(InputError) as excinfo:
        read_file(path, ReadOptions(max_bytes=size - 1))
    assert_code(excinfo, "E109")
    raw = read_file(path, ReadOptions(max_bytes=size))
    assert len(raw.blocks) == len(CONTRACT_EN) * 2000


def test_max_size_option_on_the_cli(tmp_path):
    path = tmp_path / "big.txt"
    path.write_text("\n".join(CONTRACT_EN * 4000), encoding="utf-8")
    refused = subprocess.run([PYTHON, "-m", "clausecheck", "check", str(path), "--format", "json", "--max-size", "0.1"], capture_output=True, text=True, cwd=ROOT)
    assert refused.returncode == 2
    assert "E109" in refused.stderr


def test_thousand_page_pdf_in_bounded_memory(tmp_path):
    path = make_pdf(tmp_path / "long.pdf", lines=["Section. The parties agree."], pages=1000)
    result = run_isolated(
        f"""
        from clausecheck.parsers import read_file
        raw = read_file({str(path)!r})
        result["pages"] = raw.source.pages
        result["page_words"] = len(set(w for b in raw.blocks for w in b.text.split() if w.startswith("item-")))
        """,
        timeout=300,
    )
    assert "error" not in result, result
    assert result["pages"] == 1000
    assert result["page_words"] == 1000  # every page's own text was read
    assert result["peak_mb"] < 600, result


def test_page_limit_stops_reading(tmp_path):
    path = make_pdf(tmp_path / "long.pdf", lines=["Section. The parties agree."], pages=30)
    try:
        raw = read_file(path, ReadOptions(max_pages=10))
    except InputError as error:
        assert error.code == "E109", str(error)
    else:
        pages = {b.page for b in raw.blocks}
        assert max(pages) <= 10


# -- invisible and look-alike characters --------------------------------------------------------


@pytest.mark.parametrize(
    "sentence, word, language",
    [
        ("Beta shall be the ex\u200bclusive distributor of the Products in Japan.", "ex\u200bclusive", "en"),
        ("Beta shall be the ex\u00adclusive distributor of the Products in Japan.", "ex\u00adclusive", "en"),
        ("Beta shall be the \u202eexclusive\u202c distributor of the Products in Japan.", "\u202eexclusive\u202c", "en"),
        ("Beta shall be the ＥＸＣＬＵＳＩＶＥ distributor of the Products in Japan.", "ＥＸＣＬＵＳＩＶＥ", "en"),
        ("第5条（独占）\n乙は、本製品の独\u200b占的販売権を有する。", "独\u200b占的", "ja"),
    ],
)
def test_invisible_and_width_variants_still_match_and_quote_the_original(tmp_path, sentence, word, language):
    lines = CONTRACT_EN[:2] + [sentence] if language == "en" else ["販売代理店契約書", "株式会社甲（以下「甲」という。）と株式会社乙（以下「乙」という。）は、次のとおり契約する。", sentence]
    path = tmp_path / "contract.txt"
    path.write_text("\n".join(lines), encoding="utf-8")
    report = check_file(path)
    exclusivity = report.topics["exclusivity"]
    assert exclusivity.status == "present"
    quoted = " ".join(e.text for e in exclusivity.evidence)
    assert word in quoted  # the memo shows the contract's own characters
    invisible = any(ch in word for ch in "\u200b\u00ad\u202e\u202c")
    assert ("W105" in {w.code for w in report.warnings}) == invisible


def test_memo_html_shows_the_original_characters(tmp_path):
    from clausecheck.report.output import render

    path = tmp_path / "contract.txt"
    path.write_text("\n".join(CONTRACT_EN[:2] + ["Beta shall be the ＥＸＣＬＵＳＩＶＥ distributor of the Products in Japan."]), encoding="utf-8")
    html = render(check_file(path), "html")
    assert "ＥＸＣＬＵＳＩＶＥ" in html


# -- hostile rule packs ---------------------------------------------------------------------------


def write_rule(folder: Path, rule_id: str, body: str, topic: str = "exclusivity") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{rule_id}.yaml"
    path.write_text(f"kind: detect\ntopic: {topic}\nscope: sentence\ntitle:\n  en: {rule_id}\n  ja: {rule_id}\n{body}", encoding="utf-8")
    return path


def test_rules_validate_reports_every_problem_with_file_and_line(tmp_path):
    pack = tmp_path / "pack"
    write_rule(pack / "a", "dup-rule", "en:\n  regex:\n    - 'foo'\n")
    write_rule(pack / "b", "dup-rule", "en:\n  regex:\n    - 'bar'\n")
    write_rule(pack, "bad-regex", "en:\n  regex:\n    - 'unclosed(group'\n")
    write_rule(pack, "catastrophic", "en:\n  regex:\n    - '(a+)+$'\n")
    (pack / "broken.yaml").write_text("kind: detect\ntopic: [exclusivity\n  title: {\n", encoding="utf-8")
    started = time.perf_counter()
    completed = subprocess.run([PYTHON, "-m", "clausecheck", "rules", "validate", str(pack)], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert time.perf_counter() - started < 30
    assert completed.returncode == 2
    lines = completed.stdout.splitlines()
    by_code = {}
    for line in lines:
        location, _, rest = line.partition(": [")
        by_code.setdefault(rest[:4], []).append(location)
    assert any(loc.startswith(str(pack / "b" / "dup-rule.yaml")) or loc.startswith(str(pack / "a" / "dup-rule.yaml")) for loc in by_code.get("E205", [])), lines
    assert any(loc.startswith(str(pack / "bad-regex.yaml") + ":") for loc in by_code.get("E206", [])), lines
    assert any(loc.startswith(str(pack / "broken.yaml") + ":") for loc in by_code.get("E201", [])), lines
    for line in lines:
        path, line_number, _ = line.split(":", 2)
        assert Path(path).exists() and int(line_number) >= 1, line


@pytest.mark.parametrize(
    "pattern",
    [
        "(a|aa)+$",
        # Starting with a word, it is tried only where the word is (engine/compiler.py,
        # leading_literals): those tries must keep the time limit too.
        "\\bnotices\\.\\s+(?:a|aa)+$",
    ],
)
def test_catastrophic_regex_times_out_with_w210_and_the_run_goes_on(tmp_path, pattern):
    # `(a|aa)+$` backtracks exponentially on a run of a's that does not reach the end.
    pack = tmp_path / "pack"
    write_rule(pack, "backtracking-trap", f"en:\n  regex:\n    - '{pattern}'\n", topic="non_compete")
    path = tmp_path / "contract.txt"
    path.write_text("\n".join(CONTRACT_EN + ["4. Notices. " + "a" * 40 + "!"]), encoding="utf-8")
    started = time.perf_counter()
    report = check_file(path, Settings(rules_dirs=(str(pack),)))
    assert time.perf_counter() - started < 20
    codes = [w.code for w in report.warnings]
    assert "W210" in codes
    assert any("backtracking-trap" in w.message for w in report.warnings if w.code == "W210")
    # The other rules still ran.
    assert report.topics["exclusivity"].status == "present"
    assert report.topics["governing_law"].status == "present"


def test_rule_pack_with_problems_stops_check_with_e2xx(tmp_path):
    pack = tmp_path / "pack"
    write_rule(pack, "bad-regex", "en:\n  regex:\n    - '[unclosed'\n")
    path = tmp_path / "contract.txt"
    path.write_text("\n".join(CONTRACT_EN), encoding="utf-8")
    completed = subprocess.run([PYTHON, "-m", "clausecheck", "check", str(path), "--rules", str(pack), "--format", "json"], capture_output=True, text=True, cwd=ROOT)
    assert completed.returncode == 2
    assert "E206" in completed.stderr and "bad-regex.yaml:" in completed.stderr


def test_binary_stdout_safe_for_control_characters(tmp_path):
    path = tmp_path / "control.txt"
    path.write_text("\n".join(CONTRACT_EN) + "\n5. Misc. Bell\x07 and escape\x1b[31m red.", encoding="utf-8")
    report = check_file(path)
    from clausecheck.report.json_report import dumps, report_dict

    json.loads(dumps(report_dict(report)))  # control characters stay valid JSON
