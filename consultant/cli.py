"""The ``consultant`` command: processes, administration and the JSON contracts.

``cases list --json``, ``quarantine list --json`` and ``draft --json`` are read by tools
outside the project: keep their fields stable.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from consultant.config import get_settings


def _db_upgrade(args: argparse.Namespace) -> int:
    from consultant.codes.knowledge import load_bundled
    from consultant.db import transaction
    from consultant.migrate import upgrade

    settings = get_settings()
    upgrade(settings.db_url, args.revision)
    if args.revision == "head":
        with transaction() as session:
            notes, icd = load_bundled(session)
        if notes or icd:
            print(f"bundled knowledge: {notes} code notes, {icd} ICD-10-CM codes loaded")
    print(f"database at {args.revision}: {_safe_url(settings.db_url)}")
    return 0


def _db_downgrade(args: argparse.Namespace) -> int:
    from consultant.migrate import downgrade

    downgrade(get_settings().db_url, args.revision)
    return 0


def _safe_url(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def _cases_list(args: argparse.Namespace) -> int:
    from consultant.db import transaction
    from consultant.models import Case, Message

    with transaction() as session:
        counts = dict(
            session.execute(select(Message.case_id, func.count()).group_by(Message.case_id)).all()
        )
        rows = [
            {
                "id": c.id,
                "status": c.status,
                "subject": c.subject,
                "from": c.requester,
                "messages": counts.get(c.id, 0),
                "needs_expert": c.needs_expert,
                "created_at": c.created_at.isoformat(),
                "updated_at": c.updated_at.isoformat(),
            }
            for c in session.scalars(select(Case).order_by(Case.id))
        ]
    if args.json:
        print(json.dumps(rows, indent=None))
    else:
        for r in rows:
            print(
                f"#{r['id']:<6} {r['status']:<16} {r['messages']:>3} msg  {r['from']:<30} {r['subject']}"
            )
    return 0


def _quarantine_list(args: argparse.Namespace) -> int:
    from consultant.db import transaction
    from consultant.models import InboundMail

    with transaction() as session:
        rows: list[dict[str, Any]] = [
            {
                "id": m.id,
                "reason": m.reason,
                "subject": m.subject,
                "from": m.from_address or m.envelope_from,
                "message_id": m.message_id,
                "received_at": m.received_at.isoformat(),
                "size": m.size,
            }
            for m in session.scalars(
                select(InboundMail)
                .where(InboundMail.status == "quarantined")
                .order_by(InboundMail.id)
            )
        ]
    if args.json:
        print(json.dumps(rows))
    else:
        for r in rows:
            print(f"#{r['id']:<6} {r['from']:<30} {r['subject'][:40]:<40} {r['reason'][:80]}")
    return 0


def _quarantine_retry(args: argparse.Namespace) -> int:
    from consultant.db import transaction
    from consultant.mailin.quarantine import retry

    failed = 0
    with transaction() as session:
        for inbound_id in args.ids:
            if retry(session, inbound_id, "cli"):
                print(f"#{inbound_id}: queued for processing again")
            else:
                print(f"#{inbound_id}: not in quarantine", file=sys.stderr)
                failed += 1
    return 1 if failed else 0


def _reviewers_add(args: argparse.Namespace) -> int:
    from consultant.db import transaction
    from consultant.models import Reviewer
    from consultant.review.accounts import set_password
    from consultant.review.passwords import WeakPassword, generate_password

    password = args.password or generate_password()
    email = args.email.strip().lower()
    try:
        with transaction() as session:
            reviewer = session.scalar(select(Reviewer).where(Reviewer.email == email))
            if reviewer is None:
                reviewer = Reviewer(email=email, name=args.name or "", password_hash="!")
                session.add(reviewer)
                session.flush()
            reviewer.is_admin = args.admin
            reviewer.active = True
            set_password(session, reviewer, password, "cli")
    except WeakPassword as exc:
        print(f"{email}: {exc}", file=sys.stderr)
        return 2
    if args.password:
        print(f"reviewer {email} added")
    else:
        print(f"reviewer {email} password: {password}")
    return 0


def _reviewers_change(action: str) -> Callable[[argparse.Namespace], int]:
    """disable | enable | reset | unlock | totp for one reviewer, from the command line."""

    def run(args: argparse.Namespace) -> int:
        from consultant.db import transaction
        from consultant.review import accounts
        from consultant.review.passwords import WeakPassword, generate_password

        password = getattr(args, "password", "") or generate_password()
        try:
            with transaction() as session:
                reviewer = accounts.find_reviewer(session, args.email)
                if action in ("disable", "enable"):
                    accounts.set_active(session, reviewer, action == "enable", "cli")
                elif action == "reset":
                    accounts.set_password(session, reviewer, password, "cli")
                elif action == "unlock":
                    accounts.unlock(session, reviewer, "cli")
                elif action == "totp":
                    uri = accounts.enroll_totp(session, reviewer, "cli", remove=args.remove)
        except (accounts.AccountError, WeakPassword) as exc:
            print(str(exc), file=sys.stderr)
            return 2
        email = args.email.strip().lower()
        if action == "reset":
            shown = "(as given)" if getattr(args, "password", "") else password
            print(f"reviewer {email} password: {shown}; their sessions are ended")
        elif action == "totp":
            print(uri or f"second factor removed for {email}")
        else:
            print(f"reviewer {email} {action}d")
        return 0

    return run


def _reviewers_list(args: argparse.Namespace) -> int:
    from consultant.db import transaction
    from consultant.review.accounts import list_accounts

    with transaction() as session:
        rows = list_accounts(session)
    if args.json:
        print(json.dumps([row.__dict__ for row in rows]))
    else:
        for r in rows:
            flags = [
                "admin" if r.is_admin else "",
                "active" if r.active else "DISABLED",
                "LOCKED" if r.locked else "",
                "totp" if r.totp else "",
            ]
            print(f"{r.email:<40} {' '.join(f for f in flags if f):<28} {r.sessions} session(s)")
    return 0


def _retention_purge(args: argparse.Namespace) -> int:
    from datetime import timedelta

    from consultant.db import transaction
    from consultant.retention import purge

    with transaction() as session:
        done = purge(session, timedelta(days=args.older_than), "cli", dry_run=args.dry_run)
    verb = "would remove" if args.dry_run else "removed"
    print(
        f"{verb} raw mail of {done.inbound} message(s) and the original text of "
        f"{done.messages} message(s) on {done.cases} answered or closed case(s)"
    )
    return 0


def _secrets(args: argparse.Namespace) -> int:
    from consultant.crypto import new_data_key

    if args.secrets_command == "data-key":
        print(new_data_key())
        return 0
    from consultant.db import transaction
    from consultant.retention import rotate_data

    with transaction() as session:
        count = rotate_data(session)
    print(f"{count} row(s) re-encrypted under the current data key")
    return 0


def _reviewers_token(args: argparse.Namespace) -> int:
    from consultant.db import transaction
    from consultant.models import Reviewer
    from consultant.review.api import issue_token

    with transaction() as session:
        reviewer = session.scalar(select(Reviewer).where(Reviewer.email == args.email.lower()))
        if reviewer is None or not reviewer.active:
            print(f"no active reviewer {args.email.lower()}", file=sys.stderr)
            return 1
        token = issue_token(session, reviewer, args.name)
    print(token)
    return 0


def _subscribers_add(args: argparse.Namespace) -> int:
    from consultant.db import transaction
    from consultant.models import Subscriber

    with transaction() as session:
        sub = session.scalar(select(Subscriber).where(Subscriber.address == args.address.lower()))
        if sub is None:
            sub = Subscriber(address=args.address.lower())
            session.add(sub)
        sub.name, sub.plan, sub.monthly_quota, sub.sla_hours = (
            args.name,
            args.plan,
            args.quota,
            args.sla_hours,
        )
        sub.active = True
    print(f"subscriber {args.address.lower()} ({args.plan})")
    return 0


def _ask(args: argparse.Namespace) -> int:
    from consultant.mailin.sample import send_question

    settings = get_settings()
    message_id = send_question(settings, args.question, sender=args.sender, subject=args.subject)
    print(f"sent to {settings.consult_address} via 127.0.0.1:{settings.smtpd_port} as {message_id}")
    print("the draft appears in the workspace queue within seconds")
    return 0


def _draft(args: argparse.Namespace) -> int:
    from consultant.drafting.preview import preview_file

    for path in args.files:
        print(json.dumps(preview_file(Path(path)), default=str))
    return 0


def _data_import(args: argparse.Namespace) -> int:
    from datetime import date

    from consultant.codes.importers.cli import import_paths

    effective = date.fromisoformat(args.effective) if args.effective else None
    return import_paths([Path(p) for p in args.paths], quiet=args.quiet, effective=effective)


def _data_update(args: argparse.Namespace) -> int:
    from datetime import date

    from consultant.codes.update.cli import run_update

    since = date.fromisoformat(args.since) if args.since else None
    return run_update(args.only, args.dry_run, since, quiet=args.quiet)


def _data_status(args: argparse.Namespace) -> int:
    from consultant.codes.update.cli import run_status

    return run_status(as_json=args.json)


def _codes_show(args: argparse.Namespace) -> int:
    from consultant.codes.page import code_page
    from consultant.codes.render import print_page
    from consultant.db import transaction

    with transaction() as session:
        info = code_page(session, args.code, locality=args.locality)
    if info is None:
        print(f"{args.code}: no record, fee schedule row or note", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(info, default=str))
    else:
        print_page(info)
    return 0


def _codes_search(args: argparse.Namespace) -> int:
    from consultant.codes.search import search
    from consultant.db import transaction

    with transaction() as session:
        hits = search(session, args.text, limit=args.limit)
    if args.json:
        print(json.dumps([h.__dict__ for h in hits]))
    else:
        for hit in hits:
            print(f"{hit.code:<8} {hit.system:<10} {hit.score:>7.2f}  {hit.title}")
    return 0


def _process(name: str) -> Callable[[argparse.Namespace], int]:
    def run(args: argparse.Namespace) -> int:
        from consultant import processes

        return int(getattr(processes, name)() or 0)

    return run


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="consultant", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    db = sub.add_parser("db", help="database schema").add_subparsers(
        dest="db_command", required=True
    )
    up = db.add_parser(
        "upgrade", help="migrate to a revision (default head) and load bundled knowledge"
    )
    up.add_argument("revision", nargs="?", default="head")
    up.set_defaults(func=_db_upgrade)
    down = db.add_parser("downgrade", help="migrate down to a revision")
    down.add_argument("revision")
    down.set_defaults(func=_db_downgrade)

    for name, text in [
        ("run", "start the whole service (embedded default)"),
        ("web", "reviewer workspace"),
        ("worker", "Celery worker"),
        ("beat", "Celery beat (sweeper)"),
        ("poll", "IMAP poller"),
        ("smtpd", "inbound SMTP listener"),
    ]:
        sub.add_parser(name, help=text).set_defaults(func=_process(name))

    ask = sub.add_parser("ask", help="send a sample question to the local SMTP listener")
    ask.add_argument("question")
    ask.add_argument("--from", dest="sender", default="coder@example.org")
    ask.add_argument("--subject", default="")
    ask.set_defaults(func=_ask)

    cases = sub.add_parser("cases").add_subparsers(dest="cases_command", required=True)
    cl = cases.add_parser("list", help="list cases")
    cl.add_argument("--json", action="store_true")
    cl.set_defaults(func=_cases_list)

    quarantine = sub.add_parser("quarantine").add_subparsers(dest="q_command", required=True)
    ql = quarantine.add_parser("list", help="messages set aside, with their reasons")
    ql.add_argument("--json", action="store_true")
    ql.set_defaults(func=_quarantine_list)
    qr = quarantine.add_parser("retry", help="process quarantined messages again")
    qr.add_argument("ids", nargs="+", type=int)
    qr.set_defaults(func=_quarantine_retry)

    reviewers = sub.add_parser("reviewers").add_subparsers(dest="r_command", required=True)
    ra = reviewers.add_parser("add", help="add a reviewer (or reset a password)")
    ra.add_argument("email")
    ra.add_argument("--name", default="")
    ra.add_argument("--admin", action="store_true")
    ra.add_argument("--password", default="", help="default: a generated one, printed once")
    ra.set_defaults(func=_reviewers_add)
    rt = reviewers.add_parser("token", help="a JSON API token acting as this reviewer")
    rt.add_argument("email")
    rt.add_argument("--name", default="", help="what the token is for")
    rt.set_defaults(func=_reviewers_token)
    rl = reviewers.add_parser("list", help="reviewers with their state and open sessions")
    rl.add_argument("--json", action="store_true")
    rl.set_defaults(func=_reviewers_list)
    for action, text in [
        ("disable", "deactivate a reviewer and end their sessions"),
        ("enable", "reactivate a reviewer"),
        ("reset", "set a new password (generated unless given) and end their sessions"),
        ("unlock", "lift a lockout after failed logins"),
        ("totp", "set up (or --remove) a one-time-code second factor; prints its URI"),
    ]:
        rc = reviewers.add_parser(action, help=text)
        rc.add_argument("email")
        if action == "reset":
            rc.add_argument("--password", default="")
        if action == "totp":
            rc.add_argument("--remove", action="store_true")
        rc.set_defaults(func=_reviewers_change(action))

    retention = sub.add_parser("retention").add_subparsers(dest="ret_command", required=True)
    rp = retention.add_parser(
        "purge", help="remove raw mail and original text of answered cases older than DAYS"
    )
    rp.add_argument("--older-than", type=float, required=True, metavar="DAYS")
    rp.add_argument("--dry-run", action="store_true")
    rp.set_defaults(func=_retention_purge)

    secrets_cmd = sub.add_parser("secrets").add_subparsers(dest="secrets_command", required=True)
    secrets_cmd.add_parser("data-key", help="print a new data key").set_defaults(func=_secrets)
    secrets_cmd.add_parser(
        "rotate-data", help="re-encrypt stored mail under the current data key"
    ).set_defaults(func=_secrets)

    subscribers = sub.add_parser("subscribers").add_subparsers(dest="s_command", required=True)
    sa = subscribers.add_parser("add", help="add a subscriber address or @domain")
    sa.add_argument("address")
    sa.add_argument("--name", default="")
    sa.add_argument("--plan", default="standard")
    sa.add_argument("--quota", type=int, default=0)
    sa.add_argument("--sla-hours", type=int, default=24)
    sa.set_defaults(func=_subscribers_add)

    draft = sub.add_parser("draft", help="analyse and draft .eml files without creating cases")
    draft.add_argument("--json", action="store_true", required=True)
    draft.add_argument("files", nargs="+")
    draft.set_defaults(func=_draft)

    data = sub.add_parser("data").add_subparsers(dest="d_command", required=True)
    di = data.add_parser("import", help="import CMS reference files (kind detected)")
    di.add_argument("paths", nargs="+")
    di.add_argument("--quiet", action="store_true")
    di.add_argument(
        "--effective", default="", help="YYYY-MM-DD, for a file whose name and title carry no date"
    )
    di.set_defaults(func=_data_import)
    du = data.add_parser(
        "update", help="fetch and load the newest CMS releases not yet loaded (see README)"
    )
    du.add_argument("--dry-run", action="store_true", help="list what would be fetched")
    du.add_argument(
        "--only", action="append", default=[], metavar="KIND", help="pfs_rvu, hcpcs, ptp, ..."
    )
    du.add_argument(
        "--since", default="", help="YYYY-MM-DD: also fetch older releases effective from then"
    )
    du.add_argument("--quiet", action="store_true")
    du.set_defaults(func=_data_update)
    ds = data.add_parser("status", help="loaded releases, when fetched, whether a newer is due")
    ds.add_argument("--json", action="store_true")
    ds.set_defaults(func=_data_status)

    codes = sub.add_parser("codes").add_subparsers(dest="c_command", required=True)
    cs = codes.add_parser("show", help="everything about one code")
    cs.add_argument("code")
    cs.add_argument("--json", action="store_true")
    cs.add_argument(
        "--locality", default=None, help="MAC-locality (e.g. 01112-54) or a locality name"
    )
    cs.set_defaults(func=_codes_show)
    cq = codes.add_parser("search", help="ranked code search")
    cq.add_argument("text")
    cq.add_argument("--limit", type=int, default=10)
    cq.add_argument("--json", action="store_true")
    cq.set_defaults(func=_codes_search)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    from consultant.logs import configure

    configure()
    args = build_parser().parse_args(argv)
    result: Any = args.func(args)
    return int(result or 0)


if __name__ == "__main__":
    sys.exit(main())
