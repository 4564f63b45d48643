"""The bytes of a text file as text: the one decoder every reader uses (client lists, name pairs, official lists,
articles), so that every file is read, and refused, the same way.
"""
from __future__ import annotations

import codecs
from dataclasses import dataclass

_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF8, "utf-8-sig"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


class TextDecodeError(ValueError):
    """Bytes that are not a text file we can read; the message says why, for people (without the file's name)."""


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str                 # "utf-8", "utf-16", "windows-1252" (some lines)...
    note: str | None = None       # what was guessed ("not UTF-8 (byte 0xe9 at offset 12), read as Windows-1252")


def decode_text(data: bytes, fallback: bool = True) -> Decoded:
    """Decode a text file: a byte-order mark first (UTF-8, UTF-16, UTF-32), else UTF-8, else (``fallback``) each
    line that is not UTF-8 as Windows-1252, so that a file glued from a UTF-8 and a Windows-1252 export keeps its
    UTF-8 lines right. Raise ``TextDecodeError`` for NUL bytes, UTF-16 without its mark, a mark that lies, and
    (without ``fallback``) text that is not UTF-8."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return Decoded(data.decode(encoding), encoding.removesuffix("-sig"))
            except UnicodeDecodeError as exc:
                raise TextDecodeError(f"starts with a {encoding.removesuffix('-sig').upper()} byte-order mark but "
                                      f"is not valid {encoding.removesuffix('-sig').upper()} ({exc.reason})") from None
    if data[:200].count(b"\x00") > 20:       # text has no NULs; UTF-16 has one in every other byte
        raise TextDecodeError("looks like UTF-16 without a byte-order mark; save it as UTF-8")
    nul = data.find(b"\x00")
    if nul >= 0:
        raise TextDecodeError(f"contains NUL bytes (the first at offset {nul}); not a text file")
    try:
        return Decoded(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError as exc:
        where = f"byte 0x{data[exc.start]:02x} at offset {exc.start}"
    if not fallback:
        raise TextDecodeError(f"not UTF-8 ({where}); save it as UTF-8")
    out, offset = [], 0
    for line in data.splitlines(keepends=True):
        try:
            out.append(line.decode("utf-8"))
        except UnicodeDecodeError:
            try:
                out.append(line.decode("cp1252"))
            except UnicodeDecodeError as exc:     # 0x81, 0x8d, 0x8f, 0x90, 0x9d: no Windows-1252 either
                raise TextDecodeError(f"neither UTF-8 ({where}) nor Windows-1252 (byte 0x{line[exc.start]:02x} at "
                                      f"offset {offset + exc.start}); save it as UTF-8") from None
        offset += len(line)
    return Decoded("".join(out), "windows-1252", f"not UTF-8 ({where}), read as Windows-1252")
