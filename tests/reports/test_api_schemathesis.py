"""The open-data API against its own OpenAPI schema, on a live server with published data.

Schemathesis (its command line, as CI would run it by hand) loads /api/v1/openapi.json over
HTTP and, for every operation, sends generated requests — valid and invalid parameters,
boundary values, then chains of requests that follow the links inside answers — and runs all
its checks on each answer: no 500, a status the schema lists, the content type, headers and
body it describes, invalid input refused, other methods answered 405 with Allow. Bounded by
the number of examples and a fixed seed: the same requests on every run, in well under a
minute. Its pytest plugin's @schema.parametrize does not run under pytest 9.2 (it sets a node
attribute pytest no longer has), hence the command line."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import reports.api

EXAMPLES = 20
SEED = "1402"
SCHEMATHESIS = shutil.which("st", path=str(Path(sys.executable).parent)) or "st"


def schemathesis_run(server, *options, examples=EXAMPLES, where=None):
    return subprocess.run(
        [
            SCHEMATHESIS,
            "run",
            f"{server.url}/api/v1/openapi.json",
            "--checks=all",
            f"--max-examples={examples}",
            f"--seed={SEED}",
            "--workers=1",
            "--generation-database=none",
            "--request-timeout=20",
            "--no-color",
            *options,
        ],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=where,  # it keeps a cache of crashes in .schemathesis/ there
    )


def test_every_operation_keeps_to_its_schema(live_server, open_data, tmp_path):
    run = schemathesis_run(live_server, where=tmp_path)
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-2000:]
    assert "6 selected / 6 total" in run.stdout
    assert "No issues found" in run.stdout


@pytest.mark.parametrize(
    ("breakage", "reported"),
    [
        ("a server error", "Server error"),
        ("an answer the schema does not describe", "Response violates schema"),
    ],
)
def test_schemathesis_fails_the_run_when_the_api_breaks_its_schema(
    live_server, open_data, monkeypatch, tmp_path, breakage, reported
):
    """The check above can fail: the live server answers from this process, so break it."""
    if breakage == "a server error":

        def broken(*args, **kwargs):
            raise RuntimeError("broken on purpose")

        monkeypatch.setattr(reports.api, "public_periods", broken)
    else:
        answer = reports.api._answer

        def broken(request, etag, schema, build, **kwargs):
            response = answer(request, etag, schema, build, **kwargs)
            if kwargs.get("fmt", "json") == "json" and response.status_code == 200:
                response.content = b'{"count": "many", "results": [{"year": "2025"}]}'
            return response

        monkeypatch.setattr(reports.api, "_answer", broken)
    run = schemathesis_run(
        live_server,
        "--include-path=/api/v1/periods",
        "--phases=fuzzing",
        examples=5,
        where=tmp_path,
    )
    assert run.returncode != 0, run.stdout[-3000:]
    assert reported in run.stdout
