"""A previewed upload waits server-side for its confirmation: the bytes in a private file of the
default storage (MEDIA_ROOT, or the bucket that every web replica shares: the confirmation may
reach another replica than the preview did) named by a random token, the token, the file's
SHA-256 and what the preview was made with in the user's session. Nothing the browser sends back
but the token is trusted; a token of another session, another period, a changed file or one
older than UPLOAD_LIFETIME is refused."""

import hashlib
import secrets
import time
from datetime import timedelta

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

UPLOAD_LIFETIME = 2 * 60 * 60  # seconds a previewed file waits for its confirmation
UPLOAD_FOLDER = "setup-uploads"


def stash_name(token: str) -> str:
    """The stored file of a token, in the default storage."""
    return f"{UPLOAD_FOLDER}/{token}.upload"


def _forget_expired() -> None:
    try:
        _folders, names = default_storage.listdir(UPLOAD_FOLDER)
    except FileNotFoundError:  # local disk: nothing stashed yet
        return
    oldest = timezone.now() - timedelta(seconds=UPLOAD_LIFETIME)
    for name in names:
        stored = f"{UPLOAD_FOLDER}/{name}"
        try:
            if name.endswith(".upload") and default_storage.get_modified_time(stored) < oldest:
                default_storage.delete(stored)
        except FileNotFoundError:  # taken by another request meanwhile
            continue


def _read(name: str) -> bytes | None:
    try:
        with default_storage.open(name, "rb") as handle:
            return handle.read()
    except FileNotFoundError:
        return None


def stash(request, data: bytes, meta: dict, *, key: str) -> str:
    """Keep `data` until confirmed; `meta` (JSON-serialisable, with the "period" id) goes to
    the session under `key`. Returns the token."""
    now = time.time()
    _forget_expired()
    token = secrets.token_urlsafe(24)
    default_storage.save(stash_name(token), ContentFile(data))
    uploads = request.session.get(key, {})
    uploads[token] = {**meta, "sha256": hashlib.sha256(data).hexdigest(), "at": now}
    request.session[key] = uploads
    return token


def unstash(request, token: str, period_pk: int, *, key: str) -> tuple[bytes, dict] | None:
    """The stashed bytes and meta, or None when the token is not this session's for this
    period, has expired, or its file changed."""
    meta = request.session.get(key, {}).get(token) if isinstance(token, str) else None
    if not meta or meta.get("period") != period_pk or time.time() - meta["at"] > UPLOAD_LIFETIME:
        return None
    data = _read(stash_name(token))
    if data is None or hashlib.sha256(data).hexdigest() != meta["sha256"]:
        return None
    return data, meta


def forget(request, token: str, *, key: str) -> None:
    """Drop a token (confirmed, or its file refused); only a token this session holds."""
    uploads = request.session.get(key, {})
    if token not in uploads:
        return
    uploads.pop(token, None)
    request.session[key] = uploads
    default_storage.delete(stash_name(token))
