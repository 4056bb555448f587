"""What the set-up index-set editor shows: the tree in order with each item's problems beside
it and the totals, how a rule is read (the levels and points units will see), and the sets an
officer may open in the editor."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q
from django.utils.translation import gettext as _

from parindex.parsing import ParseError, parse_decimal
from scoring.display import format_number
from scoring.engine.model import FIGURE_METHODS
from scoring.entries import per_case_text
from scoring.models import PARENT_LEVEL, Band, IndexItem, IndexSet, ItemLevel, ScoringMethod
from scoring.rules import RuleError, parse_rule

ZERO = Decimal(0)
TOP_LEVELS = (ItemLevel.AREA, ItemLevel.BONUS, ItemLevel.PENALTY)


@dataclass
class EditorNode:
    item: IndexItem
    depth: int  # 0 area or line, 1 criterion, 2 sub-criterion
    problems: list[str] = field(default_factory=list)
    children_sum: Decimal | None = None  # areas and criteria
    first: bool = False  # first among its siblings (no "move up")
    last: bool = False

    @property
    def balanced(self) -> bool:
        return self.children_sum is None or self.children_sum == self.item.max_points


@dataclass
class IndexSetEditor:
    index_set: IndexSet
    nodes: list[EditorNode]
    bands: list[Band]
    set_problems: list[str]  # problems that concern no single item
    areas_total: Decimal
    bonus_total: Decimal
    penalty_total: Decimal
    sub_criteria: int

    @property
    def problem_count(self) -> int:
        return len(self.set_problems) + sum(len(node.problems) for node in self.nodes)


def index_set_editor(
    *, index_set: IndexSet, problems: Mapping[int | None, list[str]]
) -> IndexSetEditor:
    """The set's tree in order (areas each followed by their criteria and sub-criteria, then
    bonus and penalty lines); `problems` are the tree problems by item id
    (scoring.services.index_sets.index_set_item_problems)."""
    items = list(IndexItem.objects.filter(index_set=index_set).order_by("position", "pk"))
    children: dict[int | None, list[IndexItem]] = {}
    for item in items:
        children.setdefault(item.parent_id, []).append(item)
    nodes: list[EditorNode] = []

    def walk(item: IndexItem, depth: int, siblings: list[IndexItem]) -> None:
        kids = children.get(item.pk, [])
        node = EditorNode(
            item=item,
            depth=depth,
            problems=list(problems.get(item.pk, [])),
            children_sum=(
                sum((kid.max_points for kid in kids), ZERO)
                if item.level in (ItemLevel.AREA, ItemLevel.CRITERION)
                else None
            ),
            first=siblings[0] is item,
            last=siblings[-1] is item,
        )
        nodes.append(node)
        for kid in kids:
            walk(kid, depth + 1, kids)

    for level in TOP_LEVELS:
        tops = [item for item in children.get(None, []) if item.level == level]
        for top in tops:
            walk(top, 0, tops)
    shown = {node.item.pk for node in nodes}
    set_problems = [
        message for key, messages in problems.items() if key not in shown for message in messages
    ]
    return IndexSetEditor(
        index_set=index_set,
        nodes=nodes,
        bands=list(index_set.bands.order_by("-min_percent")),
        set_problems=set_problems,
        areas_total=_total(items, ItemLevel.AREA),
        bonus_total=_total(items, ItemLevel.BONUS),
        penalty_total=_total(items, ItemLevel.PENALTY),
        sub_criteria=sum(1 for item in items if item.level == ItemLevel.SUB_CRITERION),
    )


def _total(items: list[IndexItem], level: str) -> Decimal:
    return sum((item.max_points for item in items if item.level == level), ZERO)


def parent_choices(item: IndexItem) -> list[IndexItem]:
    """The items `item` may move under: those of its parent's level in the same set."""
    parent_level = PARENT_LEVEL[ItemLevel(item.level)]
    if parent_level is None:
        return []
    return list(
        IndexItem.objects.filter(index_set_id=item.index_set_id, level=parent_level).order_by(
            "position"
        )
    )


