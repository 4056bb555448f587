"""The official document's elements fixed with a publication (Nghị định 30/2020): the report's
number, the publishing decision, the signer and "Nơi nhận" — typed on the publish page with the
organiser's values as defaults, or given to the `publish` command — and what is refused."""

import io
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone

from scoring.models import Publication
from scoring.services.publication import DocumentElements, document_elements_check
from tests.helpers import CONTROL_REFUSED

pytestmark = pytest.mark.django_db

VALID = {
    "confirm": "on",
    "document_number": "12",
    "decision_number": "1520/QĐ-UBND",
    "decision_date": "27/02/2026",
    "signer_title": "KT. GIÁM ĐỐC\r\nPHÓ GIÁM ĐỐC",
    "signer_name": "Trần Quang Huy",
    "recipients": "UBND tỉnh (để báo cáo)\r\nCác sở, ban, ngành",
}


@pytest.fixture
def organiser(personas):
    organiser = personas["organiser"]
    organiser.document_code = "SNV"
    organiser.signer_title = "GIÁM ĐỐC"
    organiser.signer_name = "Lê Văn An"
    organiser.recipients = "Bộ Nội vụ\nLưu: VT, CCHC"
    organiser.save()
    return organiser


def url(period):
    return reverse("scoring:period_publish", args=[period.pk])


def test_the_publish_page_offers_the_organisers_values(
    client, personas, organiser, period_with_scores
):
    client.force_login(personas["home_affairs"])
    page = client.get(url(period_with_scores)).content.decode()
    assert "Văn bản công bố" in page
    assert 'value="Lê Văn An"' in page and "Bộ Nội vụ\nLưu: VT, CCHC</textarea>" in page
    assert "/BC-SNV" in page and "chưa có ký hiệu văn bản" not in page
    assert 'placeholder="dd/mm/yyyy"' in page


def test_the_publish_page_warns_when_the_organiser_has_no_document_code(
    client, personas, period_with_scores
):
    client.force_login(personas["home_affairs"])
    page = client.get(url(period_with_scores)).content.decode()
    assert "chưa có ký hiệu văn bản" in page and "/BC-……" in page


def test_publishing_keeps_the_elements_typed_with_the_version(
    client, personas, organiser, period_with_scores
):
    client.force_login(personas["home_affairs"])
    response = client.post(url(period_with_scores), VALID)
    assert response.status_code == 302, response.content.decode()[:2000]
    publication = Publication.objects.get()
    assert (
        publication.document_number,
        publication.decision_number,
        publication.decision_date,
        publication.signer_title,
        publication.signer_name,
        publication.recipients,
    ) == (
        "12",
        "1520/QĐ-UBND",
        date(2026, 2, 27),
        "KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC",
        "Trần Quang Huy",
        "UBND tỉnh (để báo cáo)\nCác sở, ban, ngành",
    )


def _future() -> str:
    return (timezone.localdate() + timedelta(days=1)).strftime("%d/%m/%Y")


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("document_number", "12a", "Số văn bản chỉ gồm chữ số"),
        ("document_number", "1234567", "Số văn bản có tối đa 6 chữ số"),
        ("document_number", "9" * 5000, "Số văn bản có tối đa 6 chữ số"),
        ("decision_number", "quyết định", "Viết số quyết định như trên quyết định"),
        ("decision_number", "1" * 51, "Số quyết định dài tối đa 50 ký tự"),
        ("decision_date", "31/02/2026", "Nhập ngày theo dạng dd/mm/yyyy"),
        ("decision_date", "2026-13-40", "Nhập ngày theo dạng dd/mm/yyyy"),
        ("decision_date", _future(), "Ngày ký quyết định không được ở tương lai"),
        ("decision_date", "01/01/1999", "Ngày ký quyết định quá xa trong quá khứ"),
        ("signer_name", "Trần\x00Huy", CONTROL_REFUSED),
        ("signer_name", "Trần\x07Huy", CONTROL_REFUSED),
        ("signer_title", "X" * 201, "Chức vụ người ký dài tối đa 200 ký tự"),
        ("recipients", "Nơi\n" * 31, "“Nơi nhận” có tối đa 30 nơi"),
        ("recipients", "x" * 2001, "“Nơi nhận” dài tối đa 2000 ký tự"),
    ],
)
def test_bad_elements_are_refused_with_a_vietnamese_message_and_nothing_is_published(
    client, personas, organiser, period_with_scores, field, value, message
):
    client.force_login(personas["home_affairs"])
    response = client.post(url(period_with_scores), {**VALID, field: value})
    assert response.status_code == (400 if message == CONTROL_REFUSED else 200)
    page = response.content.decode()
    assert message in page, page[page.find("field__error") - 300 : page.find("field__error") + 300]
    assert not Publication.objects.exists()


