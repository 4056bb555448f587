"""What docker-compose.yml and the settings promise for a scaled deployment, checked without
docker: files on S3 chosen by the environment (keys from *_FILE too), each kind of task on its
own queue and every queue consumed by a worker, one beat, a stateless web, and a healthcheck that
production's host check and https redirect let through."""

import http.server
import json
import re
import threading
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

import reports.tasks
import scoring.tasks
from parindex import healthcheck
from parindex.celery import app
from parindex.settings.env import default_storage_from_env, env_secret
from tests.test_settings import PROD_ENV, run_manage

ROOT = Path(__file__).resolve().parent.parent
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
SERVICES = COMPOSE["services"]
S3_ENV = {"STORAGE_BACKEND": "s3", "S3_BUCKET": "cchc", "S3_ENDPOINT_URL": "http://minio:9000"}


# ---------------------------------------------------------------- storage settings


def test_local_disk_stays_the_default(monkeypatch):
    monkeypatch.delenv("STORAGE_BACKEND", raising=False)
    assert default_storage_from_env() == {"BACKEND": "django.core.files.storage.FileSystemStorage"}


def test_s3_storage_is_private_and_reads_its_keys_from_files(monkeypatch, tmp_path):
    for key, value in S3_ENV.items():
        monkeypatch.setenv(key, value)
    secret = tmp_path / "s3-secret"
    secret.write_text("from-a-docker-secret\n", encoding="utf-8")
    monkeypatch.setenv("S3_ACCESS_KEY_ID", "parindex")
    monkeypatch.setenv("S3_SECRET_ACCESS_KEY_FILE", str(secret))
    entry = default_storage_from_env()
    options = entry["OPTIONS"]
    assert entry["BACKEND"] == "storages.backends.s3.S3Storage"
    assert (options["bucket_name"], options["endpoint_url"]) == ("cchc", "http://minio:9000")
    assert (options["access_key"], options["secret_key"]) == ("parindex", "from-a-docker-secret")
    assert options["default_acl"] == "private" and options["querystring_auth"] is True
    assert options["querystring_expire"] <= 300 and options["file_overwrite"] is False


@pytest.mark.parametrize(
    ("env", "word"),
    [
        ({"STORAGE_BACKEND": "s3"}, "S3_BUCKET"),
        ({"STORAGE_BACKEND": "ftp"}, "STORAGE_BACKEND"),
        (
            {"STORAGE_BACKEND": "s3", "S3_BUCKET": "b", "S3_SECRET_ACCESS_KEY_FILE": "/no/such"},
            "_FILE",
        ),
    ],
)
def test_a_wrong_storage_setting_stops_the_start(monkeypatch, env, word):
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    with pytest.raises(ImproperlyConfigured, match=word):
        default_storage_from_env()


def test_env_secret_prefers_the_file(monkeypatch, tmp_path):
    path = tmp_path / "pw"
    path.write_text("s3cr3t\n", encoding="utf-8")
    monkeypatch.setenv("SOME_PASSWORD", "plain")
    assert env_secret("SOME_PASSWORD") == "plain"
    monkeypatch.setenv("SOME_PASSWORD_FILE", str(path))
    assert env_secret("SOME_PASSWORD") == "s3cr3t"


def test_production_starts_on_s3():
    code = "from django.core.files.storage import default_storage as s; print(s.bucket_name)"
    env = {**PROD_ENV, **S3_ENV, "S3_ACCESS_KEY_ID": "a", "S3_SECRET_ACCESS_KEY": "b" * 16}
    result = run_manage("shell", "-c", code, env=env)
    assert result.returncode == 0 and result.stdout.strip().endswith("\ncchc"), result.stderr


# ---------------------------------------------------------------- queues


TASK_MODULES = (reports.tasks, scoring.tasks)  # registered on import, as in a worker


def route(task_name: str) -> str:
    return app.amqp.router.route({}, task_name)["queue"].name


@pytest.mark.parametrize(
    ("task", "queue"),
    [
        ("reports.tasks.build_report", "reports"),
        ("scoring.tasks.send_password_link", "mail"),
        ("scoring.tasks.send_notification_email", "mail"),
        ("reports.tasks.fail_stale_reports", "periodic"),
        ("scoring.tasks.send_deadline_reminders", "periodic"),
        ("scoring.tasks.open_due_appraisals", "periodic"),
        ("parindex.some_other_task", "celery"),
    ],
)
def test_each_kind_of_task_goes_to_its_queue(task, queue):
    assert task in app.tasks or task == "parindex.some_other_task"
    assert route(task) == queue


def test_every_job_beat_starts_runs_on_the_periodic_queue():
    assert settings.CELERY_BEAT_SCHEDULE
    for job in settings.CELERY_BEAT_SCHEDULE.values():
        assert job["task"] in app.tasks, job["task"]
        assert route(job["task"]) == "periodic", job["task"]


def test_every_routed_queue_is_a_known_queue():
    routed = {entry["queue"] for entry in settings.CELERY_TASK_ROUTES.values()}
    assert routed | {settings.CELERY_TASK_DEFAULT_QUEUE} == set(settings.PARINDEX_CELERY_QUEUES)


# ---------------------------------------------------------------- docker-compose.yml


def worker_queues(service: dict) -> list[str]:
    command = service["command"]
    assert command[:4] == ["celery", "-A", "parindex", "worker"], command
    return command[command.index("-Q") + 1].split(",")


