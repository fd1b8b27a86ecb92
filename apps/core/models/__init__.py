from .attachments import Attachment
from .audit import AuditEntry
from .imports import ImportJob, ImportJobStatus, ImportJobStep
from .regions import Region
from .requests import ChangeRequest
from .users import User

__all__ = [
    "Attachment",
    "AuditEntry",
    "ChangeRequest",
    "ImportJob",
    "ImportJobStatus",
    "ImportJobStep",
    "Region",
    "User",
]
