"""The Jinja2 environments: plain text (no escaping) and HTML (autoescaped)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"


@lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES_DIR)),
        autoescape=select_autoescape(["html", "html.j2"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["money"] = lambda v: f"${v:,.2f}"
    env.filters["global_days"] = global_days
    # The reply's sections show our notes through the one rule of what bears on a question.
    from consultant.drafting import relevance

    env.globals.update(
        key_notes=relevance.key_notes,
        documentation_lines=relevance.documentation,
        denial_lines=relevance.denials,
    )
    return env


def global_days(value: str) -> str:
    """A fee schedule global period in words: "090" is 90 days, "XXX" does not apply."""
    from consultant.codes.explain import GLOBAL_DAYS

    if value.isdigit():
        return f"{int(value)} days"
    return f"{value} ({GLOBAL_DAYS.get(value, 'see the fee schedule').rstrip('.')})"


def render(name: str, **context: object) -> str:
    return environment().get_template(name).render(**context)
