"""The appraisal council's rules: who writes which item in which round, reasons, requests and
the explanation round, round 2, the chair's returns and finalisation, the period's rounds, the
optimistic lock between council members, and what the engine makes of the final values."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from scoring.engine.model import Stage
from scoring.exceptions import EntryClosed, RoundClosed, ScoreConflict, TransitionRefused
from scoring.models import AuditEntry, Evidence, EvidenceStage, ReviewRequest, Score
from scoring.selectors.results import period_results
from scoring.services import appraisal as ap
from scoring.workflow import AssessmentStatus, PeriodStatus
from tests.helpers import pdf_bytes

D = Decimal
S = AssessmentStatus
pytestmark = pytest.mark.django_db


@pytest.fixture
def s(appraisal_setup):
    return appraisal_setup


def score(s, code, key="assessment_a"):
    return Score.objects.filter(assessment=s[key], item=s["items"][code]).first()


def appraise(s, code, *, by="appraiser_1", key="assessment_a", round=1, version=None, **values):
    item = s["items"][code]
    stored = score(s, code, key)
    entry = ap.appraisal_entry_clean(item, stored, round=round, step=D("0.25"), **values)
    return ap.appraisal_save(
        assessment=s[key],
        item=item,
        entry=entry,
        expected_version=version if version is not None else (stored.version if stored else 0),
        by=s[by],
    )


def accept(s, code, *, by="appraiser_1", key="assessment_a"):
    stored = score(s, code, key)
    return ap.appraisal_accept(
        assessment=s[key],
        item=s["items"][code],
        expected_version=stored.version if stored else 0,
        by=s[by],
    )


def accept_everything(s, key="assessment_a", by="chair"):
    return ap.appraisal_accept_rest(assessment=s[key], by=s[by], items=list(s["items"].values()))


def open_explanation(s, days=3):
    ap.period_advance(
        period=s["period"],
        target=PeriodStatus.EXPLANATION,
        by=s["home_affairs"],
        deadline=timezone.now() + timedelta(days=days),
    )
    for key in ("period", "assessment_a", "assessment_b"):
        s[key].refresh_from_db()


def final_result(s, key="assessment_a"):
    results = period_results(period=s["period"], stage=Stage.FINAL, with_items=True)
    return results.row_for(s[key].unit_id).result


# ---------------------------------------------------------------- round 1: values and reasons


def test_opening_the_appraisal_puts_every_unit_in_appraisal(s):
    assert s["period"].status == PeriodStatus.APPRAISAL
    assert {s["assessment_a"].status, s["assessment_b"].status} == {S.IN_APPRAISAL}


def test_accepting_copies_the_self_score_without_a_reason(s):
    saved = accept(s, "1.1.3")
    assert (saved.appraisal_points, saved.appraisal_ratio) == (None, D("100"))
    assert saved.appraised_by == s["appraiser_1"] and saved.appraised_at is not None
    assert saved.appraisal_reason == ""


def test_a_value_different_from_the_self_score_needs_a_reason(s):
    with pytest.raises(ValidationError) as refused:
        appraise(s, "1.1.5", points="2")
    assert "reason" in refused.value.message_dict
    assert score(s, "1.1.5").appraised_at is None
    saved = appraise(s, "1.1.5", points="3", reason="Có thêm báo cáo bổ sung")  # may raise too
    assert saved.appraisal_points == D("3")
    entry = AuditEntry.objects.get(field="appraisal_points", object_id=str(saved.pk))
    assert (entry.old_value, entry.new_value) == ("", "3.0000")
    assert (entry.actor, entry.reason) == (s["appraiser_1"], "Có thêm báo cáo bổ sung")


def test_the_same_value_typed_again_needs_no_reason(s):
    saved = appraise(s, "1.1.5", points="2,5")
    assert saved.appraisal_points == D("2.5") and saved.appraisal_reason == ""


def test_a_ratio_item_changed_to_another_band_needs_a_reason(s):
    with pytest.raises(ValidationError):
        appraise(s, "1.1.3", ratio="80")
    saved = appraise(s, "1.1.3", ratio="80", reason="Tỷ lệ đúng là 80% theo báo cáo")
    assert saved.appraisal_ratio == D("80")


def test_appraised_values_obey_the_items_rules(s):
    for values in ({"points": "6", "reason": "x"}, {"points": "1,3", "reason": "x"}):
        with pytest.raises(ValidationError) as refused:
            appraise(s, "1.1.5", **values)
        assert "points" in refused.value.message_dict
    with pytest.raises(ValidationError):
        appraise(s, "1.1.1", points="0.3", reason="x")  # not one of the rule's levels


def test_not_applicable_decided_by_the_appraiser_needs_a_reason(s):
    with pytest.raises(ValidationError):
        appraise(s, "1.1.5", not_applicable=True)
    saved = appraise(s, "1.1.5", not_applicable=True, reason="Đơn vị không có đơn vị trực thuộc")
    # The council's decision sits beside the unit's claim, which stays as the unit made it.
    assert (saved.appraisal_not_applicable, saved.not_applicable) == (True, False)
    result = final_result(s)
    assert result.max_points == D("14") - D("5")  # 1.1.5 (5 points) leaves the own maximum
    assert next(i for i in result.items if i.code == "1.1.5").not_applicable
    with pytest.raises(ValidationError):
        appraise(s, "1.1.2", not_applicable=True, reason="x")  # the set does not allow it


def test_a_request_needs_a_question(s):
    with pytest.raises(ValidationError) as refused:
        appraise(s, "1.1.1", points="0.5", request=ReviewRequest.EXPLANATION)
    assert "question" in refused.value.message_dict
    saved = appraise(
        s, "1.1.1", points="0.5", request=ReviewRequest.SUPPLEMENT, question="Gửi kế hoạch"
    )
    assert (saved.review_request, saved.review_question) == ("supplement", "Gửi kế hoạch")


# ---------------------------------------------------------------- who writes what


def test_an_appraiser_writes_only_their_areas(s):
    with pytest.raises(PermissionDenied):
        accept(s, "1.1.1", by="appraiser")  # area 2 only
    with pytest.raises(PermissionDenied):
        accept(s, "T1", by="appraiser_1")  # the bonus line has no area: chair or all-area
    accept(s, "T1", by="chair")
    assert score(s, "1.1.1").appraised_at is None


def test_an_appraiser_of_some_units_writes_only_those(s):
    with pytest.raises(PermissionDenied):
        accept(s, "1.1.1", by="appraiser_1_b", key="assessment_a")
    assert accept(s, "1.1.1", by="appraiser_1_b", key="assessment_b").appraised_at


@pytest.mark.parametrize("who", ["staff_a", "staff_b", "home_affairs", "admin"])
def test_units_home_affairs_and_the_admin_never_appraise(s, who):
    with pytest.raises(PermissionDenied):
        accept(s, "1.1.5", by=who)
    assert score(s, "1.1.5").appraised_at is None


def test_survey_items_are_not_appraised(s):
    with pytest.raises(ValidationError):
        accept(s, "2.1.1", by="chair")


def test_a_draft_unit_is_not_appraised_before_the_period_opens(self_assessment_setup):
    s = self_assessment_setup
    from tests.factories import RoleGrantFactory
    from units.roles import Role

    appraiser = RoleGrantFactory(role=Role.APPRAISER, organiser=s["organiser"]).user
    entry = ap.appraisal_entry_clean(s["items"]["1.1.5"], None, round=1)
    with pytest.raises(RoundClosed):
        ap.appraisal_save(
            assessment=s["assessment_a"],
            item=s["items"]["1.1.5"],
            entry=entry,
            expected_version=0,
            by=appraiser,
        )


# ---------------------------------------------------------------- concurrency


def test_two_appraisers_never_overwrite_each_other_silently(s):
    seen = score(s, "1.1.5").version  # both open the item at this version
    appraise(s, "1.1.5", points="3", reason="Đủ hồ sơ", version=seen)
    with pytest.raises(ScoreConflict) as conflict:
        appraise(s, "1.1.5", by="chair", points="1", reason="Thiếu hồ sơ", version=seen)
    assert conflict.value.current.appraisal_points == D("3")  # shown to the second one
    assert score(s, "1.1.5").appraisal_points == D("3")
    # Having seen the current value, the chair may save over it.
    appraise(s, "1.1.5", by="chair", points="1", reason="Thiếu hồ sơ")
    assert score(s, "1.1.5").appraisal_points == D("1")


def test_accepting_an_item_changed_meanwhile_is_refused(s):
    seen = score(s, "1.1.5").version
    appraise(s, "1.1.5", points="3", reason="Đủ hồ sơ")
    with pytest.raises(ScoreConflict):
        ap.appraisal_accept(
            assessment=s["assessment_a"],
            item=s["items"]["1.1.5"],
            expected_version=seen,
            by=s["chair"],
        )
    assert score(s, "1.1.5").appraisal_points == D("3")


# ---------------------------------------------------------------- explanation round


def test_the_explanation_round_asks_exactly_the_units_with_requests(s):
    appraise(s, "1.1.1", points="0.5", request="explanation", question="Kế hoạch ban hành khi nào?")
    open_explanation(s)
    assert s["assessment_a"].status == S.EXPLANATION_REQUESTED
    assert s["assessment_b"].status == S.IN_APPRAISAL
    with pytest.raises(ValidationError):  # no new requests once the round has begun
        appraise(s, "1.1.2", key="assessment_b", points="0", request="explanation", question="?")


def test_the_explanation_round_needs_a_future_deadline(s):
    with pytest.raises(ValidationError):
        ap.period_advance(
            period=s["period"],
            target=PeriodStatus.EXPLANATION,
            by=s["home_affairs"],
            deadline=timezone.now() - timedelta(hours=1),
        )
    with pytest.raises(PermissionDenied):
        ap.period_advance(
            period=s["period"],
            target=PeriodStatus.EXPLANATION,
            by=s["chair"],
            deadline=timezone.now() + timedelta(days=1),
        )


def asked(s):
    appraise(s, "1.1.1", points="0.5", request="explanation", question="Kế hoạch ban hành khi nào?")
    accept_everything(s)
    open_explanation(s)


def answer(s, code, text, by="staff_a"):
    return ap.explanation_save(
        assessment=s["assessment_a"],
        item=s["items"][code],
        text=text,
        expected_version=score(s, code).version,
        by=s[by],
    )


def test_the_unit_answers_only_what_it_was_asked(s):
    asked(s)
    assert answer(s, "1.1.1", "Ban hành ngày 10/01, kèm văn bản").explanation_text
    with pytest.raises(ValidationError):
        answer(s, "1.1.2", "Không được hỏi")
    with pytest.raises(PermissionDenied):
        answer(s, "1.1.1", "Đơn vị khác", by="staff_b")
    with pytest.raises(EntryClosed):  # the self-assessment stays closed
        from scoring.entries import SelfEntry
        from scoring.services.self_assessment import self_score_save

        self_score_save(
            assessment=s["assessment_a"],
            item=s["items"]["1.1.5"],
            entry=SelfEntry(points=D("5")),
            expected_version=score(s, "1.1.5").version,
            by=s["staff_a"],
        )


def test_explanation_files_support_only_the_items_asked(s, tmp_path, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from scoring.services.evidence import evidence_upload

    settings.MEDIA_ROOT = str(tmp_path)
    asked(s)
    pdf = pdf_bytes()
    upload = SimpleUploadedFile("bo-sung.pdf", pdf, content_type="application/pdf")
    with pytest.raises(ValidationError):
        evidence_upload(
            assessment=s["assessment_a"],
            by=s["staff_a"],
            upload=upload,
            items=[s["items"]["1.1.2"]],
            stage=EvidenceStage.EXPLANATION,
        )
    upload.seek(0)
    evidence = evidence_upload(
        assessment=s["assessment_a"],
        by=s["staff_a"],
        upload=upload,
        items=[s["items"]["1.1.1"]],
        stage=EvidenceStage.EXPLANATION,
    )
    assert evidence.stage == EvidenceStage.EXPLANATION
    assert ap.explanation_problems(s["assessment_a"]) == []  # a file answers the question


def test_sending_needs_every_answer_and_then_locks_them(s):
    asked(s)
    with pytest.raises(TransitionRefused):
        ap.explanation_send(assessment=s["assessment_a"], by=s["staff_a"])
    answer(s, "1.1.1", "Ban hành ngày 10/01")
    ap.explanation_send(assessment=s["assessment_a"], by=s["staff_a"])
    assert s["assessment_a"].status == S.EXPLAINED
    with pytest.raises(EntryClosed):
        answer(s, "1.1.1", "Sửa lại sau khi gửi")


def test_answers_close_at_the_explanation_deadline(s):
    asked(s)
    period = s["period"]
    period.explanation_deadline = timezone.now() - timedelta(minutes=1)
    period.save()
    s["assessment_a"].refresh_from_db()
    with pytest.raises(EntryClosed):
        answer(s, "1.1.1", "Muộn")


def test_round_2_waits_for_the_deadline_or_the_answers(s):
    asked(s)
    with pytest.raises(TransitionRefused):
        ap.period_advance(
            period=s["period"], target=PeriodStatus.SECOND_APPRAISAL, by=s["home_affairs"]
        )
    period = s["period"]
    period.explanation_deadline = timezone.now() - timedelta(minutes=1)
    period.save()
    ap.period_advance(period=period, target=PeriodStatus.SECOND_APPRAISAL, by=s["home_affairs"])
    s["assessment_a"].refresh_from_db()
    assert s["assessment_a"].status == S.EXPLAINED  # went on without an answer
    entry = AuditEntry.objects.filter(field="status", new_value=S.EXPLAINED).last()
    assert entry.reason  # why it moved without an answer


# ---------------------------------------------------------------- round 2


def answered(s):
    asked(s)
    answer(s, "1.1.1", "Ban hành ngày 10/01")
    ap.explanation_send(assessment=s["assessment_a"], by=s["staff_a"])


def test_round_2_sets_final_values_only_on_items_asked_about(s):
    answered(s)
    assert ap.item_round(s["assessment_a"], score(s, "1.1.1")) == 2
    saved = appraise(s, "1.1.1", round=2, points="0.25", reason="Ban hành muộn so với kế hoạch")
    assert (saved.final_points, saved.final_by) == (D("0.25"), s["appraiser_1"])
    with pytest.raises(RoundClosed):  # not asked: its round-1 value is final
        appraise(s, "1.1.5", round=2, points="1", reason="x")


def test_round_2_needs_a_reason_to_move_from_the_round_1_value(s):
    answered(s)
    with pytest.raises(ValidationError):
        appraise(s, "1.1.1", round=2, points="0.25")
    saved = accept(s, "1.1.1")  # keeps the round-1 value, no reason
    assert saved.final_points == D("0.5") and saved.final_at


def test_no_request_in_round_2(s):
    answered(s)
    with pytest.raises(ValidationError):
        appraise(s, "1.1.1", round=2, points="0.5", request="explanation", question="?")


# ---------------------------------------------------------------- the chair


def test_finalising_lists_what_is_missing(s):
    problems = ap.finalise_problems(s["assessment_a"])
    assert any("1.1.1" in p for p in problems)
    with pytest.raises(TransitionRefused):
        ap.appraisal_finalise(assessment=s["assessment_a"], by=s["chair"])
    accept_everything(s)
    assert ap.finalise_problems(s["assessment_a"]) == []


def test_only_the_chair_finalises(s):
    accept_everything(s)
    for who in ("appraiser_1", "home_affairs", "staff_a", "admin"):
        with pytest.raises(PermissionDenied):
            ap.appraisal_finalise(assessment=s["assessment_a"], by=s[who])
    ap.appraisal_finalise(assessment=s["assessment_a"], by=s["chair"])
    assert s["assessment_a"].status == S.APPRAISED


def test_a_finalised_appraisal_is_read_only_until_the_chair_reopens_it_with_a_reason(s):
    accept_everything(s)
    ap.appraisal_finalise(assessment=s["assessment_a"], by=s["chair"])
    with pytest.raises(RoundClosed):
        appraise(s, "1.1.5", points="1", reason="Sau khi chốt")
    with pytest.raises(TransitionRefused):
        ap.appraisal_reopen(assessment=s["assessment_a"], by=s["chair"], reason=" ")
    with pytest.raises(PermissionDenied):
        ap.appraisal_reopen(assessment=s["assessment_a"], by=s["appraiser_1"], reason="x")
    ap.appraisal_reopen(assessment=s["assessment_a"], by=s["chair"], reason="Sai sót số liệu")
    assert s["assessment_a"].status == S.IN_APPRAISAL
    appraise(s, "1.1.5", points="1", reason="Sửa sai sót")


def test_a_returned_item_blocks_finalisation_until_its_appraiser_saves_it(s):
    accept_everything(s)
    returned = ap.item_return(
        assessment=s["assessment_a"],
        item=s["items"]["1.1.5"],
        note="Xem lại: văn bản không khớp",
        expected_version=score(s, "1.1.5").version,
        by=s["chair"],
    )
    assert returned.return_note
    assert any("1.1.5" in p for p in ap.finalise_problems(s["assessment_a"]))
    with pytest.raises(PermissionDenied):
        ap.item_return(
            assessment=s["assessment_a"],
            item=s["items"]["1.1.5"],
            note="x",
            expected_version=score(s, "1.1.5").version,
            by=s["appraiser_1"],
        )
    appraise(s, "1.1.5", points="2", reason="Đã xem lại")
    assert score(s, "1.1.5").return_note == ""
    assert ap.finalise_problems(s["assessment_a"]) == []


def test_requests_must_go_through_the_explanation_round_before_finalising(s):
    appraise(s, "1.1.1", points="0.5", request="explanation", question="?")
    accept_everything(s)
    assert any(
        "giải trình" in p or "explanation" in p for p in ap.finalise_problems(s["assessment_a"])
    )
    open_explanation(s)  # the round then runs as usual
    answer(s, "1.1.1", "Đã bổ sung")
    ap.explanation_send(assessment=s["assessment_a"], by=s["staff_a"])
    assert any("1.1.1" in p for p in ap.finalise_problems(s["assessment_a"]))
    accept(s, "1.1.1")
    assert ap.finalise_problems(s["assessment_a"]) == []


# ---------------------------------------------------------------- the whole way to results


def test_the_engine_reflects_round_1_and_round_2_values(s):
    before = final_result(s)
    assert before.direct_points == D("5.75")  # 0,5 + 0 + 2 + 0,75 + 2,5
    appraise(s, "1.1.5", points="2", reason="Thiếu minh chứng quý IV")  # -0,5
    appraise(s, "1.1.1", points="0.5", request="explanation", question="Ngày ban hành?")
    accept_everything(s)
    open_explanation(s)
    answer(s, "1.1.1", "Ban hành muộn 5 ngày")
    ap.explanation_send(assessment=s["assessment_a"], by=s["staff_a"])
    appraise(s, "1.1.1", round=2, points="0.25", reason="Ban hành muộn")  # -0,25
    ap.appraisal_finalise(assessment=s["assessment_a"], by=s["chair"])
    after = final_result(s)
    assert after.direct_points == D("5.0")
    items = {item.code: item for item in after.items}
    # Not asked about: the round-1 value is final.
    assert (items["1.1.5"].self_points, items["1.1.5"].points) == (D("2.5"), D("2"))
    assert (items["1.1.1"].appraisal_points, items["1.1.1"].points) == (D("0.5"), D("0.25"))


def test_every_change_is_in_the_trail_with_its_reason(s):
    appraise(s, "1.1.5", points="2", reason="Thiếu minh chứng")
    accept_everything(s)
    ap.appraisal_finalise(assessment=s["assessment_a"], by=s["chair"])
    trail = AuditEntry.objects.filter(assessment=s["assessment_a"])
    assert trail.filter(field="appraisal_points", reason="Thiếu minh chứng").exists()
    assert trail.filter(field="status", new_value=S.APPRAISED, actor=s["chair"]).exists()
    with pytest.raises(PermissionError):
        trail.update(reason="sửa")
    with pytest.raises(PermissionError):
        trail.first().delete()


def test_explanation_files_are_removable_only_until_the_answers_are_sent(s):
    from scoring.services.evidence import evidence_delete

    asked(s)

    def given():
        evidence = Evidence.objects.create(
            assessment=s["assessment_a"],
            document_number="5/BC",
            uploaded_by=s["staff_a"],
            stage=EvidenceStage.EXPLANATION,
        )
        evidence.items.add(s["items"]["1.1.1"])
        return evidence

    with pytest.raises(PermissionDenied):
        evidence_delete(evidence=given(), by=s["staff_b"])
    evidence_delete(evidence=given(), by=s["staff_a"])  # a wrong file, taken back
    kept = given()
    answer(s, "1.1.1", "Đã bổ sung")
    ap.explanation_send(assessment=s["assessment_a"], by=s["staff_a"])
    with pytest.raises(EntryClosed):
        evidence_delete(evidence=kept, by=s["staff_a"])
    assert Evidence.objects.filter(pk=kept.pk).exists()


# ---------------------------------------------------------------- the period's rounds


@pytest.mark.parametrize("source", list(PeriodStatus))
@pytest.mark.parametrize("target", list(PeriodStatus))
def test_only_the_declared_period_moves_are_allowed(s, source, target):
    from scoring.workflow import period_round_targets

    if target in period_round_targets(source):
        return  # walked through by the tests above
    period = s["period"]
    period.status = source
    period.save(update_fields=["status"])
    with pytest.raises(TransitionRefused):
        ap.period_advance(
            period=period,
            target=target,
            by=s["home_affairs"],
            deadline=timezone.now() + timedelta(days=3),
        )
    period.refresh_from_db()
    assert period.status == source


def test_appraisal_opens_only_once_no_unit_may_still_enter(self_assessment_setup):
    s = self_assessment_setup  # deadline a week away, nobody submitted
    with pytest.raises(TransitionRefused):
        ap.period_advance(period=s["period"], target=PeriodStatus.APPRAISAL, by=s["home_affairs"])
    s["period"].self_assessment_deadline = timezone.now() - timedelta(minutes=1)
    s["period"].save()
    ap.period_advance(period=s["period"], target=PeriodStatus.APPRAISAL, by=s["home_affairs"])
    s["assessment_a"].refresh_from_db()
    assert s["assessment_a"].status == S.IN_APPRAISAL  # appraised on whatever it entered


def test_finalising_waits_for_open_explanation_requests(s):
    asked(s)
    period = s["period"]
    period.explanation_deadline = timezone.now() - timedelta(minutes=1)
    period.save()
    period.status = PeriodStatus.APPRAISAL  # as if Home Affairs skipped round 2
    period.save()
    with pytest.raises(TransitionRefused):
        ap.period_advance(period=period, target=PeriodStatus.FINALISING, by=s["home_affairs"])


def test_appraisal_opens_by_itself_once_the_deadline_has_passed(self_assessment_setup):
    s = self_assessment_setup
    assert ap.periods_open_appraisal_due() == 0  # the deadline is a week away
    s["period"].self_assessment_deadline = timezone.now() - timedelta(minutes=1)
    s["period"].save()
    # A unit reopened until tomorrow keeps the whole period waiting for it.
    s["assessment_b"].unit_deadline = timezone.now() + timedelta(days=1)
    s["assessment_b"].save()
    assert ap.periods_open_appraisal_due() == 0
    s["assessment_b"].unit_deadline = timezone.now() - timedelta(minutes=1)
    s["assessment_b"].save()
    assert ap.periods_open_appraisal_due() == 1
    s["period"].refresh_from_db()
    assert s["period"].status == PeriodStatus.APPRAISAL
    moved = AuditEntry.objects.filter(field="status", new_value=PeriodStatus.APPRAISAL).get()
    assert moved.actor is None  # the system, not a person
    assert ap.periods_open_appraisal_due() == 0


# ---------------------------------------------------------------- found in review


def test_an_area_appraiser_starts_a_unit_that_submitted_early(self_assessment_setup):
    from scoring.entries import SelfEntry
    from scoring.services.self_assessment import assessment_submit, self_score_save
    from tests.factories import RoleGrantFactory
    from units.roles import Role

    s = self_assessment_setup
    for code, entry in {
        "1.1.1": SelfEntry(points=D("0")),
        "1.1.2": SelfEntry(points=D("0")),
        "1.1.3": SelfEntry(ratio=D("0")),
        "1.1.4": SelfEntry(ratio=D("0")),
        "1.1.5": SelfEntry(points=D("0")),
    }.items():
        self_score_save(
            assessment=s["assessment_a"],
            item=s["items"][code],
            entry=entry,
            expected_version=0,
            by=s["staff_a"],
        )
    assessment_submit(assessment=s["assessment_a"], by=s["staff_a"])
    area_1 = RoleGrantFactory(role=Role.APPRAISER, organiser=s["organiser"], area_codes="1").user
    assert s["period"].status == PeriodStatus.SELF_ASSESSMENT  # others may still enter
    stored = Score.objects.get(assessment=s["assessment_a"], item=s["items"]["1.1.1"])
    ap.appraisal_accept(
        assessment=s["assessment_a"],
        item=s["items"]["1.1.1"],
        expected_version=stored.version,
        by=area_1,
    )
    s["assessment_a"].refresh_from_db()
    assert s["assessment_a"].status == S.IN_APPRAISAL
    moved = AuditEntry.objects.get(field="status", new_value=S.IN_APPRAISAL)
    assert moved.actor == area_1


def test_items_left_unreviewed_before_the_explanation_round_can_still_be_appraised(s):
    appraise(s, "1.1.1", points="0.5", request="explanation", question="Ngày ban hành?")
    open_explanation(s)  # 1.1.2 … T1 not reviewed yet
    answer(s, "1.1.1", "Ngày 10/01")
    ap.explanation_send(assessment=s["assessment_a"], by=s["staff_a"])
    assert ap.item_round(s["assessment_a"], score(s, "1.1.2")) == 1
    assert accept_everything(s) == 5  # 1.1.2 … 1.1.5 and T1
    accept(s, "1.1.1")  # round 2: keep the round-1 value
    ap.appraisal_finalise(assessment=s["assessment_a"], by=s["chair"])


def test_the_period_cannot_skip_the_explanation_round_while_questions_wait(s):
    appraise(s, "1.1.1", points="0.5", request="explanation", question="Ngày ban hành?")
    with pytest.raises(TransitionRefused):
        ap.period_advance(period=s["period"], target=PeriodStatus.FINALISING, by=s["home_affairs"])


def test_reopening_an_explained_unit_returns_it_to_round_2(s):
    appraise(s, "1.1.1", points="0.5", request="explanation", question="Ngày ban hành?")
    accept_everything(s)
    open_explanation(s)
    answer(s, "1.1.1", "Ngày 10/01")
    ap.explanation_send(assessment=s["assessment_a"], by=s["staff_a"])
    accept(s, "1.1.1")
    ap.appraisal_finalise(assessment=s["assessment_a"], by=s["chair"])
    ap.appraisal_reopen(assessment=s["assessment_a"], by=s["chair"], reason="Sai sót lần 2")
    assert s["assessment_a"].status == S.EXPLAINED
    appraise(s, "1.1.1", round=2, points="0", reason="Xác định lại")
    assert score(s, "1.1.1").final_points == D("0")
    ap.appraisal_finalise(assessment=s["assessment_a"], by=s["chair"])


def test_an_empty_appraised_value_is_refused_when_the_unit_claimed_points(s):
    with pytest.raises(ValidationError) as refused:
        appraise(s, "1.1.5", reason="Không có minh chứng")
    assert "points" in refused.value.message_dict
    assert appraise(s, "1.1.5", points="0", reason="Không có minh chứng").appraisal_points == 0
    assert accept(s, "T1", by="chair").appraised_at  # the unit claimed no bonus: empty is fine


def test_accepting_keeps_the_question_already_asked(s):
    appraise(s, "1.1.1", points="0.5", request="explanation", question="Ngày ban hành?")
    accept(s, "1.1.1")
    assert (score(s, "1.1.1").review_request, score(s, "1.1.1").review_question) == (
        "explanation",
        "Ngày ban hành?",
    )