def test_every_queue_has_its_own_worker_service():
    workers = {name: s for name, s in SERVICES.items() if "worker" in s.get("command", [])}
    consumed = {name: worker_queues(s) for name, s in workers.items()}
    assert consumed == {
        "worker-reports": ["reports"],
        "worker-mail": ["mail"],
        "worker-periodic": ["periodic"],
        "worker": ["celery"],
    }
    assert {q for queues in consumed.values() for q in queues} == set(
        settings.PARINDEX_CELERY_QUEUES
    )
    # PDFs: bounded concurrency and memory.
    reports = SERVICES["worker-reports"]
    assert "--concurrency" in reports["command"] and reports["mem_limit"]


def test_beat_is_one_service():
    beats = [name for name, s in SERVICES.items() if "beat" in s.get("command", [])]
    assert beats == ["beat"]
    assert SERVICES["beat"].get("deploy", {}).get("replicas", 1) == 1


def test_web_is_stateless_and_files_go_to_the_minio_bucket():
    web = SERVICES["web"]
    assert not web.get("volumes"), "web keeps no local files: several replicas share the bucket"
    assert web["environment"]["STORAGE_BACKEND"].startswith("${STORAGE_BACKEND:-s3}")
    assert "minio:9000" in web["environment"]["S3_ENDPOINT_URL"]
    assert "minio" in SERVICES and "minio-bucket" in SERVICES
    made = " ".join(SERVICES["minio-bucket"]["command"])
    assert "mc mb" in made and "mc anonymous set none" in made
    assert web["depends_on"]["minio-bucket"]["condition"] == "service_completed_successfully"
    assert "ports" not in SERVICES["minio"]  # only the portal's containers reach it


def test_the_web_healthcheck_runs_the_proxy_like_check():
    assert SERVICES["web"]["healthcheck"]["test"] == [
        "CMD",
        "python",
        "-m",
        "parindex.healthcheck",
    ]


def test_env_example_sets_every_variable_compose_requires():
    required = set(re.findall(r"\$\{(\w+):\?", (ROOT / "docker-compose.yml").read_text()))
    example = (ROOT / ".env.example").read_text(encoding="utf-8")
    given = {line.split("=", 1)[0] for line in example.splitlines() if "=" in line}
    assert required and required <= given, required - given


# ---------------------------------------------------------------- the healthcheck


def test_the_healthcheck_host_is_one_the_portal_serves():
    assert healthcheck.healthcheck_host("cchc.hoaan.gov.vn, www.x") == "cchc.hoaan.gov.vn"
    assert healthcheck.healthcheck_host(".hoaan.gov.vn") == "hoaan.gov.vn"
    assert healthcheck.healthcheck_host("*") == "localhost"
    assert healthcheck.healthcheck_host("") == "localhost"


HEALTHZ_UNDER_PROD = """
import json, os
from unittest import mock
from django.conf import settings
from django.test import Client, override_settings
from parindex.healthcheck import healthcheck_headers
client = Client()
# No database and no collected static files here (the error pages link the manifest's names).
plain_static = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
with mock.patch("parindex.views.connection"), override_settings(
    STORAGES={**settings.STORAGES, "staticfiles": plain_static}
):
    answers = {
        "docker": client.get("/healthz", headers={"Host": "127.0.0.1:8000"}),
        "host only": client.get("/healthz", headers={"Host": "cchc.hoaan.gov.vn"}),
        "healthcheck": client.get(
            "/healthz", headers=healthcheck_headers(os.environ["ALLOWED_HOSTS"])
        ),
    }
print(json.dumps({k: [r.status_code, r.content.decode()] for k, r in answers.items()}))
"""


def test_under_production_settings_healthz_answers_the_healthcheck_only():
    """Before: a plain request to 127.0.0.1 got 400 (DisallowedHost), with the host a 301 to
    https. The healthcheck asks as the proxy does and gets 200; neither check is relaxed."""
    result = run_manage("shell", "-c", HEALTHZ_UNDER_PROD, env=PROD_ENV)
    assert result.returncode == 0, result.stderr
    answers = json.loads(result.stdout.strip().splitlines()[-1])
    assert answers["docker"][0] == 400
    assert answers["host only"][0] == 301
    assert answers["healthcheck"] == [200, "ok"]


class _Healthz(http.server.BaseHTTPRequestHandler):
    seen: list = []

    def do_GET(self):
        self.seen.append((self.path, self.headers["Host"], self.headers["X-Forwarded-Proto"]))
        status, body = (200, b"ok") if self.headers["Host"] == "cchc.hoaan.gov.vn" else (400, b"")
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.mark.parametrize(("hosts", "code"), [("cchc.hoaan.gov.vn", 0), ("other.gov.vn", 1)])
def test_the_healthcheck_command_sends_the_host_and_says_by_its_exit_code(monkeypatch, hosts, code):
    server = http.server.HTTPServer(("127.0.0.1", 0), _Healthz)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _Healthz.seen = []
    try:
        monkeypatch.setenv("ALLOWED_HOSTS", hosts)
        monkeypatch.setenv("PARINDEX_HEALTHZ_URL", f"http://127.0.0.1:{server.server_port}/healthz")
        assert healthcheck.main() == code
    finally:
        server.shutdown()
        server.server_close()
    assert _Healthz.seen == [("/healthz", hosts, "https")]
