"""The layers hold: the import-linter contracts of pyproject.toml (apps one way, domain ←
selectors ← services ← web inside each app, a Django-free engine, no cycles), and no import of
our own code is hidden inside a function to dodge one."""

import ast
from pathlib import Path

import pytest
from importlinter import api as importlinter_api
from importlinter.application.use_cases import lint_imports

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("parindex", "units", "scoring", "reports")


def test_every_import_linter_contract_is_kept(monkeypatch, capsys):
    monkeypatch.chdir(ROOT)
    assert importlinter_api.read_configuration()["contracts_options"], "no contracts configured"
    kept = lint_imports(cache_dir=None, no_logo=True)
    report = capsys.readouterr().out
    assert kept, report


def _our_code() -> list[Path]:
    return [
        path
        for package in PACKAGES
        for path in (ROOT / package).rglob("*.py")
        if "migrations" not in path.parts
    ]


def _imports_in_functions(path: Path) -> list[str]:
    found = []
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for function in ast.walk(tree):
        if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for node in ast.walk(function):
            if isinstance(node, ast.ImportFrom):
                module = node.module or ""
                if node.level or module.split(".")[0] in PACKAGES:
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno} from {module}")
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name.split(".")[0] in PACKAGES:
                        found.append(f"{path.relative_to(ROOT)}:{node.lineno} import {alias.name}")
    return found


def test_no_import_of_our_own_code_is_placed_inside_a_function():
    hidden = [line for path in _our_code() for line in _imports_in_functions(path)]
    assert hidden == []


@pytest.mark.parametrize("module", ["scoring.engine.model", "scoring.engine.policy"])
def test_the_engine_imports_without_django(module, tmp_path):
    """Run in a fresh interpreter that cannot import Django at all."""
    import subprocess
    import sys

    blocker = tmp_path / "sitecustomize.py"
    blocker.write_text(
        "import sys\n"
        "class _NoDjango:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name == 'django' or name.startswith('django.'):\n"
        "            raise ImportError('Django is not allowed here')\n"
        "sys.meta_path.insert(0, _NoDjango())\n"
    )
    code = (
        f"import {module}, scoring.engine.results, scoring.engine.ranking, "
        "scoring.engine.comparison; print('ok')"
    )
    env = {"PYTHONPATH": f"{tmp_path}:{ROOT}", "PATH": "/usr/bin:/bin"}
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False
    )
    assert done.stdout.strip() == "ok", done.stderr


# What only one module may do, by the marks it leaves in code.
ONE_OWNER = {
    "parindex/parsing.py": ('replace(",", ".")', "TRUE_WORDS =", "FALSE_WORDS ="),
    "parindex/dates.py": ("strftime(", "date_format(", "dateformat.format("),
}


@pytest.mark.parametrize("owner", list(ONE_OWNER))
def test_numbers_yes_no_and_date_wording_each_live_in_one_module(owner):
    found = [
        f"{path.relative_to(ROOT)}: {mark}"
        for path in _our_code()
        if str(path.relative_to(ROOT)) != owner
        for mark in ONE_OWNER[owner]
        if mark in path.read_text(encoding="utf-8")
    ]
    assert found == []
