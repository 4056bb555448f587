import json

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from parindex.tabular import csv_bytes
from scoring.display import (
    format_number,
    format_percent,
    index_change_text,
    rank_change_text,
    rank_label,
)
from scoring.exports import RANKING_COLUMNS, ranking_rows
from scoring.selectors.results import period_results

from ._period import period_argument


class Command(BaseCommand):
    help = (
        "Compute and print the year's results and ranks by group (final points, falling back to "
        "appraisal and self points), compared with the last published year."
    )

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--group", help="Only this ranking group (its code).")
        parser.add_argument("--format", default="table", choices=["json", "csv", "table"])
        parser.add_argument("--organiser", help="Organiser code (needed when there are several).")

    def handle(self, *args, year, group=None, format="table", organiser=None, **options):
        period = period_argument(year, organiser)
        results = period_results(period=period)
        if group and not any(g.code.casefold() == group.casefold() for g in results.groups):
            raise CommandError(
                _("No ranking group “%(group)s” in %(year)s.") % {"group": group, "year": year}
            )
        if format == "json":
            self.stdout.write(
                json.dumps(ranking_rows(results, group=group), ensure_ascii=False, indent=2)
            )
        elif format == "csv":
            rows = ranking_rows(results, group=group)
            content = csv_bytes(
                [[row[c] for c in RANKING_COLUMNS] for row in rows], RANKING_COLUMNS
            )
            self.stdout.write(content.decode("utf-8"), ending="")
        else:
            self._table(results, group)

    def _table(self, results, group):
        headers = [
            _("Rank"),
            _("Unit"),
            _("Maximum"),
            _("Direct"),
            _("Survey"),
            _("Total"),
            _("Index"),
            _("Classification"),
            _("Against last year"),
        ]
        for group_results in results.groups:
            if group and group_results.code.casefold() != group.casefold():
                continue
            title = group_results.name or _("Not ranked")
            self.stdout.write(self.style.MIGRATE_HEADING(title))
            lines = [headers] + [
                [
                    rank_label(row.rank, row.rank_of, official=True),
                    row.unit_name,
                    format_number(row.result.max_points),
                    format_number(row.result.direct_points),
                    format_number(row.result.survey_points),
                    format_number(row.result.total_points),
                    format_percent(row.result.index),
                    row.result.band,
                    " / ".join(
                        t
                        for t in (
                            rank_change_text(row.change.rank_change),
                            index_change_text(row.change.index_change),
                        )
                        if t
                    ),
                ]
                for row in group_results.rows
            ]
            widths = [max(len(str(line[i])) for line in lines) for i in range(len(headers))]
            for line in lines:
                self.stdout.write(
                    "  ".join(str(cell).ljust(widths[i]) for i, cell in enumerate(line)).rstrip()
                )
            self.stdout.write("")
