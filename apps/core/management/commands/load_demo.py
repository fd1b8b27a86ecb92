"""The demo users (one per role, two at the prefecture for four-eyes decisions) and the demo data.

The demo data (``generate_demo_data``) gives the demo users' counties (城关区 620102 and 七里河区
620103, both in 兰州市 620100) a walkable share of every domain; the domain generators find the
people who take the workflow steps there with ``demo_staff``.
"""

from __future__ import annotations

from django.core.management import call_command
from django.core.management.base import BaseCommand

from apps.core import services
from apps.core.audit import audit_context
from apps.core.choices import AuditSource, Role
from apps.core.models import User
from apps.core.selectors import region_by_code

DEMO_USERS = [
    ("admin", Role.ADMIN, "620000", "系统管理员", True),
    ("province", Role.PROVINCE, "620000", "省总工会", True),
    ("pref_lz", Role.PREFECTURE, "620100", "兰州市总工会", False),
    ("pref_lz2", Role.PREFECTURE, "620100", "兰州市总工会（复核）", False),
    ("county_cg", Role.COUNTY, "620102", "城关区总工会", False),
    ("county_qlh", Role.COUNTY, "620103", "七里河区总工会", False),
]
# Demo accounts the demo data creates (a grassroots union user needs its union): given the
# demo password once the data exists.
DEMO_DATA_USERS = ("union_cg",)
# The counties of the demo's county users: the generators give them a walkable share of the data.
DEMO_COUNTIES = tuple(code for _u, role, code, _n, _p in DEMO_USERS if role == Role.COUNTY)
# The audit note of every generated record, as the history pages show it.
DEMO_NOTE = "演示数据"


def demo_staff(role: str, region_code: str) -> list[User]:
    """The active users of a role bound to a region, by user name (empty when there are none:
    ``generate_demo_data`` run before ``load_demo``, or a domain's tests)."""
    return list(User.objects.filter(role=role, region__code=region_code, is_active=True).order_by("username"))


class Command(BaseCommand):
    help = "Load the demo users (one per role) and the demo data set; safe to run again."

    def add_arguments(self, parser):
        parser.add_argument("--password", required=True)

    def handle(self, *args, **opts):
        with audit_context(source=AuditSource.COMMAND):
            for username, role, code, name, pii in DEMO_USERS:
                if User.objects.filter(username=username).exists():
                    continue
                services.user_create(
                    username=username,
                    password=opts["password"],
                    role=role,
                    region=region_by_code(code),
                    full_name=name,
                    can_view_personal_data=pii,
                )
                self.stdout.write(f"demo user {username} ({role}, {code})")
        from django.core.management import get_commands

        if "generate_demo_data" in get_commands():
            call_command("generate_demo_data", "--scale", "demo", "--if-empty", stdout=self.stdout)
        for user in User.objects.filter(username__in=DEMO_DATA_USERS, last_login__isnull=True):
            user.set_password(opts["password"])
            user.save(update_fields=["password"])
            self.stdout.write(f"demo user {user.username} ({user.role}, {user.union})")
