"""Text encodings that pass for another one: ISO-2022-JP, UTF-16 without a BOM, a BOM before binary."""

from __future__ import annotations

import codecs
import random

import pytest

from clausecheck.errors import InputError
from clausecheck.parsers import read_file

JA = "秘密保持契約書\n第1条（目的）本契約は、甲乙間の秘密情報の取扱いを定める。\n第2条（秘密保持）乙は、秘密情報を第三者に開示してはならない。\n"
EN = "MUTUAL NON-DISCLOSURE AGREEMENT\n1. Confidentiality. Each party shall keep the other's information secret.\n2. Governing Law. The laws of Japan.\n"


def _noise(size: int, seed: int) -> bytes:
    return random.Random(seed).randbytes(size)


@pytest.mark.parametrize("codec", ["iso2022_jp", "iso2022_jp_2"])
def test_iso_2022_jp_is_decoded_not_read_as_escapes(tmp_path, codec):
    path = tmp_path / "jis.txt"
    path.write_bytes(JA.encode(codec))
    raw = read_file(path)
    assert [block.text for block in raw.blocks][:2] == ["秘密保持契約書", "第1条（目的）本契約は、甲乙間の秘密情報の取扱いを定める。"]
    assert not any("\x1b" in block.text for block in raw.blocks)
    assert any(w.code == "W106" and "iso2022" in w.message for w in raw.warnings)


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_english_utf16_without_bom_is_decoded(tmp_path, codec):
    path = tmp_path / "bomless.txt"
    path.write_bytes(EN.encode(codec))
    raw = read_file(path)
    assert [block.text for block in raw.blocks] == EN.strip().split("\n")


@pytest.mark.parametrize("bom", [codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE], ids=["le", "be"])
@pytest.mark.parametrize("seed", range(5))
def test_utf16_bom_followed_by_binary_is_e111(tmp_path, bom, seed):
    path = tmp_path / "bom-binary.txt"
    path.write_bytes(bom + _noise(16000, seed))
    with pytest.raises(InputError) as excinfo:
        read_file(path)
    assert excinfo.value.code == "E111"


def test_utf16_with_bom_still_reads_japanese(tmp_path):
    path = tmp_path / "ja16.txt"
    path.write_bytes(JA.encode("utf-16"))
    assert read_file(path).blocks[0].text == "秘密保持契約書"


def test_utf16_text_then_binary_tail_is_e111(tmp_path):
    # A real heading and then a binary payload: most of the decoded text is not text.
    path = tmp_path / "mixed.txt"
    path.write_bytes(codecs.BOM_UTF16_LE + "CONTRACT\n".encode("utf-16-le") + _noise(20000, 99))
    with pytest.raises(InputError) as excinfo:
        read_file(path)
    assert excinfo.value.code == "E111"
