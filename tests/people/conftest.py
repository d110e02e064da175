"""Helpers for the person page's sections: small real files of each accepted kind."""

from __future__ import annotations

import io
import re

import pytest
from PIL import Image


def image_bytes(fmt: str = "PNG", size: tuple[int, int] = (40, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, format=fmt)
    return buffer.getvalue()


PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def upload(data: bytes, name: str, content_type: str = "application/octet-stream"):
    """A file as a form field value for the test client."""
    return (io.BytesIO(data), name, content_type)


def version_in(html: str, name: str = "version") -> str:
    return re.search(rf'name="{name}" type="hidden" value="(\d+)"', html).group(1)


@pytest.fixture
def stored_files(app):
    """The files under the attachments folder, as a function (hidden temporary files included)."""
    from pathlib import Path

    root = Path(app.config["ATTACHMENTS_DIR"])

    def listing() -> set[str]:
        return {p.name for p in root.rglob("*") if p.is_file()}

    return listing


def post_multipart(client, url: str, form: dict):
    """POST a multipart form encoded in memory: the test client would spool a large body to a
    temporary file it never closes."""
    from werkzeug.datastructures import FileStorage
    from werkzeug.test import stream_encode_multipart

    fields = {
        key: FileStorage(value[0], value[1], content_type=value[2]) if isinstance(value, tuple) else value
        for key, value in form.items()
    }
    stream, length, boundary = stream_encode_multipart(fields, use_tempfile=False)
    return client.post(
        url,
        input_stream=stream,
        content_length=length,
        content_type=f"multipart/form-data; boundary={boundary}",
    )
