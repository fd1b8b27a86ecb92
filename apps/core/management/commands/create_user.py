from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from apps.core import services
from apps.core.audit import audit_context
from apps.core.choices import AuditSource, Role
from apps.core.exceptions import ApplicationError
from apps.core.selectors import region_by_code


class Command(BaseCommand):
    help = (
        "Create a user bound to a region: county, prefecture, province staff or an administrator; "
        "or a grassroots union user bound to a union (--role union --union CODE). "
        "Only administrators get the Django admin (is_staff); the other roles work in the pages."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument("--region", help="division code, e.g. 620102 (not for --role union)")
        parser.add_argument("--union", help="union code, for --role union")
        parser.add_argument("--password", required=True)
        parser.add_argument("--name", default="", help="full name")
        parser.add_argument(
            "--can-view-personal-data", action="store_true", help="may see resident IDs and incomes in full"
        )

    def handle(self, *args, **opts):
        union = region = None
        if opts["role"] == Role.UNION:
            if not opts["union"]:
                raise CommandError("--role union 需要 --union 工会代码。")
            union_model = apps.get_model(settings.UNION_MODEL)
            union = union_model._default_manager.select_related("region").filter(code=opts["union"]).first()
            if union is None:
                raise CommandError(f"没有代码为 {opts['union']} 的基层工会。")
            region = union.region
        else:
            if not opts["region"]:
                raise CommandError("需要 --region 地区代码。")
            region = region_by_code(opts["region"])
            if region is None:
                raise CommandError(f"没有代码为 {opts['region']} 的地区。")
        try:
            with audit_context(source=AuditSource.COMMAND):
                user = services.user_create(
                    username=opts["username"],
                    password=opts["password"],
                    role=opts["role"],
                    region=region,
                    full_name=opts["name"],
                    can_view_personal_data=opts["can_view_personal_data"],
                    union=union,
                )
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        admin_site = "admin site" if user.is_staff else "pages only"
        where = f"{union.name}, {region}" if union is not None else str(region)
        self.stdout.write(f"created {user.username} ({user.get_role_display()}, {where}, {admin_site})")
