#!/usr/bin/env python3
"""The dependency vulnerability check run by .ci/run (and `make audit`).

pip-audit asks a vulnerability service about every pinned version in requirements/. When the
service cannot be reached (this network's PyPI mirror answers 404 for per-version data and OSV
is not reachable), pip-audit itself still says "No known vulnerabilities found" and exits 0 —
having audited nothing. This script reads pip-audit's JSON instead and tells the three cases
apart: a known vulnerability fails the run (exit 1); packages that no service could audit are
named in a banner that cannot be missed (exit 0, or 2 with --strict); otherwise it says how many
packages were audited."""

import argparse
import json
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SERVICES = ("pypi", "osv")


@dataclass
class Verdict:
    audited: set[str] = field(default_factory=set)
    unaudited: dict[str, str] = field(default_factory=dict)  # package → why
    vulnerable: dict[str, list[str]] = field(default_factory=dict)  # "name version" → ids


def read_report(report: dict, verdict: Verdict) -> None:
    """Fold one pip-audit JSON report into the verdict: a package audited by any service counts
    as audited; a vulnerability from any service counts."""
    for dependency in report.get("dependencies", []):
        name = dependency["name"]
        if "skip_reason" in dependency:
            if name not in verdict.audited:
                verdict.unaudited[name] = dependency["skip_reason"]
            continue
        verdict.audited.add(name)
        verdict.unaudited.pop(name, None)
        ids = [vuln["id"] for vuln in dependency.get("vulns", [])]
        if ids:
            verdict.vulnerable[f"{name} {dependency.get('version', '')}".strip()] = ids


def run_pip_audit(requirements: Path, service: str, timeout: int) -> tuple[dict | None, str]:
    command = [
        sys.executable, "-m", "pip_audit", "--requirement", str(requirements),
        "--require-hashes", "--disable-pip", "--progress-spinner", "off",
        "--vulnerability-service", service, "--format", "json", "--timeout", "20",
    ]  # fmt: skip
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return None, f"pip-audit ({service}) did not finish within {timeout} s"
    try:
        return json.loads(done.stdout), ""
    except json.JSONDecodeError:
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        return None, f"pip-audit ({service}) failed: {last[:90]}"


def banner(lines: list[str]) -> str:
    width = max(len(line) for line in lines) + 4
    rule = "!" * width
    return "\n".join([rule, *(f"! {line.ljust(width - 4)} !" for line in lines), rule])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("requirements", nargs="*", default=["requirements/test.txt"])
    parser.add_argument("--strict", action="store_true", help="exit 2 when a package is unaudited")
    parser.add_argument("--timeout", type=int, default=600)
    args = parser.parse_args()

    verdict = Verdict()
    failures = []
    for requirements in args.requirements:
        for service in SERVICES:
            report, failure = run_pip_audit(ROOT / requirements, service, args.timeout)
            if report is None:
                failures.append(failure)
            else:
                read_report(report, verdict)

    if verdict.vulnerable:
        print("Known vulnerabilities in pinned dependencies (update them with `make lock`):")
        for package, ids in sorted(verdict.vulnerable.items()):
            print(f"  {package}: {', '.join(ids)}")
        return 1
    if verdict.unaudited or not verdict.audited:
        names = sorted(verdict.unaudited)
        print(
            banner(
                [
                    "DEPENDENCY VULNERABILITY CHECK COULD NOT RUN IN FULL",
                    f"audited: {len(verdict.audited)} packages; not audited: {len(names)}",
                    "no vulnerability service answered for them (network or mirror):",
                    *failures,
                    "run `make audit` where pypi.org or api.osv.dev is reachable",
                ]
            )
        )
        if names:
            print("not audited: " + ", ".join(names))
        return 2 if args.strict else 0
    print(f"Dependency check: {len(verdict.audited)} packages audited, no known vulnerabilities.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
