"""Probes of issue 13 as an attacker and a careful user would try it: control characters, NUL
bytes and formulas in every text field and file cell, malformed files (the survey and data
uploads are import jobs: a refused file is a failed job whose page lists the problems), a
confirmation that tries to change what was previewed, confirming twice, publication exceptions
that do not fit, per-case counts typed oddly, and uploads racing a publication. Never a 500,
never a change made despite an error, never English, never unescaped output."""

import io
import zipfile
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from parindex.text import has_control_character
from scoring.models import (
    Assessment,
    AuditEntry,
    DataFigure,
    DataSet,
    IndexItem,
    ItemLevel,
    Publication,
    Score,
    SurveyResult,
)
from scoring.rules import parse_rule
from scoring.services.transitions import SYSTEM, assessments_move
from scoring.workflow import AssessmentStatus, PeriodStatus
from tests.factories import (
    AssessmentFactory,
    IndexSetFactory,
    PeriodFactory,
    data_item,
    small_tree,
    survey_branch,
)
from tests.helpers import assert_control_refused, csv_text, xlsx
from units.models import ImportJob, ImportJobStatus

D = Decimal
JSON = {"HTTP_ACCEPT": "application/json"}
ENGLISH = (
    "Null characters",
    "is not allowed",
    "This field",
    "Select a valid",
    "Enter a ",
    "Ensure this",
    "not a number",
    "Traceback",
)


def url(name, *args):
    return reverse(f"scoring:{name}", args=args)


def no_english(html: str) -> None:
    for fragment in ENGLISH:
        assert fragment not in html, fragment


@pytest.fixture
def period(personas):
    period = PeriodFactory(
        organiser=personas["organiser"],
        year=2026,
        status=PeriodStatus.SELF_ASSESSMENT,
        self_assessment_deadline=timezone.now() + timedelta(days=7),
    )
    index_set = IndexSetFactory(period=period, unit_kind=personas["kind"])
    tree = small_tree(index_set)
    survey_branch(index_set, max_points=D("4"))
    data_item(index_set, tree["criterion"])
    AssessmentFactory(period=period, unit=personas["unit_a"], index_set=index_set)
    AssessmentFactory(period=period, unit=personas["unit_b"], index_set=index_set)
    return period


@pytest.fixture
def ha(client, personas):
    client.force_login(personas["home_affairs"])
    return client


@pytest.fixture(autouse=True)
def _worker(django_capture_on_commit_callbacks):
    """The import jobs' tasks run (eagerly) when the request that queues them commits."""
    global _callbacks
    _callbacks = django_capture_on_commit_callbacks
    yield
    _callbacks = None


_callbacks = None


def _through_job(client, posting):
    """Post an upload; when it became an import job, the job's page once a worker read it."""
    with _callbacks(execute=True):
        response = posting()
    if response.status_code == 302 and response["Location"].startswith("/imports/"):
        return client.get(response["Location"])
    return response


def survey_post(client, period, data, name="ks.csv"):
    return _through_job(
        client,
        lambda: client.post(
            url("survey_upload", period.pk), {"file": SimpleUploadedFile(name, data)}
        ),
    )


def data_post(client, period, data, name="766.csv", **extra):
    return _through_job(
        client,
        lambda: client.post(
            url("data_upload", period.pk),
            {
                "file": SimpleUploadedFile(name, data),
                "items": ["1.1.3"],
                "source": "Cổng Dịch vụ công quốc gia",
                "as_of": "30/11/2026",
                **extra,
            },
        ),
    )


def ready(response) -> ImportJob:
    """The job of a job page, read without a problem and waiting for its confirmation."""
    assert response.status_code == 200
    job = response.context["job"]
    assert job.status == ImportJobStatus.READY, job.problems
    return job


def confirm(client, job, **extra):
    with _callbacks(execute=True):
        response = client.post(
            reverse("scoring:import_job", args=[job.pk]), {"action": "confirm", **extra}
        )
    job.refresh_from_db()
    return response


def nothing_changed():
    return (
        not SurveyResult.objects.exists()
        and not DataFigure.objects.exists()
        and not DataSet.objects.exists()
        and not AuditEntry.objects.filter(action="import").exists()
    )


def survey_rows(*rows, header=("unit", "item", "points", "note")):
    return csv_text([list(header), *[list(row) for row in rows]])