def test_a_decision_needs_both_its_number_and_its_date(
    client, personas, organiser, period_with_scores
):
    client.force_login(personas["home_affairs"])
    page = client.post(url(period_with_scores), {**VALID, "decision_date": ""}).content.decode()
    assert "Nhập ngày ký quyết định công bố." in page
    page = client.post(url(period_with_scores), {**VALID, "decision_number": ""}).content.decode()
    assert "Nhập số quyết định công bố." in page
    assert not Publication.objects.exists()


def test_the_service_normalises_and_fills_in_the_organisers_values(organiser):
    values = document_elements_check(
        DocumentElements(
            document_number=" 7 ",
            decision_number="  15/2024/qđ-ubnd ",
            decision_date=date(2025, 2, 28),
            recipients="  Bộ Nội vụ \n\n Các sở  \n",
        ),
        organiser,
    )
    assert values == {
        "document_number": "7",
        "decision_number": "15/2024/QĐ-UBND",
        "decision_date": date(2025, 2, 28),
        "signer_title": "GIÁM ĐỐC",  # None: the organiser's
        "signer_name": "Lê Văn An",
        "recipients": "Bộ Nội vụ\nCác sở",
    }
    blank = document_elements_check(DocumentElements(signer_name=""), organiser)
    assert blank["signer_name"] == ""  # given empty: printed empty
    with pytest.raises(ValidationError) as refused:
        document_elements_check(DocumentElements(document_number="1/2"), organiser)
    assert "document_number" in refused.value.message_dict


# ---------------------------------------------------------------- the publish command


def run(*args):
    out = io.StringIO()
    call_command("publish", "--year", "2025", *args, stdout=out)
    return out.getvalue()


def test_the_command_takes_the_elements(organiser, period_with_scores):
    run(
        "--document-number", "12",
        "--decision-number", "1520/QĐ-UBND",
        "--decision-date", "27/02/2026",
        "--signer-title", "KT. GIÁM ĐỐC",
        "--signer-title", "PHÓ GIÁM ĐỐC",
        "--signer-name", "Trần Quang Huy",
        "--recipient", "UBND tỉnh (để báo cáo)",
        "--recipient", "Lưu: VT, CCHC",
    )  # fmt: skip
    publication = Publication.objects.get()
    assert publication.document_number == "12"
    assert (publication.decision_number, publication.decision_date) == (
        "1520/QĐ-UBND",
        date(2026, 2, 27),
    )
    assert publication.signer_title == "KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC"
    assert publication.signer_name == "Trần Quang Huy"
    assert publication.recipients == "UBND tỉnh (để báo cáo)\nLưu: VT, CCHC"


def test_the_command_defaults_to_the_organisers_signer_and_the_date_of_the_decision(
    organiser, period_with_scores
):
    run("--date", "02/03/2026", "--decision-number", "301/QĐ-UBND")
    publication = Publication.objects.get()
    assert publication.decision_date == date(2026, 3, 2)  # --date is the decision's
    assert (publication.signer_title, publication.signer_name) == ("GIÁM ĐỐC", "Lê Văn An")
    assert publication.recipients == "Bộ Nội vụ\nLưu: VT, CCHC"
    assert publication.document_number == ""


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--decision-number", "1520/QĐ-UBND", "--decision-date", "2026-02-27"], "dd/mm/yyyy"),
        (["--decision-number", "1520/QĐ-UBND", "--decision-date", "01/01/2999"], "tương lai"),
        (["--decision-date", "27/02/2026"], "Nhập số quyết định công bố"),
        (["--document-number", "mười hai"], "Số văn bản chỉ gồm chữ số"),
        (["--signer-name", "Trần\x00Huy"], "ký tự không được phép"),
    ],
)
def test_the_command_refuses_bad_elements_and_publishes_nothing(
    organiser, period_with_scores, args, message
):
    with pytest.raises(CommandError, match=message):
        run(*args)
    assert not Publication.objects.exists()
