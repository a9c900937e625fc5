"""SQLAlchemy models: import from here so Alembic and callers see one metadata."""

from consultant.models.access import LoginThrottle, ReviewerSession
from consultant.models.base import Base, utcnow
from consultant.models.cases import (
    AuditEvent,
    Case,
    CaseNote,
    Draft,
    InboundMail,
    MailboxCheckpoint,
    Message,
    Outbound,
    PollerLease,
    ReplyFrame,
)
from consultant.models.codes import (
    AddOnEdit,
    CodeNote,
    CodeRecord,
    FeeScheduleRow,
    GpciLocality,
    LocalityCounty,
    Modifier,
    MueLimit,
    PlaceOfService,
    PtpCodeCount,
    PtpEdit,
    Release,
)
from consultant.models.people import ApiToken, Reviewer, Subscriber

__all__ = [
    "AddOnEdit",
    "ApiToken",
    "AuditEvent",
    "Base",
    "Case",
    "CaseNote",
    "CodeNote",
    "CodeRecord",
    "Draft",
    "FeeScheduleRow",
    "GpciLocality",
    "InboundMail",
    "LocalityCounty",
    "LoginThrottle",
    "MailboxCheckpoint",
    "Message",
    "Modifier",
    "MueLimit",
    "Outbound",
    "PlaceOfService",
    "PollerLease",
    "PtpCodeCount",
    "PtpEdit",
    "Release",
    "ReplyFrame",
    "Reviewer",
    "ReviewerSession",
    "Subscriber",
    "utcnow",
]
