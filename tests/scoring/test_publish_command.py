"""The publish command: refuses with the list of missing survey and data items, or publishes
with each named by --except UNIT/ITEM=REASON (ITEM * for all of a unit's)."""

import io
import re

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from scoring.models import Publication


def run(*args):
    out = io.StringIO()
    call_command("publish", "--year", "2025", *args, stdout=out)
    return out.getvalue()


def test_the_command_refuses_with_every_missing_input_and_what_to_type(survey_period):
    with pytest.raises(CommandError) as refused:
        run()
    message = str(refused.value)
    assert "Còn thiếu 2 mục khảo sát hoặc dữ liệu" in message
    assert "--except" in message
    assert "A/2.1.1  Sở Tư pháp — Mức độ hài lòng" in message
    assert "B/2.1.1  Sở Y tế — Mức độ hài lòng" in message
    assert not Publication.objects.exists()


def test_one_unit_named_is_not_enough(survey_period):
    with pytest.raises(CommandError, match=re.escape("B/2.1.1  Sở Y tế")):
        run("--except", "A/2.1.1=Chưa khảo sát")
    assert not Publication.objects.exists()


def test_the_command_publishes_with_the_exceptions_named(survey_period):
    output = run("--except", "A/2.1.1=Chưa khảo sát", "--except", "b/*=Đơn vị mới thành lập")
    assert "phiên bản 1" in output
    publication = Publication.objects.get()
    assert [(e["unit_code"], e["reason"]) for e in publication.exceptions] == [
        ("A", "Chưa khảo sát"),
        ("B", "Đơn vị mới thành lập"),
    ]


@pytest.mark.parametrize(
    ("argument", "message"),
    [
        ("A-2.1.1=Lý do", "phải viết dạng"),
        ("A/2.1.1", "phải viết dạng"),
        ("A/9.9.9=Lý do", "không phải là mục khảo sát hoặc dữ liệu còn thiếu"),
        ("ZZ/*=Lý do", "không phải là mục khảo sát hoặc dữ liệu còn thiếu"),
    ],
)
def test_a_mistyped_exception_is_refused_and_nothing_is_published(survey_period, argument, message):
    with pytest.raises(CommandError, match=message):
        run("--except", argument, "--except", "B/*=Lý do")
    assert not Publication.objects.exists()


def test_an_empty_reason_does_not_name_an_exception(survey_period):
    with pytest.raises(CommandError, match=re.escape("A/2.1.1  Sở Tư pháp")):
        run("--except", "A/2.1.1=  ", "--except", "B/*=Lý do")
    assert not Publication.objects.exists()
