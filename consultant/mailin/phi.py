"""Protected health information redaction, before matching, logs, drafting and subjects.

Rules are data: each names what it finds and the label that replaces it, and runs in order
(identifiers with a fixed shape first, then identifiers known by their label, then names
known by their context). Code numbers (CPT, HCPCS, ICD-10-CM, NDC), modifiers, units,
doses, RVUs and dates of service survive; dates of birth, names after patient markers,
record, member and policy numbers, MBIs, HICNs, SSNs, phone and fax numbers, e-mail and
street addresses, ZIP+4 codes do not. Measured on eval/phi (``python -m eval.phi``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

# --- building blocks -------------------------------------------------------------------

_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
    r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
_DATE = (
    r"(?:\d{1,2}[/\-.]\d{1,2}[/\-.](?:\d{4}|\d{2})"
    r"|\d{4}-\d{1,2}-\d{1,2}"
    rf"|{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}"
    rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH},?\s+\d{{4}}"
    r"|\d{8})"
)
# A capitalised name word: Ann, O'Neil, McKay, Mary-Kate, D'Angelo, José.
_WORD = r"(?:[A-Z][a-z]?['’]?[A-Z]?[a-zà-ÿ]+(?:-[A-Z][a-zà-ÿ]+)?)"
_INITIAL = r"(?:[A-Z]\.?(?![\w'’]))"
# First [Middle|M.] Last, or "Last, First [M.]".
_PARTICLE = r"(?:de(?:\s+la)?|del|van(?:\s+der)?|von|da|di|du|le|la|al|bin|ben)\b"
_NAME = (
    rf"(?:{_WORD},\s+{_WORD}(?:\s+{_INITIAL}(?![\w]))?"
    rf"|{_WORD}(?:\s+(?:{_INITIAL}(?![\w])|{_WORD}))?(?:\s+{_PARTICLE})?(?:\s+{_WORD})?)"
)
# Medicare Beneficiary Identifier: C A AN N A AN N A A N N, letters without S L O I B Z.
_MBI_A = "[AC-HJKMNP-RT-Y]"
_MBI_AN = "[AC-HJKMNP-RT-Y0-9]"
_MBI = rf"\b[1-9]{_MBI_A}{_MBI_AN}\d-?{_MBI_A}{_MBI_AN}\d-?{_MBI_A}{_MBI_A}\d\d\b"


def _words(text: str) -> list[str]:
    return text.split()


_STATES = _words(
    "AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV "
    "NH NJ NM NY NC ND OH OK OR PA PR RI SC SD TN TX UT VT VA WA WV WI WY"
)
_STREET = (
    r"(?:Street|St|Avenue|Ave|Road|Rd|Drive|Dr|Lane|Ln|Boulevard|Blvd|Court|Ct|Way|Place|Pl|"
    r"Terrace|Ter|Circle|Cir|Parkway|Pkwy|Highway|Hwy|Trail|Trl|Square|Sq)"
)
_ID_LABEL = (
    r"(?:MRN|MR\s?#|MR\s+(?:number|no\.?)|medical\s+record(?:\s+(?:number|no\.?|#))?|record\s+#|"
    r"chart\s*(?:number|no\.?|#)|account\s*(?:number|no\.?|#)|acct\.?\s*(?:#|no\.?)?|"
    r"member\s*(?:id|#|number|no\.?)|subscriber\s*(?:id|#|number|no\.?)|"
    r"policy\s*(?:id|#|number|no\.?)|group\s*(?:#|number|no\.?)|claim\s*(?:id|#|number|no\.?)|"
    r"(?:medicaid|medicare|insurance|patient|pt|beneficiary|plan)\s+(?:id|#|number|no\.?)|"
    r"HICN|HIC\s*(?:#|number)?|MBI|RRB\s*(?:#|number)?|FIN|encounter\s*(?:#|number|no\.?)|"
    r"ID\s*#|SSN|SS\s*#|social\s+security\s*(?:number|no\.?|#)?)"
)
_SEP = r"\s*(?:is|was|:|#|=)?\s*[:#]?\s*"

# Words that can follow a context marker with a capital letter but are not names.
_NOT_NAMES = {
    w.lower()
    for w in _words("""
    came was had has is received presented returned saw seen with who for that in the a an
    and on at to he she they his her their visit visits encounter new established needs
    needed required requires medicare medicaid advantage blue cross shield aetna cigna
    humana united tricare commercial hmo ppo office hospital clinic inpatient outpatient
    emergency er ed urgent care home nursing skilled facility this that these those
    status history chart record records name names id dob age male female mr mrs ms dr
    left right bilateral pt patient member beneficiary client subscriber also still not
    only then when after before during since per via from by of or but if it its
    january february march april may june july august september october november december
    monday tuesday wednesday thursday friday saturday sunday today yesterday
    type level initial subsequent follow followup annual wellness preventive
    cpt hcpcs icd ndc rvu modifier units unit dose diagnosis procedure
    hispanic latino latina white black asian caucasian african american native female
    male woman man gentleman lady boy girl infant child adult born
    access services service portal relations financial accounts advocate experience
    intake transport safety education information assistance support
    how what which where why can could would should do does did are we our you your
    i please thanks thank hi hello any anyone quick question so just doc provider nurse
    dx rx hx sx tx fx bx px cc hpi ros pmh labs lab
    """)
}


@dataclass(frozen=True)
class Rule:
    """One kind of identifier: a pattern, the label that replaces group ``group``."""

    name: str
    pattern: re.Pattern[str]
    label: str
    group: int = 0
    check: Callable[[re.Match[str]], bool] | None = None


def _is_name(match: re.Match[str]) -> bool:
    """The words after a marker are a name unless the first is an ordinary word."""
    first = re.split(r"[\s,]+", match.group("name"))[0]
    return first.lower() not in _NOT_NAMES


def _rules() -> list[Rule]:
    i = re.I
    states = "|".join(_STATES)
    return [
        Rule("email", re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b"), "[EMAIL]"),
        Rule("mbi", re.compile(_MBI, i), "[MBI]"),
        # HICN: an SSN with a one- or two-character beneficiary suffix.
        Rule("hicn", re.compile(r"\b\d{3}-?\d{2}-?\d{4}[A-Z][A-Z0-9]?\b"), "[HICN]"),
        Rule("ssn", re.compile(r"(?<![\d-])\d{3}[- ]\d{2}[- ]\d{4}(?![\d-])"), "[SSN]"),
        Rule(
            "dob",
            re.compile(
                r"(?i:\b(?:DOB|D\.O\.B\.?|date\s+of\s+birth|birth\s*date|born(?:\s+on)?|"
                r"b\.(?=\s*\d)|birthday)\b\.?\s*(?:is|was|of|:|-)?\s*)"
                rf"(?P<v>{_DATE})",
                i,
            ),
            "[DOB]",
            group=1,
        ),
        Rule(
            "fax",
            re.compile(
                r"(?i:\b(?:fax|facsimile|f)\b\.?\s*(?:#|no\.?|number)?\s*[:=]?\s*)"
                r"(?P<v>(?:\+?1[\s.-]?)?\(?\d{3}\)?[\s.-]?\d{3}[\s.-]?\d{4})(?!\d)",
            ),
            "[FAX]",
            group=1,
        ),
        Rule(
            "phone",
            re.compile(
                r"(?<![\d-])(?:\+?1[\s.-]?)?(?:\(\d{3}\)\s?|\d{3}[\s.-])\d{3}[\s.-]\d{4}(?![\d-])"
            ),
            "[PHONE]",
        ),
        Rule(
            "id",
            re.compile(
                rf"(?i:\b{_ID_LABEL}{_SEP})(?P<v>(?=[A-Z0-9-]*\d)[A-Z0-9][A-Z0-9-]{{3,}}[A-Z0-9])\b",
                i,
            ),
            "[ID]",
            group=1,
        ),
        Rule(
            "address",
            re.compile(
                rf"\b\d{{1,6}}\s+(?:[NSEW]\.?\s+)?(?:(?:[A-Z][a-z]+|\d{{1,3}}(?:st|nd|rd|th))\s+){{1,3}}"
                rf"{_STREET}\b\.?(?:,?\s+(?:Apt|Unit|Suite|Ste|#)\.?\s*[A-Z0-9-]+)?"
                rf"(?:,\s+(?:[A-Z][a-z]+\s?){{1,3}},?\s+(?:{states})\b(?:\s+\d{{5}}(?:-\d{{4}})?)?)?"
            ),
            "[ADDRESS]",
        ),
        Rule("po_box", re.compile(r"\bP\.?\s?O\.?\s+Box\s+\d+\b", i), "[ADDRESS]"),
        Rule(
            "city_zip",
            re.compile(rf"(?<=,)\s*(?:{states})\s+\d{{5}}(?:-\d{{4}})?\b"),
            " [ZIP]",
        ),
        Rule("zip4", re.compile(r"(?<![\d-])\d{5}-\d{4}(?![\d-])"), "[ZIP]"),
        Rule(
            "name_after_marker",
            re.compile(
                r"(?i:\b(?:patient|pt\.?|member|beneficiary|client|resident|enrollee|insured|"
                r"subscriber|wife|husband|mother|father|son|daughter|spouse|guardian|parent|"
                r"name)(?:['’]s)?(?:\s+name)?\s*(?:is|was|:|-|,|named|called)?\s*)"
                rf"(?P<name>{_NAME})",
            ),
            "[NAME]",
            group=1,
            check=_is_name,
        ),
        Rule(
            # "Ivan Petrov DOB ...", "Petrov, Ivan, MRN ...": a name the identifier follows.
            "name_before_identifier",
            re.compile(
                rf"(?P<name>{_NAME}),?\s+\(?(?=(?:DOB|D\.O\.B|born\b|date of birth|MRN|MBI|SSN|HICN)|\[(?:DOB|MBI|ID)\])"
            ),
            "[NAME]",
            group=1,
            check=_is_name,
        ),
        Rule(
            "name_after_age",
            re.compile(
                rf"(?i:(?:years?[\s-]old|y/?o|\[AGE 90\+\](?:[\s-]*(?:years?[\s-]old|y/?o))?)\s+)(?P<name>{_NAME})"
            ),
            "[NAME]",
            group=1,
            check=_is_name,
        ),
        Rule(
            "name_after_title",
            re.compile(rf"\b(?:Mr|Mrs|Ms|Miss|Mx)\.?\s+(?P<name>{_NAME})"),
            "[NAME]",
            group=1,
            check=_is_name,
        ),
        Rule(
            "age_90_plus",
            re.compile(r"(?i:\b(?:age[ds]?|aged)\s+)(9\d|1[0-4]\d)\b"),
            "[AGE 90+]",
            group=1,
        ),
        Rule(
            "age_90_plus_years",
            re.compile(
                r"\b(9\d|1[0-4]\d)(?=[\s-]*(?:y/?o\b|years?[\s-]old|yrs?\b|-year-old))", re.I
            ),
            "[AGE 90+]",
            group=1,
        ),
    ]


_RULES = _rules()


def redact(text: str) -> str:
    """Text with PHI replaced by bracketed labels."""
    for rule in _RULES:
        text = rule.pattern.sub(lambda m, r=rule: _replace(m, r), text)  # type: ignore[misc]
    return text


def _replace(match: re.Match[str], rule: Rule) -> str:
    if rule.check is not None and not rule.check(match):
        return match.group(0)
    if rule.group == 0:
        return rule.label
    start, end = match.span(rule.group)
    whole, base = match.group(0), match.start()
    return whole[: start - base] + rule.label + whole[end - base :]
