"""Uploaded files: checked by their content, stored outside the web root under random names.

Any part that keeps documents uses ``save_upload`` in a service and ``path_of`` in the view that
serves a file after checking who may see it. What a file is comes from its bytes, never from its
name or the type the browser declared: PDF (starts with ``%PDF-`` and ends with ``%%EOF``), JPEG
and PNG (opened and verified with Pillow). Files are written into ``ATTACHMENTS_DIR``; a file
stored by a transaction that is rolled back is removed, and a file given up with ``discard`` is
removed only once the transaction commits.
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
import tempfile
import unicodedata
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from flask import current_app
from PIL import Image
from sqlalchemy import event
from sqlalchemy.orm import Session

from sportello.core.i18n import lazy_gettext as _l

PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"
EXTENSIONS = {PDF: ".pdf", JPEG: ".jpg", PNG: ".png"}
PILLOW_FORMATS = {"JPEG": JPEG, "PNG": PNG}

# How far from the end "%%EOF" may be: writers add line ends and sometimes padding after it.
PDF_TAIL = 1024
CHUNK = 64 * 1024

_NEW = "sportello_files_written"
_DISCARDED = "sportello_files_discarded"


class FileRejected(Exception):
    """The upload is not a file this installation accepts; ``message`` says why, for the user."""

    def __init__(self, message: Any) -> None:
        super().__init__(str(message))
        self.message = message


@dataclass(frozen=True)
class StoredFile:
    name: str  # the random name under ATTACHMENTS_DIR
    size: int
    sha256: str
    content_type: str
    original_filename: str


def storage_dir() -> Path:
    return Path(current_app.config["ATTACHMENTS_DIR"])


def max_bytes() -> int:
    return int(current_app.config["MAX_ATTACHMENT_MB"]) * 1024 * 1024


def path_of(name: str) -> Path:
    """Where a stored file lives. Names are ours (hex), never taken from a request."""
    if not re.fullmatch(r"[0-9a-f]{32}", name):
        raise ValueError("not a stored file name")
    return storage_dir() / name[:2] / name


# ---- what a file is ---------------------------------------------------------------------------


def detect_type(path: Path) -> str | None:
    """The content type of the file at ``path`` if it is an accepted kind, else None."""
    with path.open("rb") as handle:
        head = handle.read(8)
        if head.startswith(b"%PDF-"):
            handle.seek(0, os.SEEK_END)
            handle.seek(max(0, handle.tell() - PDF_TAIL))
            return PDF if b"%%EOF" in handle.read() else None
    return _image_type(path)


def _image_type(path: Path) -> str | None:
    try:
        with warnings.catch_warnings():
            # A decompression bomb (absurd pixel counts) is refused, not merely warned about.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path) as image:
                kind = PILLOW_FORMATS.get(image.format or "")
                if kind is None:
                    return None
                image.verify()
            # verify() checks the structure; decoding the pixels catches truncated files too.
            with Image.open(path) as image:
                image.load()
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError, Image.DecompressionBombWarning):
        return None
    return kind


# ---- names ------------------------------------------------------------------------------------

# Control characters, bidirectional marks (they disguise "gpj.exe" as "exe.jpg") and characters
# that file systems or headers refuse.
_UNSAFE = re.compile(r'[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff<>:"/\\|?*]')


def clean_filename(name: str | None, limit: int = 200) -> str:
    """The last part of an uploaded file's name, without anything that could do harm:
    "C:\\scans\\passaporto ‮gpj.exe" -> "passaporto gpj.exe". Letters of any script are kept."""
    name = unicodedata.normalize("NFC", name or "")
    name = re.split(r"[/\\]", name)[-1]
    name = _UNSAFE.sub("", name)
    name = " ".join(name.split()).strip(" .")
    if len(name) > limit:
        stem, dot, extension = name.rpartition(".")
        name = (stem[: limit - len(extension) - 1] + dot + extension) if dot and len(extension) <= 10 else name[:limit]
    return name or "file"


def download_name(original: str, content_type: str) -> str:
    """The name a file is served under: its original name, with the extension of what it really is."""
    extension = EXTENSIONS.get(content_type, "")
    _stem, dot, current = original.rpartition(".")
    if dot and f".{current.lower()}" in ({extension, ".jpeg"} if content_type == JPEG else {extension}):
        return original
    return original + extension


# ---- storing ----------------------------------------------------------------------------------


def save_upload(stream: IO[bytes], filename: str | None) -> StoredFile:
    """Check an uploaded file and store it; raises FileRejected with a message for the user.

    The file is written under a random name while its size and checksum are computed, so a file
    too large is refused without reading it all into memory.
    """
    directory = storage_dir()
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    limit = max_bytes()
    digest = hashlib.sha256()
    size = 0
    descriptor, name = tempfile.mkstemp(dir=directory, prefix=".upload-")  # readable by us only
    temporary = Path(name)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            while chunk := stream.read(CHUNK):
                size += len(chunk)
                if size > limit:
                    raise FileRejected(
                        _l(
                            "This file is larger than %(max)s MB. Scan it at a lower resolution or in black and white.",
                            max=current_app.config["MAX_ATTACHMENT_MB"],
                        )
                    )
                digest.update(chunk)
                handle.write(chunk)
        if size == 0:
            raise FileRejected(_l("This file is empty."))
        content_type = detect_type(temporary)
        if content_type is None:
            raise FileRejected(
                _l(
                    "This file is not a PDF, JPEG or PNG document, whatever its name says. "
                    "Choose a scan in one of these formats."
                )
            )
        stored_name = secrets.token_hex(16)
        final = path_of(stored_name)
        final.parent.mkdir(mode=0o700, exist_ok=True)
        os.replace(temporary, final)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    _remember(_NEW, final)
    return StoredFile(stored_name, size, digest.hexdigest(), content_type, clean_filename(filename))


def discard(name: str) -> None:
    """Remove a stored file once the current transaction commits (kept if it rolls back)."""
    _remember(_DISCARDED, path_of(name))


def _remember(key: str, path: Path) -> None:
    from sportello.extensions import db

    db.session.connection()  # the file's fate follows this transaction: begin it if need be
    db.session.info.setdefault(key, []).append(str(path))


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    if session.in_nested_transaction():  # a savepoint: only the transaction's end counts
        return
    session.info.pop(_NEW, None)
    for path in session.info.pop(_DISCARDED, []):
        Path(path).unlink(missing_ok=True)


@event.listens_for(Session, "after_transaction_end")
def _after_transaction_end(session: Session, transaction: Any) -> None:
    """Rolled back or closed without a commit: files stored meanwhile go, files to discard stay."""
    if transaction.parent is not None:  # savepoints
        return
    session.info.pop(_DISCARDED, None)
    for path in session.info.pop(_NEW, []):
        Path(path).unlink(missing_ok=True)
