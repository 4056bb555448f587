"""What the official document of an issued remediation plan says, once, for both of its copies:
the PDF to print and sign (reports.renderers.plan_pdf) and the Word file to edit
(reports.renderers.plan_docx) read the same PlanDocument, so the two never differ in a word.

The layout is Nghị định 30/2020's: the issuer's header (a unit's own plan is issued by the unit,
the province's by the organiser), the number, the dateline, the kind ("KẾ HOẠCH", "THÔNG BÁO")
over the plan's title, the basis, the conclusions and the target, then the tasks unit by unit,
how they are carried out, "Nơi nhận" and the signer."""

from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from parindex.dates import date_text, dateline_parts
from scoring.display import code_key, format_number
from scoring.models import PlanKind, RemediationPlan

from .pdf import DocumentHeader, Signature, body_name, document_number_text, place_name, signature

# The document type's name and its abbreviation in the number (Nghị định 30, Phụ lục III).
KIND_NAMES = {
    PlanKind.CONCLUSION: ("THÔNG BÁO", "TB"),
    PlanKind.REMEDIATION: ("KẾ HOẠCH", "KH"),
}
FILE_STEMS = {
    PlanKind.CONCLUSION: "thong-bao-ket-luan-cchc",
    PlanKind.REMEDIATION: "ke-hoach-khac-phuc-cchc",
}
ROMAN = ("I", "II", "III", "IV", "V", "VI")


@dataclass(frozen=True)
class TaskLine:
    number: int
    title: str
    items: str  # "1.1.1; 2.1.1", with the points lost on them when known
    target: str
    person: str
    deadline: str  # dd/mm/yyyy


@dataclass(frozen=True)
class UnitTasks:
    number: int
    unit_name: str
    tasks: list[TaskLine]


@dataclass(frozen=True)
class Part:
    """A numbered part of the body: "I. ĐÁNH GIÁ KẾT QUẢ" and its paragraphs, or the tasks."""

    heading: str
    paragraphs: list[str] = field(default_factory=list)
    units: list[UnitTasks] = field(default_factory=list)


@dataclass(frozen=True)
class PlanDocument:
    header: DocumentHeader
    kind_name: str  # "KẾ HOẠCH"
    title: str  # the plan's own title, the document's trích yếu
    basis: list[str]
    parts: list[Part]
    columns: list[str]  # the task tables' headings
    signature: Signature
    file_stem: str  # "ke-hoach-khac-phuc-cchc-2025-a"

    @property
    def tasks(self) -> list[TaskLine]:
        return [task for part in self.parts for unit in part.units for task in unit.tasks]


def plan_number(plan: RemediationPlan, abbreviation: str, code: str) -> str:
    """ "15/KH-SNV" from the number "15"; a number typed whole ("15/KH-STP") as it was typed;
    blanks to fill in by hand for what is missing (a unit has no registered code here)."""
    number = plan.document_number.strip()
    if "/" in number:
        return number
    return document_number_text(number=number, kind=abbreviation, code=code)


def plan_header(plan: RemediationPlan, abbreviation: str) -> DocumentHeader:
    """A unit's plan under its own name, below the body it answers to (its parent unit, else
    the organiser's own superior: "UBND TỈNH HÒA AN / SỞ TƯ PHÁP"); the province's plan under
    the organiser, as its published reports are."""
    organiser = plan.period.organiser
    issued = timezone.localtime(plan.issued_at).date() if plan.issued_at else None
    place = organiser.place_name.strip() or place_name(organiser.name)
    if plan.unit is not None:
        superior = plan.unit.parent.name if plan.unit.parent_id else organiser.issuing_body
        issuing_body, issuer, code = superior.strip(), plan.unit.name, ""
    else:
        issuing_body = organiser.issuing_body.strip()
        issuer = body_name(organiser.name) if issuing_body else organiser.name
        code = organiser.document_code
    return DocumentHeader(
        issuing_body=issuing_body.upper(),
        issuer=issuer.upper(),
        number=plan_number(plan, abbreviation, code),
        place=place,
        **dateline_parts(issued),
    )


def plan_signature(plan: RemediationPlan) -> Signature:
    """The plan's own signer and recipients; the province's plan falls back to the organiser's
    defaults where the plan leaves them empty, as its published reports do."""
    organiser = plan.period.organiser
    province = plan.unit_id is None
    return signature(
        recipients=plan.recipients or (organiser.recipients if province else ""),
        signer_title=plan.signer_title or (organiser.signer_title if province else ""),
        signer_name=plan.signer_name or (organiser.signer_name if province else ""),
    )


