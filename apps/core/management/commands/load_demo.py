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
    ("county_cg", Role.COUNTY, "620102", "城关区总工会", False),
    ("county_qlh", Role.COUNTY, "620103", "七里河区总工会", False),
]


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
            call_command("generate_demo_data", "--scale", "demo", "--if-empty")
