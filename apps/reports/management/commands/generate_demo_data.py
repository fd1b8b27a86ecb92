"""Realistic synthetic data across the five domains and several years.

    python manage.py generate_demo_data --scale demo|province [--seed N] [--years 2022,2023,2024] [--if-empty]

Calls apps.<domain>.demo.generate(rng=, scale=, years=) for unions → competitions →
model_workers → hardship → insurance (a domain without demo.py is skipped, and said so),
then refreshes the dashboard summaries of those years.
"""

from __future__ import annotations

import importlib
import random
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from apps.core.audit import audit_context
from apps.core.choices import AuditSource

DOMAINS = ["unions", "competitions", "model_workers", "hardship", "insurance"]


def load_generator(domain: str):
    module_name = f"apps.{domain}.demo"
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name and (module_name == exc.name or module_name.startswith(exc.name + ".")):
            return None
        raise
    return getattr(module, "generate", None)


class Command(BaseCommand):
    help = "Generate synthetic demo or province-scale data for every domain."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--scale", choices=["demo", "province"], default="demo")
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--years", help="comma-separated years (default: the last 3 complete years)")
        parser.add_argument("--if-empty", action="store_true", help="do nothing when unions already exist")
        parser.add_argument(
            "--no-summaries", action="store_true", help="do not refresh the dashboard summaries"
        )

    def handle(self, *args, scale: str, seed: int, years: str | None, if_empty: bool, **options) -> None:
        from apps.unions.public import GrassrootsUnion

        if if_empty and GrassrootsUnion.objects.exists():
            self.stdout.write("demo data: the database already holds unions, nothing generated")
            return
        if years:
            try:
                year_list = sorted({int(y) for y in years.split(",") if y.strip()})
            except ValueError as exc:
                raise CommandError("--years takes years separated by commas, e.g. 2022,2023,2024") from exc
        else:
            last = timezone.localdate().year - 1
            year_list = [last - 2, last - 1, last]
        rng = random.Random(seed)
        with audit_context(source=AuditSource.COMMAND):
            for domain in DOMAINS:
                generate = load_generator(domain)
                if generate is None:
                    self.stdout.write(f"{domain}: skipped (no apps/{domain}/demo.py yet)")
                    continue
                started = time.monotonic()
                with transaction.atomic():
                    counts = generate(rng=random.Random(rng.random()), scale=scale, years=year_list)
                done = ", ".join(f"{k} {v:,}" for k, v in counts.items())
                self.stdout.write(f"{domain}: {done} ({time.monotonic() - started:.1f} s)")
        if not options["no_summaries"]:
            from apps.reports.services import summary_refresh

            written = summary_refresh(years=year_list)
            self.stdout.write(f"reports: {written} dashboard summaries refreshed")