def _paragraphs(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def task_sections(plan: RemediationPlan) -> list[UnitTasks]:
    """The tasks unit by unit, each unit where its first task stands in the plan, each unit's
    tasks numbered from 1 in the plan's order."""
    tasks = (
        plan.tasks.select_related("owner_unit").prefetch_related("items").order_by("position", "pk")
    )
    by_unit: dict[int, tuple[str, list]] = {}
    for task in tasks:
        by_unit.setdefault(task.owner_unit_id, (task.owner_unit.name, []))[1].append(task)
    sections = []
    for number, (unit_name, unit_tasks) in enumerate(by_unit.values(), start=1):
        lines = []
        for position, task in enumerate(unit_tasks, start=1):
            items = "; ".join(sorted((item.code for item in task.items.all()), key=code_key))
            if task.lost_points:
                lost = _("%(points)s points lost") % {"points": format_number(task.lost_points)}
                items = f"{items} ({lost})" if items else lost
            lines.append(
                TaskLine(
                    number=position,
                    title=task.title.strip(),
                    items=items or "—",
                    target=task.measurable_target.strip() or "—",
                    person=task.owner_person.strip() or "—",
                    deadline=date_text(task.deadline),
                )
            )
        sections.append(UnitTasks(number=number, unit_name=unit_name, tasks=lines))
    return sections


def plan_document(plan: RemediationPlan) -> PlanDocument:
    kind = PlanKind(plan.kind)
    kind_name, abbreviation = KIND_NAMES[kind]
    header = plan_header(plan, abbreviation)
    publication = plan.publication
    year = plan.period.year
    issuer = plan.unit.name if plan.unit is not None else body_name(plan.period.organiser.name)
    basis = []
    if publication.decision_number:
        # The wording of the published reports' basis (templates/reports/pdf/_basis.html).
        basis.append(
            _(
                "Pursuant to Decision No. %(number)s of %(date)s publishing the results of the "
                "Public Administration Reform Index %(year)s;"
            )
            % {
                "number": publication.decision_number,
                "date": date_text(publication.decision_date),
                "year": year,
            }
        )
    values = {"year": year, "date": date_text(publication.published_at), "issuer": issuer}
    if kind == PlanKind.CONCLUSION:
        basis.append(
            _(
                "From the results of the Public Administration Reform Index %(year)s published "
                "on %(date)s, %(issuer)s announces its conclusions as follows:"
            )
            % values
        )
    else:
        basis.append(
            _(
                "To remedy what the results of the Public Administration Reform Index %(year)s "
                "published on %(date)s showed, %(issuer)s issues the following plan:"
            )
            % values
        )

    parts: list[tuple[str, dict]] = []
    conclusion = _paragraphs(plan.conclusion)
    if conclusion:
        heading = (
            _("Conclusions") if kind == PlanKind.CONCLUSION else _("Assessment of the results")
        )
        parts.append((heading, {"paragraphs": conclusion}))
    if plan.target_rank:
        parts.append(
            (
                _("Objective"),
                {
                    "paragraphs": [
                        _(
                            "To reach rank %(rank)s or better in the Public Administration "
                            "Reform Index %(year)s."
                        )
                        % {"rank": plan.target_rank, "year": year + 1}
                    ]
                },
            )
        )
    sections = task_sections(plan)
    if sections:
        parts.append((_("Tasks, unit by unit"), {"units": sections}))
    parts.append(
        (
            _("Carrying out"),
            {
                "paragraphs": [
                    _(
                        "Each unit carries out its tasks by their deadlines and reports its "
                        "progress on the Public Administration Reform Index portal; what is "
                        "achieved counts in the assessment of %(year)s."
                    )
                    % {"year": year + 1}
                ]
            },
        )
    )
    unit_part = f"-{slugify(plan.unit.code)}" if plan.unit is not None else ""
    return PlanDocument(
        header=header,
        kind_name=kind_name,
        title=plan.title.strip(),
        basis=basis,
        parts=[
            Part(heading=f"{ROMAN[position]}. {heading.upper()}", **content)
            for position, (heading, content) in enumerate(parts)
        ],
        columns=[
            _("No."),
            _("Task"),
            _("Related criteria"),
            _("Indicator"),  # "Chỉ tiêu": the short column heading of official tables
            _("Person in charge"),
            _("Deadline"),
        ],
        signature=plan_signature(plan),
        file_stem=f"{FILE_STEMS[kind]}-{year}{unit_part}",
    )
