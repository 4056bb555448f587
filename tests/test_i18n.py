"""The interface is Vietnamese: every string has a translation, and the compiled catalogue
matches the source one (a forgotten `compilemessages` would ship English)."""

import gettext
from pathlib import Path

import polib
from django.utils import translation

LOCALE = Path(__file__).resolve().parent.parent / "locale" / "vi" / "LC_MESSAGES"


def test_every_message_is_translated():
    catalogue = polib.pofile(str(LOCALE / "django.po"))
    untranslated = [entry.msgid for entry in catalogue.untranslated_entries()]
    fuzzy = [entry.msgid for entry in catalogue.fuzzy_entries()]
    assert not untranslated, untranslated
    assert not fuzzy, fuzzy


def test_compiled_catalogue_matches_the_source():
    catalogue = polib.pofile(str(LOCALE / "django.po"))
    with open(LOCALE / "django.mo", "rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    stale = []
    for entry in catalogue.translated_entries():
        if entry.msgid_plural:
            got = compiled.ngettext(entry.msgid, entry.msgid_plural, 1)
            expected = entry.msgstr_plural[0]
        elif entry.msgctxt:  # the same words meaning something else here ("Appraised")
            got, expected = compiled.pgettext(entry.msgctxt, entry.msgid), entry.msgstr
        else:
            got, expected = compiled.gettext(entry.msgid), entry.msgstr
        if got != expected:
            stale.append(entry.msgid)
    assert not stale, f"run `make messages`: {stale[:5]}"


def test_vietnamese_is_the_default_language(settings):
    assert settings.LANGUAGE_CODE == "vi"
    assert settings.TIME_ZONE == "Asia/Ho_Chi_Minh"
    assert translation.get_language() == "vi"
    assert translation.gettext("Log in") == "Đăng nhập"


def test_dates_and_decimals_are_written_the_vietnamese_way():
    from datetime import date
    from decimal import Decimal

    from django.utils import formats

    with translation.override("vi"):
        assert formats.date_format(date(2026, 12, 15), "SHORT_DATE_FORMAT") == "15/12/2026"
        assert formats.number_format(Decimal("88.52"), 2) == "88,52"
        from django import forms

        field = forms.DateField(localize=True)
        assert field.clean("15/12/2026") == date(2026, 12, 15)


def test_the_catalogue_holds_every_string_of_the_code(tmp_path):
    """`make messages` was run after the last change to a user-visible string."""
    import shutil
    import subprocess
    import sys

    import pytest

    if not shutil.which("xgettext"):  # `make test` installs it: a skip would hide a stale catalogue
        pytest.fail("GNU gettext is not installed: run `make test` or `apt-get install gettext`")
    root = LOCALE.parents[2]
    copy = tmp_path / "project"
    shutil.copytree(
        root,
        copy,
        ignore=shutil.ignore_patterns(
            ".venv", "var", ".git", "__pycache__", ".pytest_cache", ".hypothesis", "node_modules"
        ),
    )
    subprocess.run(
        [
            sys.executable,
            "manage.py",
            "makemessages",
            "-l",
            "vi",
            "--ignore=tests",
            "--no-location",
            "--no-obsolete",
        ],
        cwd=copy,
        check=True,
        capture_output=True,
        env={
            "PATH": "/usr/bin:/bin",
            "DJANGO_SETTINGS_MODULE": "parindex.settings.test",
            "PYTHONPATH": str(copy),
        },
    )
    extracted = {
        entry.msgid for entry in polib.pofile(str(copy / "locale/vi/LC_MESSAGES/django.po"))
    }
    committed = {entry.msgid for entry in polib.pofile(str(LOCALE / "django.po"))}
    assert extracted - committed == set(), "run `make messages` and translate the new strings"