def refused(response, fragment=""):
    """Refused on the form (400), or read by the worker into a failed job."""
    html = response.content.decode()
    job = response.context.get("job")
    if job is not None:
        assert job.status == ImportJobStatus.FAILED, html[:2000]
    else:
        assert response.status_code == 400, html[:2000]
    if fragment:
        assert fragment in html, html[:3000]
    no_english(html)
    assert 'value="confirm"' not in html
    return html


# ---------------------------------------------------------------- text in file cells


@pytest.mark.parametrize("char", ["\x01", "\x08", "\x0b", "\x1b", "\x1f"])
def test_a_control_character_in_a_survey_note_is_refused(ha, period, char):
    response = survey_post(ha, period, survey_rows(["A", "2.1.1", "2", f"ghi{char}chú"]))
    refused(response, "Ghi chú có ký tự không được phép")
    assert nothing_changed()


@pytest.mark.parametrize("column", ["unit", "item"])
def test_a_control_character_in_a_code_is_refused(ha, period, column):
    row = {"unit": "A", "item": "2.1.1", "points": "2", "note": ""}
    row[column] += "\x07"
    response = survey_post(ha, period, survey_rows(list(row.values())))
    refused(response, "ký tự không được phép")
    assert nothing_changed()


def test_a_multi_line_note_is_kept_and_the_template_still_downloads(ha, period):
    response = survey_post(ha, period, survey_rows(["A", "2.1.1", "2", "dòng 1\ndòng 2\tcột"]))
    confirm(ha, ready(response))
    assert SurveyResult.objects.get().note == "dòng 1\ndòng 2\tcột"
    assert ha.get(url("survey_template", period.pk)).status_code == 200


@pytest.mark.parametrize("note", ['=HYPERLINK("http://x")', "+1", "@SUM(A1)"])
def test_a_formula_in_a_note_is_refused(ha, period, note):
    refused(survey_post(ha, period, survey_rows(["A", "2.1.1", "2", note])), "công thức")
    assert nothing_changed()


def test_a_bullet_and_an_escaped_formula_are_text(ha, period):
    response = survey_post(
        ha, period, survey_rows(["A", "2.1.1", "2", "- gạch đầu dòng"], ["B", "2.1.1", "1", "'=1"])
    )
    confirm(ha, ready(response))
    assert set(SurveyResult.objects.values_list("note", flat=True)) == {"- gạch đầu dòng", "=1"}
    # Written back escaped: the template never holds a live formula.
    assert ha.get(url("survey_template", period.pk)).status_code == 200


def test_markup_in_cells_is_escaped(ha, period):
    response = survey_post(ha, period, survey_rows(["<script>alert(1)</script>", "2.1.1", "2", ""]))
    html = refused(response)
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html
    response = survey_post(ha, period, survey_rows(["A", "2.1.1", "2", "<b>đậm</b>"]))
    ready(response)
    assert "<b>đậm</b>" not in response.content.decode()


# ---------------------------------------------------------------- numbers in survey cells


@pytest.mark.parametrize(
    "counts",
    [["1" + "0" * 20, "", "", ""], ["2147483647", "2", "", ""], ["1e3", "", "", ""]],
    ids=["huge", "overflow-sum", "exponent"],
)
def test_an_implausible_answer_count_is_refused(ha, period, counts):
    data = csv_text([["unit", "item", "A", "B", "C", "D"], ["A", "2.1.1", *counts]])
    refused(survey_post(ha, period, data))
    assert nothing_changed()


def test_a_huge_count_in_a_workbook_cell_is_refused(ha, period):
    data = xlsx({"Sheet": [["unit", "item", "A"], ["A", "2.1.1", 1e300]]})
    refused(survey_post(ha, period, data, "ks.xlsx"))
    assert nothing_changed()


@pytest.mark.parametrize("value", ["١", "１", "0x10", "NaN", "inf", "1e3", "1_0"])
def test_odd_numbers_in_the_points_column_are_refused_in_vietnamese(ha, period, value):
    refused(survey_post(ha, period, survey_rows(["A", "2.1.1", value, ""])), "không phải là số")
    assert nothing_changed()


# ---------------------------------------------------------------- malformed files


