"""Realistic synthetic data across the five domains and several years.

    python manage.py generate_demo_data --scale demo|province [--seed N] [--years 2022,2023,2024] [--if-empty]

Calls apps.<domain>.demo.generate(rng=, scale=, years=) for unions → competitions →
model_workers → hardship → insurance → services (a domain without demo.py is skipped, and said
so), then refreshes the dashboard summaries of those years. A generator whose data links to an
earlier domain's is handed what it needs as keyword arguments (``HANDOFFS``), read through that
domain's selectors (the reports' door, docs/architecture.md): no domain imports another.
"""

from __future__ import annotations

import importlib
import random
import time
from collections.abc import Callable
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from apps.core.audit import audit_context
from apps.core.choices import AuditSource, Role
from apps.core.management.commands.load_demo import DEMO_COUNTIES, demo_staff

DOMAINS = ["unions", "competitions", "model_workers", "hardship", "insurance", "services"]


def hardship_household_heads() -> dict[str, list[tuple[str, str]]]:
    """By demo county: (resident ID, name) of heads of the hardship households its county user
    sees (through the hardship selectors, in that user's scope), for the worker-services demo
    to visit some of them; it keeps those the core registry confirms as filed."""
    from apps.hardship.selectors import household_list

    heads: dict[str, list[tuple[str, str]]] = {}
    for code in DEMO_COUNTIES:
        for clerk in demo_staff(Role.COUNTY, code)[:1]:
            rows = household_list(user=clerk).order_by("id").values_list("head_id_number", "head_name")
            heads[code] = list(rows[:200])
    return heads


# What a generator is handed besides rng, scale and years, by domain.
HANDOFFS: dict[str, Callable[[], dict[str, Any]]] = {
    "services": lambda: {"household_heads": hardship_household_heads()},
}


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
                handed = HANDOFFS[domain]() if domain in HANDOFFS else {}
                with transaction.atomic():
                    counts = generate(rng=random.Random(rng.random()), scale=scale, years=year_list, **handed)
                done = ", ".join(f"{k} {v:,}" for k, v in counts.items())
                self.stdout.write(f"{domain}: {done} ({time.monotonic() - started:.1f} s)")
        if not options["no_summaries"]:
            from apps.reports.services import summary_refresh

            written = summary_refresh(years=year_list)
            self.stdout.write(f"reports: {written} dashboard summaries refreshed")
