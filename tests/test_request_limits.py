"""parindex.limits: a body larger than the largest upload is refused with 413 from its declared
length, before anything reads it (test client, and a real socket against the live server);
answers to a signed-in user are `private, no-store` unless the view cached them itself."""

import socket
import time
from urllib.parse import urlparse

import pytest
from django.test import override_settings
from django.urls import reverse

from parindex.limits import request_max_bytes

MB = 1024 * 1024


@pytest.fixture
def staff(personas):
    return personas["staff_a"]


def declared_post(client, path, length, **extra):
    return client.generic(
        "POST",
        path,
        b"x" * 10,
        content_type="multipart/form-data; boundary=xyz",
        CONTENT_LENGTH=str(length),
        **extra,
    )


def test_the_default_limit_fits_three_largest_files_and_not_300_mb(settings):
    largest = max(settings.PARINDEX_EVIDENCE_MAX_MB, settings.PARINDEX_IMPORT_MAX_MB) * MB
    assert 3 * largest < request_max_bytes() < 300 * MB


@pytest.mark.django_db
def test_a_300_mb_declared_body_is_refused_with_a_vietnamese_page(client, staff):
    client.force_login(staff)
    response = declared_post(client, "/assessments/1/evidence/", 300 * MB)
    assert response.status_code == 413
    html = response.content.decode()
    assert "Tải lên bị từ chối" in html
    assert "300,0 MB" in html and "tối đa 65 MB" in html


@pytest.mark.django_db
def test_the_api_and_scripts_get_json(client):
    response = declared_post(client, "/api/v1/periods", 300 * MB)
    assert response.status_code == 413
    assert "300,0 MB" in response.json()["detail"]
    response = declared_post(client, "/x/", 300 * MB, HTTP_ACCEPT="application/json")
    assert response.status_code == 413 and "tối đa" in response.json()["detail"]


@pytest.mark.django_db
def test_a_chunked_body_without_a_length_is_refused_and_a_bad_length_too(client):
    response = client.generic(
        "POST", "/accounts/login/", b"", CONTENT_LENGTH="", HTTP_TRANSFER_ENCODING="chunked"
    )
    assert response.status_code == 411
    assert "không cho biết kích thước" in response.content.decode()
    response = declared_post(client, "/accounts/login/", "-5")
    assert response.status_code == 400


@pytest.mark.django_db
@override_settings(PARINDEX_REQUEST_MAX_MB=1)
def test_a_body_within_the_limit_goes_through(client):
    response = client.post(reverse("login"), {"username": "khong-co", "password": "sai"})
    assert response.status_code == 200  # the login form again, not a refusal


@pytest.mark.django_db(transaction=True)
def test_a_real_socket_declaring_300_mb_is_answered_at_once_without_sending_it(live_server):
    address = urlparse(live_server.url)
    started = time.monotonic()
    with socket.create_connection((address.hostname, address.port), timeout=10) as conn:
        conn.sendall(
            b"POST /accounts/login/ HTTP/1.1\r\n"
            + f"Host: {address.hostname}\r\n".encode()
            + b"Content-Type: multipart/form-data; boundary=xyz\r\n"
            + f"Content-Length: {300 * MB}\r\n\r\n".encode()
            + b"--xyz\r\n"
        )
        answer = b""
        while b"\r\n\r\n" not in answer:
            chunk = conn.recv(65536)
            if not chunk:
                break
            answer += chunk
    elapsed = time.monotonic() - started
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    print(f"413 after {elapsed * 1000:.0f} ms")
    assert elapsed < 2, elapsed


# ---------------------------------------------------------------- Cache-Control


@pytest.mark.django_db
def test_pages_for_a_signed_in_user_are_private_no_store(client, staff):
    client.force_login(staff)
    response = client.get("/")
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"


@pytest.mark.django_db
def test_anonymous_pages_are_left_as_the_view_made_them(client):
    response = client.get("/ket-qua/")
    assert response.status_code == 200
    assert response.get("Cache-Control") != "private, no-store"


@pytest.mark.django_db
def test_the_public_caches_headers_stay_for_a_signed_in_user(client, staff):
    client.force_login(staff)
    response = client.get("/api/v1/periods")
    assert response.status_code == 200
    assert "public" in response["Cache-Control"] and "no-store" not in response["Cache-Control"]
