"""A previewed upload waits server-side for its confirmation: the bytes in a private file under
MEDIA_ROOT named by a random token, the token, the file's SHA-256 and what the preview was made
with in the user's session. Nothing the browser sends back but the token is trusted; a token of
another session, another period, a changed file or one older than UPLOAD_LIFETIME is refused."""

import hashlib
import secrets
import time
from pathlib import Path

from django.conf import settings

UPLOAD_LIFETIME = 2 * 60 * 60  # seconds a previewed file waits for its confirmation


def _upload_dir() -> Path:
    path = Path(settings.MEDIA_ROOT) / "setup-uploads"
    path.mkdir(parents=True, exist_ok=True)
    return path


def stash(request, data: bytes, meta: dict, *, key: str) -> str:
    """Keep `data` until confirmed; `meta` (JSON-serialisable, with the "period" id) goes to
    the session under `key`. Returns the token."""
    now = time.time()
    for old in _upload_dir().glob("*.upload"):
        if now - old.stat().st_mtime > UPLOAD_LIFETIME:
            old.unlink(missing_ok=True)
    token = secrets.token_urlsafe(24)
    (_upload_dir() / f"{token}.upload").write_bytes(data)
    uploads = request.session.get(key, {})
    uploads[token] = {**meta, "sha256": hashlib.sha256(data).hexdigest(), "at": now}
    request.session[key] = uploads
    return token


def unstash(request, token: str, period_pk: int, *, key: str) -> tuple[bytes, dict] | None:
    """The stashed bytes and meta, or None when the token is not this session's for this
    period, has expired, or its file changed."""
    meta = request.session.get(key, {}).get(token) if isinstance(token, str) else None
    path = _upload_dir() / f"{token}.upload"
    if (
        not meta
        or meta.get("period") != period_pk
        or time.time() - meta["at"] > UPLOAD_LIFETIME
        or not path.is_file()
    ):
        return None
    data = path.read_bytes()
    if hashlib.sha256(data).hexdigest() != meta["sha256"]:
        return None
    return data, meta


def forget(request, token: str, *, key: str) -> None:
    """Drop a token (confirmed, or its file refused); only a token this session holds."""
    uploads = request.session.get(key, {})
    if token not in uploads:
        return
    uploads.pop(token, None)
    request.session[key] = uploads
    (_upload_dir() / f"{token}.upload").unlink(missing_ok=True)