def item_descendants(item: IndexItem) -> list[IndexItem]:
    """Everything below `item` (criteria and their sub-criteria), in tree order."""
    found, frontier = [], [item]
    while frontier:
        frontier = list(IndexItem.objects.filter(parent__in=frontier).order_by("position"))
        found += frontier
    return sorted(found, key=lambda node: node.position)


def editable_index_sets(*, organisers) -> list[IndexSet]:
    """The current and draft index sets of the organisers' periods, newest year first."""
    return list(
        IndexSet.objects.filter(period__organiser__in=organisers)
        .filter(Q(is_current=True) | Q(is_draft=True))
        .select_related("period__organiser", "unit_kind")
        .order_by("-period__year", "period__organiser__name", "unit_kind__position", "-version")
    )


# ---------------------------------------------------------------- how a rule is read


def rule_preview(*, rule: str, max_points, method: str | None) -> dict:
    """How `rule` is read for an item of `max_points` as `method` (empty: the method the rule
    is written in) — what the editor shows as the officer types:
    {method, method_label, levels: [{label, points}], errors, not_applicable_condition,
    scores_figure} — scores_figure: the rule scores a figure, so the item may be fed from data."""
    answer = {
        "method": method or "",
        "method_label": "",
        "levels": [],
        "errors": [],
        "not_applicable_condition": "",
        "scores_figure": False,
    }
    try:
        maximum = parse_decimal(max_points, label=_("Max points"))
    except ParseError as exc:
        answer["errors"].append(str(exc))
        return answer
    if maximum is None or maximum < ZERO:
        answer["errors"].append(_("Give the max points (0 or more) to read the rule."))
        return answer
    if method and method not in ScoringMethod.values:
        answer["errors"].append(_("Unknown scoring method “%(method)s”.") % {"method": method})
        return answer
    try:
        parsed = parse_rule(rule or "", maximum, method or None)
    except RuleError as exc:
        answer["errors"].append(str(exc))
        return answer
    answer["method"] = parsed.method
    answer["method_label"] = str(ScoringMethod(parsed.method).label)
    answer["not_applicable_condition"] = parsed.not_applicable_condition
    answer["scores_figure"] = parsed.method in FIGURE_METHODS
    answer["levels"] = _levels(parsed.method, parsed.params, maximum)
    return answer


def _levels(method: str, params: dict, maximum: Decimal) -> list[dict]:
    def level(label: str, points) -> dict:
        return {"label": label, "points": format_number(Decimal(points), None)}

    if method in (ScoringMethod.LEVELS, ScoringMethod.YES_NO):
        return [level(x["label"], x["points"]) for x in params.get("levels", [])]
    if method == ScoringMethod.RATIO_BANDS:
        bands = sorted(params.get("bands", []), key=lambda b: Decimal(b["lower"]), reverse=True)
        return [level(x["label"], x["points"]) for x in bands + params.get("alternatives", [])]
    if method == ScoringMethod.PROPORTIONAL:
        full_at = params.get("full_at")
        label = (
            _("Proportional to the reported ratio, full points from %(ratio)s%%")
            % {"ratio": format_number(Decimal(full_at), None)}
            if full_at
            else _("Proportional to the reported ratio, full points at 100%")
        )
        return [level(label, maximum)]
    if method == ScoringMethod.PER_CASE:
        cap = Decimal(params["cap"]) if params.get("cap") is not None else maximum
        return [level(per_case_text(params, maximum), min(cap, maximum))]
    if method == ScoringMethod.SURVEY:
        if params.get("basis") == "satisfaction_rate":
            return [level(_("Share of satisfied respondents × the max points"), maximum)]
        return [
            level(_("Answer %(letter)s") % {"letter": letter}, Decimal(weight) * maximum)
            for letter, weight in sorted(params.get("weights", {}).items())
        ]
    return [
        level(
            _("Points typed by the unit, from 0 to %(max)s")
            % {"max": format_number(maximum, None)},
            maximum,
        )
    ]
