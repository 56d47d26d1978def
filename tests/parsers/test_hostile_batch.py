"""A batch over a folder holding the second round's hostile files ends by itself, records
every file with a result or a coded error, and stays in bounded memory."""

from __future__ import annotations

import codecs
import json
import random
import subprocess
import sys
import textwrap

import docx
from test_docx import _level, add_list, numbered
from test_docx_hostile import CONTRACT, EXCLUSIVE, _main_part_renamed, docx_with_parts, plain_docx, rewrite_docx, to_strict


def _hostile_folder(folder):
    folder.mkdir()
    text = "\n".join(CONTRACT)
    (folder / "spaces.txt").write_text(text + "\n3. Term. " + " " * 300_000 + "x\n", encoding="utf-8")
    (folder / "tabs.md").write_text("|" + "\t" * 200_000 + "-\n" + text, encoding="utf-8")
    (folder / "jis.txt").write_bytes("秘密保持契約書\n第1条（秘密保持）乙は、秘密情報を開示してはならない。\n".encode("iso2022_jp"))
    (folder / "bomless.txt").write_bytes(text.encode("utf-16-le"))
    (folder / "bom-binary.txt").write_bytes(codecs.BOM_UTF16_LE + random.Random(1).randbytes(20000))
    (folder / "disguised.txt").write_text(text.replace("secret", "s\u0435cr\ufe0fet"), encoding="utf-8")
    scratch = folder.parent / "scratch"
    scratch.mkdir()
    base = plain_docx(scratch / "base.docx")
    rewrite_docx(base, folder / "strict.docx", to_strict)
    _main_part_renamed(base, folder / "renamed.docx", lambda data: data.replace(b"?>", b'?><!DOCTYPE w:document [<!ENTITY x "x">]>', 1))
    document = docx.Document()
    add_list(document, 100, [_level(0, "upperLetter", "%1", start=2_600_000_000)])
    for n in range(30):
        numbered(document, f"Clause {n}.", 100)
    document.save(folder / "letters.docx")
    docx_with_parts(folder / "hidden.docx", f'<w:p><w:r><w:rPr><w:vanish/></w:rPr><w:t>{EXCLUSIVE}</w:t></w:r></w:p>')
    return {path.name for path in folder.iterdir()}


def test_batch_over_hostile_files_records_every_file_in_bounded_memory(tmp_path):
    names = _hostile_folder(tmp_path / "in")
    out = tmp_path / "out"
    # RUSAGE_CHILDREN's peak is that of the largest descendant waited for: the batch or a worker.
    wrapper = textwrap.dedent(f"""
        import json, resource, subprocess, sys
        completed = subprocess.run([sys.executable, "-m", "clausecheck", "batch", {str(tmp_path / "in")!r}, "-o", {str(out)!r}, "--jobs", "2"],
                                   capture_output=True, text=True, timeout=600)
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        print(json.dumps({{"returncode": completed.returncode, "stderr": completed.stderr[-3000:], "peak_mb": peak}}))
    """)
    result = json.loads(subprocess.run([sys.executable, "-c", wrapper], capture_output=True, text=True, timeout=900).stdout.strip().splitlines()[-1])
    assert result["returncode"] == 2, result  # some files are refused, none is lost
    lines = [json.loads(line) for line in (out / "results.jsonl").read_text(encoding="utf-8").splitlines()]
    recorded = {line["source"]["path"].rsplit("/", 1)[-1]: line.get("error", {}).get("code") for line in lines}
    assert set(recorded) == names, recorded
    assert recorded["bom-binary.txt"] == "E111" and recorded["renamed.docx"] == "E110"
    assert all(recorded[name] is None for name in names - {"bom-binary.txt", "renamed.docx"}), recorded
    assert result["peak_mb"] < 1500, result
