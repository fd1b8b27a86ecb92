import ipaddress

from axes.models import AccessAttempt
from django.core.management.base import BaseCommand, CommandError

from apps.core import lockout
from apps.core.audit import audit_context
from apps.core.choices import AuditSource
from apps.core.models import User


class Command(BaseCommand):
    help = "Unlock a user name locked out after too many failed logins (from every address, or one)."

    def add_arguments(self, parser):
        parser.add_argument("username", help="the user name that was typed at the login")
        parser.add_argument("--ip", help="only the lock from this client address")
        parser.add_argument("--user", help="the administrator doing it, for the audit trail")

    def handle(self, *args, **opts):
        by = None
        if opts["user"]:
            by = User.objects.filter(username=opts["user"], is_active=True).first()
            if by is None:
                raise CommandError(f"用户“{opts['user']}”不存在或已停用")
        attempts = AccessAttempt.objects.filter(username=opts["username"])
        if opts["ip"]:
            try:
                ipaddress.ip_address(opts["ip"])
            except ValueError as exc:
                raise CommandError(f"“{opts['ip']}”不是 IP 地址") from exc
            attempts = attempts.filter(ip_address=opts["ip"])
        with audit_context(user=by, source=AuditSource.COMMAND):
            count = lockout.attempts_release(attempts=attempts, user=by)
        if not count:
            self.stdout.write(f"no failed logins recorded for {opts['username']}")
            return
        self.stdout.write(f"unlocked {opts['username']} from {count} address(es)")
