"""What leaves the developer's machine: git never takes `.env`, the image never takes secrets,
history, the virtualenv or local data."""

import fnmatch
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def docker_excludes(path: str) -> bool:
    """Docker's rule for .dockerignore: a pattern excludes a path or a folder above it, `**/`
    matches at any depth, the last matching line wins and `!` takes a path back in."""
    parts = Path(path).parts
    prefixes = ["/".join(parts[: i + 1]) for i in range(len(parts))]
    excluded = False
    for raw in (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        pattern = line.removeprefix("!")
        if pattern.startswith("**/"):
            hit = any(fnmatch.fnmatch(part, pattern[3:]) for part in parts)
        else:
            hit = any(fnmatch.fnmatch(prefix, pattern) for prefix in prefixes)
        if hit:
            excluded = not line.startswith("!")
    return excluded


@pytest.mark.parametrize(
    "path",
    [
        ".env",
        ".env.production",
        ".git/config",
        ".venv/bin/python",
        "var/media/a.pdf",
        "node_modules/axe-core/axe.js",
        "db.sqlite3",
        "scoring/__pycache__/models.cpython-311.pyc",
    ],
)
def test_the_image_leaves_out_secrets_history_and_local_data(path):
    assert docker_excludes(path), f"{path} would be copied into the image"


@pytest.mark.parametrize(
    "path",
    [
        ".env.example",
        "manage.py",
        "parindex/settings/prod.py",
        "static/css/site.css",
        "templates/base.html",
        "requirements/runtime.txt",
        "scripts/system_packages.sh",
    ],
)
def test_the_image_keeps_what_the_portal_runs_on(path):
    assert not docker_excludes(path), f"{path} would be missing from the image"


def test_git_never_takes_the_env_file():
    def ignored(name):
        result = subprocess.run(
            ["git", "check-ignore", "-q", "--no-index", name], cwd=ROOT, check=False
        )
        return result.returncode == 0

    assert ignored(".env") and ignored(".env.production")
    assert not ignored(".env.example")