def _zip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def _broken_sheet() -> bytes:
    """A real workbook whose sheet XML is cut off half-way."""
    good = xlsx({"Sheet": [["unit", "item", "points"], ["A", "2.1.1", 2]]})
    source = zipfile.ZipFile(io.BytesIO(good))
    files = {name: source.read(name) for name in source.namelist()}
    sheet = next(name for name in files if name.startswith("xl/worksheets/sheet"))
    files[sheet] = files[sheet][: len(files[sheet]) // 2]
    return _zip(files)


def _nul_in_sheet() -> bytes:
    """A workbook whose shared text holds a character reference XML forbids."""
    good = xlsx({"Sheet": [["unit", "item", "points", "note"], ["A", "2.1.1", 2, "NOTE"]]})
    source = zipfile.ZipFile(io.BytesIO(good))
    files = {name: source.read(name) for name in source.namelist()}
    for name, content in files.items():
        if b"NOTE" in content:
            files[name] = content.replace(b"NOTE", b"ab&#1;cd")
    return _zip(files)


MALFORMED = {
    "empty": b"",
    "text": b"unit,item,points\nA,2.1.1,2\n",
    "zip-of-nothing": _zip({"hello.txt": b"hi"}),
    "docx-like": _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w/>"}),
    "garbage-workbook-xml": _zip(
        {"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<not xml"}
    ),
    "truncated-sheet": _broken_sheet(),
    "control-char-reference": _nul_in_sheet(),
    "pdf": b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n",
}


@pytest.mark.parametrize("kind", list(MALFORMED))
@pytest.mark.parametrize("view", ["survey", "data"])
def test_a_malformed_file_renamed_xlsx_is_answered_in_vietnamese(ha, period, kind, view):
    post = survey_post if view == "survey" else data_post
    response = post(ha, period, MALFORMED[kind], name="tep.xlsx")
    refused(response)
    assert nothing_changed()


@pytest.mark.parametrize(
    ("encoding", "fragment"),
    [("utf-16", "NUL"), ("cp1258", "UTF-8"), ("latin-1", "UTF-8"), ("utf-32", "NUL")],
)
def test_a_csv_in_another_encoding_is_refused_with_the_way_to_save_it(
    ha, period, encoding, fragment
):
    text = "unit,item,points,note\nA,2.1.1,2,Ghi chú đủ dấu ở đây\n"
    data = text.encode(encoding, errors="replace")
    refused(survey_post(ha, period, data), fragment)
    assert nothing_changed()


def test_a_huge_row_count_is_refused_before_anything_is_written(ha, period):
    rows = [["A", "2.1.1", "1"]] * 20_001
    data = csv_text([["unit", "item", "points"], *rows])
    refused(survey_post(ha, period, data), "20000")
    assert nothing_changed()


def test_a_workbook_with_only_a_header_gives_nothing_to_enter(ha, period):
    data = xlsx({"Sheet": [["unit", "item", "points"]]})
    refused(survey_post(ha, period, data, "ks.xlsx"), "không có kết quả")
    assert nothing_changed()


# ---------------------------------------------------------------- the data upload's fields


@pytest.mark.parametrize("source", ["Cổng\x00766", "Cổng\x01766", "\x0b", "   ", "\u200b"])
def test_a_bad_source_is_refused_in_vietnamese(ha, period, source):
    response = data_post(ha, period, csv_text([["unit", "figure"], ["A", "95"]]), source=source)
    refused(response)
    assert nothing_changed()


@pytest.mark.parametrize("items", [["9.9.9"], ["<b>x</b>"], ["1.1.3\x00"]])
def test_an_item_not_offered_is_refused(ha, period, items):
    response = data_post(ha, period, csv_text([["unit", "figure"], ["A", "95"]]), items=items)
    html = refused(response)
    assert "<b>x</b>" not in html
    assert nothing_changed()


@pytest.mark.parametrize("as_of", ["01/01/0001", "31/12/9999", "1/1/1", "\x00", "٣٠/١١/٢٠٢٦"])
def test_odd_dates_are_refused_or_taken_without_an_error_page(ha, period, as_of):
    response = data_post(ha, period, csv_text([["unit", "figure"], ["A", "95"]]), as_of=as_of)
    assert response.status_code in (200, 400)  # the form refuses it, or a job's preview
    no_english(response.content.decode())
    assert nothing_changed()


@pytest.mark.parametrize("figure", ["1e3", "١", "１", "0x10", "=A1", "95\x01"])
def test_odd_figures_are_refused(ha, period, figure):
    refused(data_post(ha, period, csv_text([["unit", "figure"], ["A", figure]])))
    assert nothing_changed()


def test_the_data_template_takes_any_item_parameter(ha, period):
    for value in ["<x>", "1.1.3' OR 1=1", "a" * 5000]:
        response = ha.get(url("data_template", period.pk), {"item": value})
        assert response.status_code == 200
    # NUL never reaches the database (PostgreSQL refuses it): the request itself is refused.
    response = ha.get(url("data_template", period.pk), {"item": "1.1.3\x00"})
    assert response.status_code == 400
    assert "Yêu cầu không hợp lệ" in response.content.decode()


# ---------------------------------------------------------------- the confirmation


def _survey_job(client, period):
    return ready(survey_post(client, period, survey_rows(["A", "2.1.1", "2", ""])))


@pytest.mark.parametrize("token", ["", "../../etc/passwd", "x" * 5000, "\x00", "abc/../def", " "])
@pytest.mark.parametrize("view", ["survey_upload", "data_upload"])
def test_a_posted_token_confirms_nothing(ha, period, token, view):
    """The old confirmation (a token posted back to the upload page) applies nothing: only the
    job page's confirmation does."""
    _survey_job(ha, period)
    response = ha.post(url(view, period.pk), {"token": token, "confirm": "on"})
    if has_control_character(token):
        assert_control_refused(response)
    else:
        assert response.status_code == 400  # the upload form, without a file
    assert ImportJob.objects.get().status == ImportJobStatus.READY
    assert nothing_changed()


def test_confirming_twice_writes_once(ha, period):
    job = _survey_job(ha, period)
    first = confirm(ha, job)
    audited = AuditEntry.objects.filter(action="import").count()
    second = confirm(ha, job)
    assert first.status_code == 302 and second.status_code == 302
    assert job.status == ImportJobStatus.DONE
    page = ha.get(second["Location"]).content.decode()
    assert "Lần nhập này không còn chờ xác nhận" in page
    assert SurveyResult.objects.count() == 1
    assert AuditEntry.objects.filter(action="import").count() == audited


def test_an_uploaded_file_waits_in_the_bucket_for_the_worker(ha, period, s3_bucket):
    """With S3 storage the upload and the worker that reads it are different processes."""
    job = _survey_job(ha, period)
    assert s3_bucket.keys() == [job.file.name]
    confirm(ha, job)
    assert job.status == ImportJobStatus.DONE
    assert SurveyResult.objects.count() == 1


def test_confirming_a_data_upload_twice_makes_one_data_set(ha, period):
    job = ready(data_post(ha, period, csv_text([["unit", "figure"], ["A", "95"]])))
    for _ in range(2):
        confirm(ha, job)
    assert DataSet.objects.count() == 1 and DataFigure.objects.count() == 1


def test_a_confirmation_cannot_change_what_was_previewed(ha, period):
    """Fields posted with the confirmation (items, source, date) are not read: the job's."""
    job = ready(data_post(ha, period, csv_text([["unit", "figure"], ["A", "95"]])))
    confirm(ha, job, source="<script>", as_of="01/01/2000", items=["1.1.1"])
    data_set = DataSet.objects.get()
    assert data_set.source == "Cổng Dịch vụ công quốc gia"
    assert f"{data_set.as_of:%d/%m/%Y}" == "30/11/2026"


# ---------------------------------------------------------------- uploads and publication


def _publish_everything(period, personas):
    for assessment in Assessment.objects.filter(period=period):
        for target in (
            AssessmentStatus.SUBMITTED,
            AssessmentStatus.IN_APPRAISAL,
            AssessmentStatus.APPRAISED,
            AssessmentStatus.PUBLISHED,
        ):
            assessments_move(assessments=[assessment], target=target, by=SYSTEM)


def test_a_preview_made_before_publication_is_not_confirmed_silently_after_it(ha, period, personas):
    job = _survey_job(ha, period)
    _publish_everything(period, personas)
    response = confirm(ha, job)
    html = ha.get(response["Location"]).content.decode()
    assert job.status == ImportJobStatus.FAILED
    assert "Kết quả đã được công bố sau lúc xem trước" in html
    assert Assessment.objects.get(unit=personas["unit_a"]).status == AssessmentStatus.PUBLISHED
    assert nothing_changed()


def test_a_control_character_stored_before_does_not_break_the_template(ha, period, personas):
    a = Assessment.objects.get(unit=personas["unit_a"])
    item = IndexItem.objects.get(index_set=a.index_set, code="2.1.1")
    SurveyResult.objects.create(assessment=a, item=item, points=1, note="cũ\x01\x0b")
    response = ha.get(url("survey_template", period.pk))
    assert response.status_code == 200


# ---------------------------------------------------------------- publishing with exceptions

from tests.scoring.test_publish_view import (  # noqa: E402
    assert_nothing_published,
    full_post,
    publish_url,
)


@pytest.fixture
def to_publish(moved_period):
    """A and B appraised, both missing the survey item 2.1.1 (test_publish_view's period)."""
    index_set = Assessment.objects.filter(period=moved_period).first().index_set
    survey_branch(index_set, max_points=D("2"))
    return moved_period


def test_exception_fields_for_units_that_miss_nothing_are_ignored(client, personas, to_publish):
    a = Assessment.objects.get(period=to_publish, unit=personas["unit_a"])
    SurveyResult.objects.create(
        assessment=a, item=IndexItem.objects.get(index_set=a.index_set, code="2.1.1"), points=1
    )
    client.force_login(personas["home_affairs"])
    data = {
        **full_post(personas),  # A named too, although its survey result is there now
        "except_abc": "on",
        "except_reason_": "x",
        "except_reason_999999999999999999999": "x",
    }
    response = client.post(publish_url(to_publish), data)
    assert response.status_code == 302
    publication = Publication.objects.get(period=to_publish)
    assert [e["unit_code"] for e in publication.exceptions] == ["B"]
    assert not AuditEntry.objects.filter(assessment_id=a.pk, action="publish_exception").exists()


@pytest.mark.parametrize("reason", ["   ", "\u00a0\u00a0", "\t\n", "\u200b", "\ufeff", "\u3000"])
def test_a_reason_of_only_blanks_is_refused(client, personas, to_publish, reason):
    client.force_login(personas["home_affairs"])
    response = client.post(publish_url(to_publish), full_post(personas, reason=reason))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Vui lòng nêu lý do công bố kết quả của đơn vị" in html
    no_english(html)
    assert_nothing_published(to_publish)


@pytest.mark.parametrize("reason", ["Lý do\x01", "\x1b[31m đỏ"])
def test_a_control_character_in_a_reason_is_refused(client, personas, to_publish, reason):
    client.force_login(personas["home_affairs"])
    response = client.post(publish_url(to_publish), full_post(personas, reason=reason))
    html = response.content.decode()
    assert_control_refused(response)
    no_english(html)
    assert_nothing_published(to_publish)


def test_a_reason_with_markup_is_shown_escaped(client, personas, to_publish):
    client.force_login(personas["home_affairs"])
    response = client.post(publish_url(to_publish), full_post(personas, reason="<b>đậm</b>"))
    assert response.status_code == 302
    dashboard = client.get(response["Location"]).content.decode()
    assert "<b>đậm</b>" not in dashboard and "&lt;b&gt;đậm&lt;/b&gt;" in dashboard


def test_publishing_twice_makes_one_version(client, personas, to_publish):
    client.force_login(personas["home_affairs"])
    first = client.post(publish_url(to_publish), full_post(personas))
    second = client.post(publish_url(to_publish), full_post(personas))
    assert first.status_code == 302 and second.status_code == 200
    no_english(second.content.decode())
    assert Publication.objects.count() == 1


def test_a_republication_reason_with_nul_is_refused_in_vietnamese(client, personas, to_publish):
    client.force_login(personas["home_affairs"])
    client.post(publish_url(to_publish), full_post(personas))
    Assessment.objects.filter(period=to_publish).update(status=AssessmentStatus.APPRAISED)
    response = client.post(publish_url(to_publish), {**full_post(personas), "reason": "Sửa\x00"})
    assert_control_refused(response)
    no_english(response.content.decode())
    assert Publication.objects.count() == 1


@pytest.mark.parametrize("who", ["staff_a", "appraiser", "chair", "admin"])
def test_nobody_else_publishes_with_exceptions(client, personas, to_publish, who):
    client.force_login(personas[who])
    response = client.post(publish_url(to_publish), full_post(personas))
    assert response.status_code in (403, 404)
    assert_nothing_published(to_publish)


# ---------------------------------------------------------------- per-case counts and clearing

PER_CASE_RULE = "Mỗi mô hình, sáng kiến được công nhận: 0.5; tổng điểm thưởng tối đa: 1.5"


@pytest.fixture
def s(self_assessment_setup):
    s = self_assessment_setup
    parsed = parse_rule(PER_CASE_RULE, D("1.5"))
    s["items"]["T2"] = IndexItem.objects.create(
        index_set=s["index_set"],
        level=ItemLevel.BONUS,
        code="T2",
        name="Sáng kiến",
        max_points=D("1.5"),
        method=parsed.method,
        method_params=parsed.params,
        rule=PER_CASE_RULE,
        position=100,
    )
    s["items"]["1.1.9"] = data_item(s["index_set"], s["items"]["1.1"], code="1.1.9", position=50)
    return s


def save(client, s, code, **data):
    score = Score.objects.filter(assessment=s["assessment_a"], item=s["items"][code]).first()
    return client.post(
        url("self_score_save", s["assessment_a"].pk, s["items"][code].pk),
        {"version": score.version if score else 0, **data},
        **JSON,
    )


@pytest.mark.parametrize("count", ["1e3", "١", "１", "0x10", "²", "1/2", "2,5", "--1", "\x00"])
def test_an_odd_count_is_refused_in_vietnamese_and_nothing_is_stored(client, s, count):
    client.force_login(s["staff_a"])
    response = save(client, s, "T2", ratio=count)
    assert response.status_code == 400
    body = response.json()
    assert body["ok"] is False
    if has_control_character(count):
        assert_control_refused(response)
    else:
        assert "ratio" in body["errors"]
    no_english(body["message"])
    assert not Score.objects.filter(item=s["items"]["T2"]).exists()


@pytest.mark.parametrize(("count", "stored"), [("-0", "0"), ("2,0", "2"), ("  3 ", "3")])
def test_a_count_typed_with_spaces_or_a_comma_is_read(client, s, count, stored):
    client.force_login(s["staff_a"])
    response = save(client, s, "T2", ratio=count)
    assert response.status_code == 200, response.json()
    score = Score.objects.get(item=s["items"]["T2"])
    assert score.self_ratio == D(stored) and str(score.self_ratio) != "-0.0000"


def test_clearing_a_line_keeps_nothing_but_the_note(client, s):
    client.force_login(s["staff_a"])
    save(client, s, "T2", ratio="2", note="ghi chú")
    response = save(client, s, "T2", clear="1", ratio="3", points="1", not_applicable="1")
    assert response.status_code == 200, response.json()
    score = Score.objects.get(item=s["items"]["T2"])
    assert (score.self_ratio, score.self_points, score.not_applicable) == (None, None, False)


@pytest.mark.parametrize("data", [{"clear": "1"}, {"ratio": "95"}, {"points": "1"}])
def test_a_data_fed_item_takes_nothing_from_the_unit_even_a_clear(client, s, data):
    client.force_login(s["staff_a"])
    response = save(client, s, "1.1.9", **data)
    assert response.status_code == 400
    assert "Sở Nội vụ" in response.json()["message"]
    assert not Score.objects.filter(item=s["items"]["1.1.9"]).exists()


@pytest.mark.parametrize("version", ["abc", "1e3", "", "\x00"])
def test_an_odd_version_is_answered_in_vietnamese(client, s, version):
    client.force_login(s["staff_a"])
    response = client.post(
        url("self_score_save", s["assessment_a"].pk, s["items"]["T2"].pk),
        {"version": version, "ratio": "1"},
        **JSON,
    )
    assert response.status_code == 400
    no_english(response.json()["message"])


@pytest.mark.parametrize("field", ["note", "reason"])
@pytest.mark.parametrize("text", ["ghi\x00chú", "ghi\x01chú"])
def test_control_characters_in_a_note_or_reason_are_refused(client, s, field, text):
    client.force_login(s["staff_a"])
    data = {"ratio": "1", field: text}
    if field == "reason":
        data = {"not_applicable": "1", "reason": text}
    code = "T2" if field == "note" else "1.1.5"
    response = save(client, s, code, **data)
    assert response.status_code in (200, 400)
    if response.status_code == 200:
        score = Score.objects.get(item=s["items"][code])
        assert "\x00" not in score.self_note + score.not_applicable_reason
    # The workbook of the unit still downloads.
    assert client.get(url("self_assessment_workbook", s["assessment_a"].pk)).status_code == 200


@pytest.mark.parametrize("who", ["staff_b", "appraiser", "chair", "home_affairs", "admin"])
def test_nobody_but_the_unit_saves_a_line(client, s, who):
    client.force_login(s[who])
    response = save(client, s, "T2", ratio="1")
    assert response.status_code in (403, 404)
    assert not Score.objects.filter(item=s["items"]["T2"]).exists()
