"""Evidence files uploaded with a status update or a closure: checked, stored, served.

A file is kept content-addressed under `RECTRACK_HOME/evidence/<sha256>` (a directory
setting, so a mounted volume serves in production), next to `<sha256>.json` naming its
content type, its first file name and the memos it was uploaded for; the evidence record
carries the sha256 and a link to the dashboard's download route. Its type is read from its
bytes, never taken from the browser: PDF, DOCX, XLSX, PNG, JPEG or GIF, up to
`MAX_EVIDENCE_BYTES`. Anything else is `Invalid(field="evidence_file")`. Storing the same
bytes twice keeps one file.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from app.errors import Invalid

MAX_EVIDENCE_BYTES = 10 * 1024 * 1024
FIELD = "evidence_file"
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_OFFICE_ZIP = {"word/": ("application/vnd.openxmlformats-officedocument."
                         "wordprocessingml.document", ".docx"),
               "xl/": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                       ".xlsx")}


@dataclass(frozen=True)
class StoredFile:
    sha256: str
    content_type: str
    name: str  # a safe download name
    memo_ids: tuple[str, ...]


def sniff(data: bytes) -> tuple[str, str] | None:
    """(content type, extension) from the file's own bytes; None if not an accepted kind."""
    if data.startswith(b"%PDF-"):
        return "application/pdf", ".pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png", ".png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg", ".jpg"
    if data.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif", ".gif"
    if data.startswith(b"PK\x03\x04"):
        try:
            names = zipfile.ZipFile(io.BytesIO(data)).namelist()
        except zipfile.BadZipFile:
            return None
        if "[Content_Types].xml" in names:
            for prefix, kind in _OFFICE_ZIP.items():
                if any(n.startswith(prefix) for n in names):
                    return kind
    return None


def safe_name(name: str, extension: str) -> str:
    """A download name of plain characters, with the extension its bytes call for."""
    stem = re.sub(r"[^A-Za-z0-9._ -]+", "_", Path(name or "evidence").stem).strip(" .")
    return f"{(stem or 'evidence')[:80]}{extension}"


def save(home: Path, data: bytes, name: str, memo_id: str) -> StoredFile:
    """Check and store the file (once per content); Invalid if empty, too large or not
    an accepted kind."""
    if not data:
        raise Invalid(f"{FIELD}: the file is empty", field=FIELD)
    if len(data) > MAX_EVIDENCE_BYTES:
        raise Invalid(f"{FIELD}: the file is larger than {MAX_EVIDENCE_BYTES // 2**20} MiB",
                      field=FIELD)
    kind = sniff(data)
    if kind is None:
        raise Invalid(f"{FIELD}: not a PDF, DOCX, XLSX, PNG, JPEG or GIF file (judged by "
                      "its contents, not its name)", field=FIELD)
    sha256 = hashlib.sha256(data).hexdigest()
    folder = home / "evidence"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / sha256
    if not path.exists():
        _write_atomically(path, data)
    found = find(home, sha256)
    memo_ids = tuple(sorted({*(found.memo_ids if found else ()), memo_id}))
    stored = StoredFile(sha256=sha256, content_type=kind[0],
                        name=found.name if found else safe_name(name, kind[1]),
                        memo_ids=memo_ids)
    _write_atomically(folder / f"{sha256}.json", json.dumps({
        "content_type": stored.content_type, "name": stored.name,
        "memo_ids": list(stored.memo_ids)}).encode("utf-8"))
    return stored


def find(home: Path, sha256: str) -> StoredFile | None:
    if not _SHA256.match(sha256):
        return None
    meta = home / "evidence" / f"{sha256}.json"
    if not meta.is_file() or not (home / "evidence" / sha256).is_file():
        return None
    data = json.loads(meta.read_text(encoding="utf-8"))
    return StoredFile(sha256=sha256, content_type=data["content_type"], name=data["name"],
                      memo_ids=tuple(data["memo_ids"]))


def content(home: Path, sha256: str) -> bytes:
    return (home / "evidence" / sha256).read_bytes()


def _write_atomically(path: Path, data: bytes) -> None:
    partial = path.with_name(f".{path.name}.{os.getpid()}.part")
    partial.write_bytes(data)
    partial.replace(path)
