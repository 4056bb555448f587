"""The CI's dependency check tells "no known vulnerability" from "could not audit": pip-audit
alone prints "No known vulnerabilities found" even when every package was skipped."""

import importlib.util
from pathlib import Path

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "audit_dependencies.py"
spec = importlib.util.spec_from_file_location("audit_dependencies", SCRIPT)
audit = importlib.util.module_from_spec(spec)
spec.loader.exec_module(audit)

SKIPPED = {
    "dependencies": [
        {"name": "django", "skip_reason": "Dependency not found on PyPI and could not be audited"},
        {"name": "celery", "skip_reason": "Dependency not found on PyPI and could not be audited"},
    ]
}
CLEAN = {
    "dependencies": [
        {"name": "django", "version": "5.2.8", "vulns": []},
        {"name": "celery", "version": "5.5.3", "vulns": []},
    ]
}
VULNERABLE = {
    "dependencies": [
        {"name": "django", "version": "5.2.8", "vulns": [{"id": "PYSEC-2026-1"}]},
        {"name": "celery", "skip_reason": "not found"},
    ]
}


def verdict_of(*reports):
    verdict = audit.Verdict()
    for report in reports:
        audit.read_report(report, verdict)
    return verdict


def test_every_package_skipped_is_not_a_clean_bill():
    verdict = verdict_of(SKIPPED)
    assert verdict.audited == set() and set(verdict.unaudited) == {"django", "celery"}


def test_a_package_audited_by_the_second_service_counts_as_audited():
    verdict = verdict_of(SKIPPED, CLEAN)
    assert verdict.audited == {"django", "celery"} and verdict.unaudited == {}
    assert verdict.vulnerable == {}


def test_a_known_vulnerability_is_named_with_its_version():
    verdict = verdict_of(VULNERABLE)
    assert verdict.vulnerable == {"django 5.2.8": ["PYSEC-2026-1"]}
    assert set(verdict.unaudited) == {"celery"}


def test_the_exit_codes(monkeypatch, capsys):
    def services_answer(*reports):
        answers = iter(reports)
        monkeypatch.setattr(audit, "run_pip_audit", lambda *args: (next(answers), "down"))
        monkeypatch.setattr("sys.argv", ["audit", "requirements/test.txt"])

    services_answer(SKIPPED, None)
    assert audit.main() == 0
    assert "COULD NOT RUN IN FULL" in capsys.readouterr().out
    services_answer(SKIPPED, None)
    monkeypatch.setattr("sys.argv", ["audit", "--strict"])
    assert audit.main() == 2
    services_answer(CLEAN, CLEAN)
    assert audit.main() == 0
    assert "2 packages audited, no known vulnerabilities" in capsys.readouterr().out
    services_answer(VULNERABLE, SKIPPED)
    assert audit.main() == 1
    assert "django 5.2.8: PYSEC-2026-1" in capsys.readouterr().out
