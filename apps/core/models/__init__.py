from .audit import AuditEntry
from .imports import ImportJob, ImportJobStatus, ImportJobStep
from .regions import Region
from .users import User

__all__ = ["AuditEntry", "ImportJob", "ImportJobStatus", "ImportJobStep", "Region", "User"]
