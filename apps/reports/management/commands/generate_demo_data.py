"""Realistic synthetic data across the five domains and several years.

    python manage.py generate_demo_data --scale demo|province [--seed N] [--years 2022,2023,2024] [--if-empty]

Calls apps.<domain>.demo.generate(rng=, scale=, years=) for unions → competitions →
model_workers → hardship → insurance → services (a domain without demo.py is skipped, and said
so), then refreshes the dashboard summaries of those years. A generator whose data links to an
earlier domain's is handed what it needs as keyword arguments (``HANDOFFS``), read through that
domain's selectors (the reports' door, docs/architecture.md): no domain imports another.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from contextlib import nullcontext
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from apps.core.audit import audit_context
from apps.core.choices import AuditSource, Role
from apps.core.management.commands.load_demo import DEMO_COUNTIES, demo_staff
from apps.core.processes import in_processes, may_fork
from apps.reports.indicators import load_source

DOMAINS = ["unions", "competitions", "model_workers", "hardship", "insurance", "services"]
# What may run side by side: the middle stage needs only the unions; services visits hardship
# households. A domain not listed here runs after these stages, alone.
STAGES = [["unions"], ["competitions", "model_workers", "hardship", "insurance"], ["services"]]
# Generators that, at the province scale, commit their own batches and split their work over
# processes (outside a transaction); the others run in one transaction each.
OWN_TRANSACTIONS = {"unions", "services"}
# Relative cost at the province scale (measured), to split a stage over processes.
WEIGHTS = {"hardship": 5, "insurance": 5, "competitions": 1, "model_workers": 0.2}


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


def load_generator(domain: str) -> Callable[..., dict[str, int]] | None:
    """The domain's ``demo.generate``, or None while the domain has no generator."""
    return load_source(f"apps.{domain}.demo.generate")


def _run_domains(
    domains: list[str], seeds: dict[str, float], scale: str, years: list[int], *, atomic: bool = True
) -> list[tuple[str, dict[str, int], float]]:
    """Run the generators of ``domains`` in order: (domain, counts, seconds) each. Those of
    ``OWN_TRANSACTIONS`` commit their own batches unless ``atomic``; the others are one
    transaction each."""
    results = []
    for domain in domains:
        generate = load_generator(domain)
        started = time.monotonic()
        handed = HANDOFFS[domain]() if domain in HANDOFFS else {}
        with transaction.atomic() if atomic or domain not in OWN_TRANSACTIONS else nullcontext():
            counts = generate(rng=random.Random(seeds[domain]), scale=scale, years=years, **handed)
        results.append((domain, counts, time.monotonic() - started))
    return results


def _balanced(domains: list[str], n: int) -> list[list[str]]:
    """``domains`` in ``n`` groups of about equal work (WEIGHTS), each in the domains' order."""
    groups: list[list[str]] = [[] for _ in range(n)]
    load = [0.0] * n
    for domain in sorted(domains, key=lambda d: -WEIGHTS.get(d, 1)):
        i = load.index(min(load))
        groups[i].append(domain)
        load[i] += WEIGHTS.get(domain, 1)
    return [sorted(g, key=DOMAINS.index) for g in groups if g]


class Command(BaseCommand):
    help = "Generate synthetic demo or province-scale data for every domain."

    def _generator(self, domain: str):
        generate = load_generator(domain)
        if generate is None:
            self.stdout.write(f"{domain}: skipped (no apps/{domain}/demo.py yet)")
        return generate

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
        seeds = {domain: rng.random() for domain in DOMAINS}  # the same data however it is run
        # At the province scale on PostgreSQL the domains that need only the unions run in two
        # processes (the generator is bound by Python; the machine has cores), and the unions
        # domain commits a batch at a time (a stopped run keeps what it wrote, leaves no
        # gigabytes of dead rows); at the demo scale each domain is one transaction.
        forked = scale == "province" and may_fork()
        with audit_context(source=AuditSource.COMMAND):
            staged = {d for stage in STAGES for d in stage}
            for stage in [
                *([d for d in s if d in DOMAINS] for s in STAGES),
                *([d] for d in DOMAINS if d not in staged),
            ]:
                runnable = [d for d in stage if self._generator(d) is not None]
                if forked and len(runnable) > 1:
                    groups = _balanced(runnable, 2)
                    args = [(group, seeds, scale, year_list) for group in groups]
                    results = [line for lines in in_processes(_run_domains, args) for line in lines]
                else:
                    results = _run_domains(runnable, seeds, scale, year_list, atomic=not forked)
                for domain, counts, seconds in sorted(results, key=lambda r: DOMAINS.index(r[0])):
                    done = ", ".join(f"{k} {v:,}" for k, v in counts.items())
                    self.stdout.write(f"{domain}: {done} ({seconds:.1f} s)")
        if connection.vendor == "postgresql":
            # fresh statistics for the planner: autovacuum would get to millions of new rows
            # only later, and until then estimates a tenth of them (seen in the refresh's plans)
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        if not options["no_summaries"]:
            from apps.reports.services import summary_refresh

            written = summary_refresh(years=year_list)
            self.stdout.write(f"reports: {written} dashboard summaries refreshed")
