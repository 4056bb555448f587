"""An S3-compatible server on this machine (moto's, on 127.0.0.1 and a free port) and the
portal's default storage pointed at a fresh bucket on it, configured as production does it:
STORAGE_BACKEND=s3 read by parindex.settings.env.default_storage_from_env.

moto is a test dependency: if its server cannot start the tests fail, they are never skipped."""

import socket
import time
import uuid
from dataclasses import dataclass

import boto3
import pytest
from moto.server import ThreadedMotoServer

from parindex.settings.env import default_storage_from_env

REGION = "us-east-1"
ACCESS_KEY = "parindex-test"
SECRET_KEY = "parindex-test-secret"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_until_listening(port: int, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"moto's S3 server did not listen on 127.0.0.1:{port} within {timeout} s")


@pytest.fixture(scope="session")
def s3_endpoint():
    """The address of a running S3-compatible server, for the whole test session."""
    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        _wait_until_listening(port)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


@dataclass
class Bucket:
    name: str
    client: object

    def keys(self) -> list[str]:
        answer = self.client.list_objects_v2(Bucket=self.name)
        return sorted(entry["Key"] for entry in answer.get("Contents", []))

    def read(self, key: str) -> bytes:
        return self.client.get_object(Bucket=self.name, Key=key)["Body"].read()

    def acl_grants(self, key: str) -> list[dict]:
        return self.client.get_object_acl(Bucket=self.name, Key=key)["Grants"]


@pytest.fixture
def s3_bucket(s3_endpoint, settings, monkeypatch, tmp_path):
    """A new, empty bucket, and STORAGES["default"] on it as the settings build it from the
    environment. MEDIA_ROOT points at an empty folder that must stay empty."""
    name = f"parindex-{uuid.uuid4().hex[:12]}"
    environment = {
        "STORAGE_BACKEND": "s3",
        "S3_BUCKET": name,
        "S3_ENDPOINT_URL": s3_endpoint,
        "S3_REGION": REGION,
        "S3_ACCESS_KEY_ID": ACCESS_KEY,
        "S3_SECRET_ACCESS_KEY": SECRET_KEY,
    }
    # Read as production reads it, then the environment is put back: processes started by the
    # test must be handed the storage (parindex.processes), not find it in the environment.
    with monkeypatch.context() as patched:
        for key, value in environment.items():
            patched.setenv(key, value)
        entry = default_storage_from_env()
    client = boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        region_name=REGION,
        aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET_KEY,
    )
    client.create_bucket(Bucket=name)
    media_root = tmp_path / "media-unused"
    media_root.mkdir()
    settings.MEDIA_ROOT = media_root
    settings.STORAGES = {**settings.STORAGES, "default": entry}
    bucket = Bucket(name=name, client=client)
    yield bucket
    assert not any(media_root.iterdir()), "a file was written to local disk, not to the bucket"
