from .audit import AuditEntry
from .regions import Region
from .users import User

__all__ = ["AuditEntry", "Region", "User"]
