"""Recompute the dashboard summaries now (the nightly Celery task does the same).

python manage.py refresh_dashboards [--years 2023,2024]
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from apps.reports.tasks import indicator_summaries_refresh_task


class Command(BaseCommand):
    help = "Recompute the precomputed indicator summaries the dashboards read."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--years", help="comma-separated years (default: the last five)")

    def handle(self, *args, years: str | None, **options) -> None:
        try:
            year_list = [int(y) for y in years.split(",") if y.strip()] if years else None
        except ValueError as exc:
            raise CommandError("--years takes years separated by commas, e.g. 2023,2024") from exc
        written = indicator_summaries_refresh_task.apply(kwargs={"years": year_list}, throw=True).get()
        self.stdout.write(f"{written} summaries refreshed")
