"""pyproject.toml gives every dependency a bounded range, the lock files in requirements/ pin
each one inside it (`make lock`), and this environment was installed from them: make, CI and
the Dockerfile install exactly what the suite ran with."""

import tomllib
from importlib.metadata import PackageNotFoundError, requires, version
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parent.parent
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
RUNTIME = [Requirement(line) for line in PROJECT["dependencies"]]
TEST = [Requirement(line) for line in PROJECT["optional-dependencies"]["test"]]


def pins(lock: str) -> dict[str, Version]:
    """`name==version` lines of a pip-compile file (hashes and comments left out)."""
    found = {}
    for line in (ROOT / "requirements" / lock).read_text().splitlines():
        if "==" in line and not line.lstrip().startswith(("#", "--")):
            name, _, pinned = line.split(" ")[0].partition("==")
            found[canonicalize_name(name)] = Version(pinned)
    return found


@pytest.mark.parametrize("requirement", RUNTIME + TEST, ids=str)
def test_every_dependency_has_a_lower_and_an_upper_bound(requirement):
    operators = {spec.operator for spec in requirement.specifier}
    assert operators & {">=", ">", "~=", "=="}, f"{requirement}: no lower bound"
    assert operators & {"<", "<=", "~=", "=="}, f"{requirement}: no upper bound"


@pytest.mark.parametrize(
    ("lock", "requirements"), [("runtime.txt", RUNTIME), ("test.txt", RUNTIME + TEST)]
)
def test_the_locks_pin_every_dependency_inside_its_range(lock, requirements):
    pinned = pins(lock)
    for requirement in requirements:
        name = canonicalize_name(requirement.name)
        assert name in pinned, f"{name} is not in requirements/{lock}: run `make lock`"
        assert pinned[name] in requirement.specifier, (
            f"requirements/{lock} pins {name} {pinned[name]}, outside {requirement}: "
            "run `make lock`"
        )
        for extra in requirement.extras:  # psycopg[binary] brings psycopg-binary, …[s3] boto3
            brought = extra_requirements(name, extra)
            assert brought, f"{requirement}: the installed {name} has no extra {extra!r}"
            missing = sorted(brought - set(pinned))
            assert missing == [], f"{requirement} brings {missing}, not in requirements/{lock}"


def extra_requirements(name: str, extra: str) -> set[str]:
    """What `name[extra]` adds, read from the installed distribution's metadata."""
    brought = set()
    for line in requires(name) or []:
        requirement = Requirement(line)
        marker = requirement.marker
        if marker and "extra" in str(marker) and marker.evaluate({"extra": extra}):
            brought.add(canonicalize_name(requirement.name))
    return brought


def test_the_image_and_the_tests_run_the_same_versions():
    runtime, test = pins("runtime.txt"), pins("test.txt")
    assert {name: test.get(name) for name in runtime} == runtime


def test_this_environment_was_installed_from_the_test_lock():
    """A virtualenv older than the lock is rebuilt by `make` (its stamp depends on the lock)."""
    wrong = {}
    for name, pinned in pins("test.txt").items():
        try:
            installed = Version(version(name))
        except PackageNotFoundError:
            installed = None
        if installed != pinned:
            wrong[name] = (str(pinned), installed and str(installed))
    assert wrong == {}, "pinned, installed: run `make install`"
