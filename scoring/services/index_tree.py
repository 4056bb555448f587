"""The rules every index-set tree obeys, in one place for imports and for edits: unique codes,
parents of the right level, each parent's maximum equal to the sum of its children's, rules
readable as their scoring method."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from parindex.tabular import ImportProblem
from scoring.display import format_number
from scoring.models import PARENT_LEVEL, IndexItem, ItemLevel, data_source_problem
from scoring.rules import ParsedRule, RuleError, parse_rule


@dataclass
class ItemSpec:
    row: int
    code: str
    name: str
    level: str
    max_points: Decimal | None  # None: a parent whose maximum is the sum of its children
    method: str | None = None  # None: inferred from the rule text
    rule: str = ""
    guidance: str = ""
    evidence_required: bool | None = None
    survey: bool = False
    data_source: str = ""  # filled: the item's figure comes from another system
    parent_code: str | None = None
    children: list["ItemSpec"] = field(default_factory=list)
    parsed: ParsedRule | None = None  # set by check_tree for scored items


def check_tree(items: list[ItemSpec], problems: list[ImportProblem]) -> None:
    """Append to `problems` every way `items` break the tree rules; fill in derived parent
    maxima and each scored item's parsed rule."""
    by_code: dict[str, ItemSpec] = {}
    for item in items:
        _check_fits_fields(item, problems)
        if item.code in by_code:
            problems.append(
                ImportProblem(
                    item.row,
                    _("Code “%(code)s” is already used on row %(first)s.")
                    % {"code": item.code, "first": by_code[item.code].row},
                )
            )
            continue
        by_code[item.code] = item
    for item in items:
        expected_parent = PARENT_LEVEL[ItemLevel(item.level)]
        if expected_parent is None or by_code.get(item.code) is not item:
            continue
        parent = by_code.get(item.parent_code or "")
        if parent is not None and not item.code.startswith(parent.code + "."):
            problems.append(
                ImportProblem(
                    item.row,
                    _("Code “%(code)s” does not belong under “%(parent)s”.")
                    % {"code": item.code, "parent": parent.code},
                )
            )
            continue
        if parent is None or parent.level != expected_parent:
            problems.append(
                ImportProblem(
                    item.row,
                    _("The parent “%(parent)s” of item “%(code)s” is not in the file.")
                    % {"parent": item.parent_code or "—", "code": item.code},
                )
            )
            continue
        parent.children.append(item)
    # Sub-criteria first, so a criterion's derived maximum is known before its area is checked.
    for level in (ItemLevel.CRITERION, ItemLevel.AREA):
        for item in items:
            if item.level != level:
                continue
            if not item.children:
                problems.append(
                    ImportProblem(
                        item.row,
                        _("%(level)s “%(code)s” has no sub-items.")
                        % {"level": ItemLevel(level).label, "code": item.code},
                    )
                )
                continue
            if any(child.max_points is None for child in item.children):
                continue  # a child's own problem is already reported
            children_sum = sum((child.max_points for child in item.children), Decimal(0))
            if item.max_points is None:
                item.max_points = children_sum
            elif item.max_points != children_sum:
                problems.append(
                    ImportProblem(
                        item.row,
                        _(
                            "The max points of “%(code)s” are %(max)s but its sub-items add "
                            "up to %(sum)s."
                        )
                        % {
                            "code": item.code,
                            "max": format_number(item.max_points, None),
                            "sum": format_number(children_sum, None),
                        },
                    )
                )
    for item in items:
        scored = item.level in (ItemLevel.SUB_CRITERION, ItemLevel.BONUS, ItemLevel.PENALTY)
        if item.data_source and not scored:
            _data_source_refused(
                item,
                _("Only a sub-criterion or a bonus or penalty line can be fed from data."),
                problems,
            )
        if item.max_points is None:
            continue  # its missing or unreadable maximum is already reported
        if scored:
            try:
                item.parsed = parse_rule(item.rule, item.max_points, item.method)
            except RuleError as exc:
                problems.append(
                    ImportProblem(
                        item.row,
                        _("The rule of “%(code)s” cannot be read: %(error)s")
                        % {"code": item.code, "error": exc},
                    )
                )
                continue
            refused = data_source_problem(method=item.parsed.method, data_source=item.data_source)
            if refused:
                _data_source_refused(item, refused, problems)


def _data_source_refused(item: ItemSpec, problem: str, problems: list[ImportProblem]) -> None:
    problems.append(
        ImportProblem(
            item.row, _("Item “%(code)s”: %(problem)s") % {"code": item.code, "problem": problem}
        )
    )


def _check_fits_fields(item: ItemSpec, problems: list[ImportProblem]) -> None:
    """Lengths and decimals as the database stores them (one definition: the model's fields),
    so that SQLite and PostgreSQL never differ on what they keep."""
    for name, value in (
        ("code", item.code),
        ("name", item.name),
        ("data_source", item.data_source),
    ):
        limit = IndexItem._meta.get_field(name).max_length
        if len(value) > limit:
            problems.append(
                ImportProblem(
                    item.row,
                    _("The %(column)s of “%(code)s” is longer than %(limit)s characters.")
                    % {"column": name, "code": item.code[:limit], "limit": limit},
                )
            )
    if item.max_points is not None:
        try:
            IndexItem._meta.get_field("max_points").run_validators(item.max_points)
        except ValidationError as exc:
            problems.append(ImportProblem(item.row, "max_points: " + " ".join(exc.messages)))
