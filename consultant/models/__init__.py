"""SQLAlchemy models: import from here so Alembic and callers see one metadata."""

from consultant.models.access import LoginThrottle, ReviewerSession
from consultant.models.base import Base, utcnow
from consultant.models.cases import (
    AuditEvent,
    Case,
    Draft,
    InboundMail,
    MailboxCheckpoint,
    Message,
    Outbound,
    PollerLease,
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
    ReleaseFetch,
)
from consultant.models.people import Reviewer, Subscriber

__all__ = [
    "AddOnEdit",
    "AuditEvent",
    "Base",
    "Case",
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
    "ReleaseFetch",
    "Reviewer",
    "ReviewerSession",
    "Subscriber",
    "utcnow",
]
