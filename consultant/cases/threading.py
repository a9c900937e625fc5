"""Which case a message belongs to: headers first, then a genuine subject tag, and in
either case only when the sender may add to that case.

A Message-ID is not a secret (it travels in every reply and can be guessed from a quoted
header), so knowing one proves nothing: a reply joins a case only when its sender is the
case's requester or belongs to the same subscriber account. Anyone else opens a case of
their own, after the sender policy.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from consultant.cases.tags import find_tagged_case
from consultant.mailin.parse import ParsedMail
from consultant.models import Case, Message, Outbound, Subscriber


def may_add_to(case: Case, sender: str, subscriber: Subscriber | None) -> bool:
    """True when ``sender`` (with its subscriber account, if any) owns ``case``."""
    if sender.lower() == case.requester.lower():
        return True
    return subscriber is not None and case.subscriber_id == subscriber.id


def find_case(
    session: Session,
    mail: ParsedMail,
    keys: str | Sequence[str],
    subscriber: Subscriber | None = None,
) -> Case | None:
    """The existing case ``mail`` follows up on, or None for a new question.

    ``keys`` are the secrets a subject tag may be signed with; ``subscriber`` is the
    sender's account (None for a non-subscriber), which decides whether it owns the case.
    """
    ids = [i for i in [mail.in_reply_to, *reversed(mail.references)] if i]
    if ids:
        case_id = session.scalar(
            select(Message.case_id).where(Message.message_id.in_(ids)).limit(1)
        ) or session.scalar(select(Outbound.case_id).where(Outbound.message_id.in_(ids)).limit(1))
        if case_id is not None:
            case = session.get(Case, case_id)
            if case is not None and may_add_to(case, mail.from_address, subscriber):
                return case
    tagged = find_tagged_case(mail.subject, keys)
    if tagged is not None:
        case = session.get(Case, tagged)
        if case is not None and may_add_to(case, mail.from_address, subscriber):
            return case
    return None
