"""Which case a message belongs to: headers first, then a genuine subject tag."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from consultant.cases.tags import find_tagged_case
from consultant.mailin.parse import ParsedMail
from consultant.models import Case, Message, Outbound


def find_case(session: Session, mail: ParsedMail, secret: str) -> Case | None:
    """The existing case ``mail`` follows up on, or None for a new question."""
    ids = [i for i in [mail.in_reply_to, *reversed(mail.references)] if i]
    if ids:
        case_id = session.scalar(
            select(Message.case_id).where(Message.message_id.in_(ids)).limit(1)
        ) or session.scalar(select(Outbound.case_id).where(Outbound.message_id.in_(ids)).limit(1))
        if case_id is not None:
            return session.get(Case, case_id)
    tagged = find_tagged_case(mail.subject, secret)
    if tagged is not None:
        case = session.get(Case, tagged)
        # The tag is genuine, but only the case's own requester may add to it.
        if case is not None and case.requester == mail.from_address:
            return case
    return None
