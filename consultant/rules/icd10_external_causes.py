"""How an injury happened, where, doing what, and whether for pay: the external cause codes
(ICD-10-CM chapter 20, V00-Y99; Official Guidelines I.C.20).

- The cause (V, W, X, Y00-Y09) is reported beside the injury, never first-listed, with the
  injury's seventh character (A initial, D subsequent, S sequela) at every encounter of its
  treatment (I.C.20.a.1-3, a.7).
- The place (Y92), the activity (Y93) and the status (Y99) are reported once, at the
  initial encounter, and only when the record says them: no Y92.9, Y93.9 or Y99.9 for a
  detail nobody wrote (I.C.20.b, c, k).
- No national requirement: they are reported where a state's injury reporting or a payer
  asks for them, and are encouraged otherwise (I.C.20, introduction).

The Index's entries below are the causes, places and activities coders ask about most, by
the words they write; a mechanism the table does not know is left to the coder.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# The cause's code without its seventh character (placeholders included), by the words.
# More specific entries first: "fell off a ladder" is not an unspecified fall.
# Not the season ("seen last fall").
_FALL = r"(?:fell|(?<!last )(?<!this )falls?|falling|fallen|slipped|tripped)"
_A = r"(?:(?:a|an|the|his|her|their|its|my|our|some|wet|icy)\s+)*"
MECHANISMS: tuple[tuple[str, str], ...] = (
    (rf"\b{_FALL}\b[^.;?!]{{0,40}}\b(?:off|from|on)\s+{_A}(?:step ?)?ladder", "W11.XXX"),
    (rf"\b{_FALL}\b[^.;?!]{{0,30}}\b(?:down|on|from)\s+{_A}(?:stairs|steps|staircase)", "W10.9XX"),
    (rf"\b{_FALL}\b[^.;?!]{{0,20}}\b(?:out of|from|off)\s+{_A}bed\b", "W06.XXX"),
    (rf"\b{_FALL}\b[^.;?!]{{0,20}}\b(?:out of|from|off)\s+{_A}chair\b", "W07.XXX"),
    (rf"\b{_FALL}\b[^.;?!]{{0,20}}\b(?:out of|from|off|through)\s+{_A}window\b", "W13.4XX"),
    (rf"\b{_FALL}\b[^.;?!]{{0,20}}\b(?:off|from|through)\s+{_A}roof\b", "W13.2XX"),
    (rf"\b(?:slipped|{_FALL})\b[^.;?!]{{0,20}}\bon\s+{_A}(?:ice|snow)\b|\bicy\b", "W00.0XX"),
    (rf"\b{_FALL}\b[^.;?!]{{0,20}}\b(?:off\s+{_A}skateboard|skateboarding)\b", "V00.131"),
    (rf"\b{_FALL}\b[^.;?!]{{0,25}}\b(?:monkey bars|jungle gym)\b", "W09.2XX"),
    (rf"\b{_FALL}\b[^.;?!]{{0,25}}\bswing\b", "W09.1XX"),
    (rf"\b{_FALL}\b[^.;?!]{{0,25}}\b(?:playground )?slide\b", "W09.0XX"),
    (r"\b(?:tripped|slipped|stumbled)\b", "W01.0XX"),
    (
        r"\bground[- ]level fall|\bfell from standing|\bmechanical fall|\bfall on (?:the )?same level",
        "W18.30X",
    ),
    (r"\b(?:dog bite|bit(?:ten)? by\s+" + _A + r"(?:\w+'s\s+)?dog|dog bit)\b", "W54.0XX"),
    (r"\b(?:cat bite|bit(?:ten)? by\s+" + _A + r"(?:\w+'s\s+)?cat|cat bit)\b", "W55.01X"),
    (r"\b(?:cat scratch|scratched by\s+" + _A + r"cat)\b", "W55.03X"),
    (r"\bnail gun\b", "W29.4XX"),
    (r"\b(?:stepped on|puncture[d]? by)\s+" + _A + r"(?:rusty\s+)?nail\b", "W45.0XX"),
    (
        r"\b(?:lawn ?mower|mowing)\b[^.;?!]{0,40}\b(?:cut|lacerat|injur|amputat)|"
        r"\b(?:cut|lacerat\w*|injur\w*)\b[^.;?!]{0,30}\blawn ?mower\b",
        "W28.XXX",
    ),
    (r"\bknife\b", "W26.0XX"),
    (
        r"\b(?:broken )?glass\b[^.;?!]{0,20}\b(?:cut|lacerat)|\bcut\b[^.;?!]{0,30}\bglass\b",
        "W25.XXX",
    ),
    (r"\bhot (?:cooking )?(?:oil|grease)\b|\bcooking oil\b|\bfrying\b", "X10.2XX"),
    (r"\bhot (?:coffee|tea|drink|cocoa|chocolate)\b", "X10.0XX"),
    (r"\bhot (?:soup|food)\b", "X10.1XX"),
    (r"\b(?:hot )?(?:bath|tub) water\b|\bhot bath\b", "X11.0XX"),
    (r"\bhot tap[- ]?water\b|\bshower water\b", "X11.8XX"),
    (r"\b(?:boiling|hot) water\b|\bsteam\b", "X12.XXX"),
    (r"\b(?:hot )?(?:stove|stovetop|burner)\b", "X15.0XX"),
    (r"\bhot (?:pan|pot|skillet|saucepan)\b", "X15.3XX"),
    (r"\bstruck by\s+" + _A + r"baseball\b|\bhit by\s+" + _A + r"(?:pitch|baseball)\b", "W21.03X"),
    (r"\b(?:punched|fist ?fight|brawl|in a fight)\b", "Y04.0XX"),
    (r"\bassault(?:ed)?\b", "Y09"),
    (
        r"\bmv[ac]\b|\bmotor vehicle (?:collision|accident|crash)|\bcar (?:accident|crash|wreck)",
        "V89.2XX",
    ),
    (rf"\b{_FALL}\b", "W19.XXX"),
)
# A driver or passenger of a car hit by another car in traffic: the occupant's own code.
_CAR_OCCUPANT = (
    (r"\bdriver\b", "V43.52X"),
    (r"\bpassenger\b", "V43.62X"),
)

# The residence's kind decides the Y92.0- subcategory; the room its last character.
_HOUSE = r"\b(?:(?:his|her|their|own|pt'?s|patient'?s|my|our|the|a)\s+(?:own\s+)?house)\b"
_APARTMENT = r"\b(?:apartment|apt|condo)\b"
_HOME = r"\b(?:at home|(?:his|her|their|pt'?s|patient'?s)\s+home|home\b)"
_ROOMS = (
    (
        r"\b(?:back ?yard|front ?yard|yard|garden|lawn)\b",
        {"house": "Y92.017", "home": "Y92.007", "apartment": "Y92.038"},
    ),
    (r"\bkitchen\b", {"house": "Y92.010", "home": "Y92.000", "apartment": "Y92.030"}),
    (
        r"\b(?:bathroom|bathtub|tub|shower)\b",
        {"house": "Y92.012", "home": "Y92.002", "apartment": "Y92.031"},
    ),
    (r"\bbedroom\b", {"house": "Y92.013", "home": "Y92.003", "apartment": "Y92.032"}),
    (r"\bdriveway\b", {"house": "Y92.014", "home": "Y92.008", "apartment": "Y92.038"}),
    (r"\bgarage\b", {"house": "Y92.015", "home": "Y92.008", "apartment": "Y92.038"}),
)
_RESIDENCE_UNSPECIFIED = {"house": "Y92.019", "home": "Y92.009", "apartment": "Y92.039"}
_PLACES = (
    (r"\b(?:nursing home|skilled nursing|snf)\b", "Y92.129"),
    (r"\bparking (?:lot|garage)\b", "Y92.481"),
    (r"\bsidewalk\b", "Y92.480"),
    (r"\b(?:street|road|highway|intersection)\b", "Y92.410"),
    (r"\bdaycare\b", "Y92.210"),
    (r"\bschool\b", "Y92.219"),
    (r"\bbasketball court\b", "Y92.310"),
    (r"\bsoccer field\b", "Y92.322"),
    (r"\bfootball field\b", "Y92.321"),
    (r"\bbaseball (?:field|diamond)\b", "Y92.320"),
    (r"\brestaurant\b", "Y92.511"),
    (r"\b(?:grocery|supermarket|store)\b", "Y92.512"),
    (r"\bconstruction site\b", "Y92.61"),
    (r"\bpark\b(?! ?ing)", "Y92.830"),
)
_ACTIVITIES = (
    (
        r"\b(?:clean\w*|clear\w*)\s+(?:out\s+)?(?:the\s+|his\s+|her\s+)?gutters?\b|"
        r"\bpaint\w* (?:the |his |her )?(?:house|exterior|fence)\b|"
        r"\b(?:fix\w*|repair\w*|clean\w*|shingl\w*|working on) (?:the |his |her )?roof\b",
        "Y93.H9",
    ),
    (
        r"\b(?:gardening|landscaping|mowing|yard ?work|weeding|planting|pruning|trimming)\b",
        "Y93.H2",
    ),
    (r"\b(?:shovel\w*|raking|digging)\b", "Y93.H1"),
    (r"\b(?:cooking|baking|frying)\b", "Y93.G3"),
    (r"\bwalking (?:the |his |her |their )?dog\b", "Y93.K1"),
    (r"\b(?:hiking|walking)\b", "Y93.01"),
    (r"\b(?:running|jogging)\b", "Y93.02"),
    (r"\bbasketball\b", "Y93.67"),
    (r"\bsoccer\b", "Y93.66"),
    (r"\bfootball\b", "Y93.61"),
    (r"\b(?:baseball|softball)\b", "Y93.64"),
    (r"\bvolleyball\b", "Y93.68"),
    (r"\b(?:skiing|snowboarding|sledding)\b", "Y93.23"),
    (r"\bswimming\b", "Y93.11"),
    (r"\b(?:skateboard\w*|roller ?skating|rollerblading)\b", "Y93.51"),
    (r"\bice skating\b", "Y93.21"),
    (r"\b(?:bike riding|riding (?:a |his |her )?bike|cycling|biking)\b", "Y93.55"),
    (r"\bdancing\b", "Y93.41"),
    (r"\byoga\b", "Y93.42"),
    (r"\b(?:lifting weights|weight ?lifting|free weights)\b", "Y93.B3"),
    (r"\b(?:rock|wall) climbing\b", "Y93.31"),
    (r"\bmopping\b", "Y93.E5"),
    (r"\b(?:bathing|showering)\b", "Y93.E1"),
)
_FOR_PAY = re.compile(
    r"\b(?:at work|on the job|while working|work(?:ed|ing)? for pay|workers'? ?comp\w*|"
    r"(?<!not )for pay|paid job|his job|her job|employer)\b"
)
_VOLUNTEER = re.compile(r"\bvolunteer\w*\b")
_MILITARY = re.compile(r"\b(?:military|active duty|deployed|on duty soldier)\b")
_LEISURE = re.compile(
    r"\b(?:not (?:for pay|paid)|unpaid|without pay|leisure|hobby|for fun|recreational)\b"
)
# Sports and chores at one's own residence are not done for income: Y99.8, the Index's
# "leisure activity" and "activity NEC".
_OWN_TIME = {"Y93.H9", "Y93.H2", "Y93.H1", "Y93.G3", "Y93.E5", "Y93.E1", "Y93.K1"}
_SPORTS = re.compile(r"^Y93\.(?:[0-9]|[1-6]|A|B)")


@dataclass(frozen=True)
class ExternalCause:
    """What the question says of how an injury happened."""

    cause: str  # the cause's code without the seventh character ("W11.XXX"; "Y09" whole)
    said: str  # the words that said it
    place: str = ""  # Y92.-, when the words say where
    activity: str = ""  # Y93.-, when they say doing what
    status: str = ""  # Y99.-, when they say for pay, volunteer, military or leisure

    def codes(self, encounter: str = "A") -> list[str]:
        """The codes to report at this encounter: the cause with the injury's seventh
        character; place, activity and status only at the initial encounter (I.C.20)."""
        seventh = encounter if encounter in ("A", "D", "S") else "D"
        cause = self.cause if len(self.cause.replace(".", "")) < 6 else self.cause + seventh
        if seventh != "A":
            return [cause]
        return [cause] + [c for c in (self.place, self.activity, self.status) if c]


def external_cause(lowered: str) -> ExternalCause | None:
    """How, where, doing what and for whom an injury happened, from the question's words;
    None when no mechanism the table knows is said."""
    found = next(
        ((code, m.group(0)) for pattern, code in MECHANISMS if (m := re.search(pattern, lowered))),
        None,
    )
    if found is None:
        return None
    cause, said = found
    if cause == "V89.2XX":
        cause = next((c for p, c in _CAR_OCCUPANT if re.search(p, lowered)), cause)
    activity = next((c for p, c in _ACTIVITIES if re.search(p, lowered)), "")
    place = _place(lowered)
    return ExternalCause(cause, said, place, activity, _status(lowered, place, activity))


def _place(lowered: str) -> str:
    kind = (
        "apartment"
        if re.search(_APARTMENT, lowered)
        else "house"
        if re.search(_HOUSE, lowered)
        else "home"
        if re.search(_HOME, lowered)
        else ""
    )
    if kind:
        return next(
            (rooms[kind] for p, rooms in _ROOMS if re.search(p, lowered)),
            _RESIDENCE_UNSPECIFIED[kind],
        )
    return next((c for p, c in _PLACES if re.search(p, lowered)), "")


def _status(lowered: str, place: str, activity: str) -> str:
    if _LEISURE.search(lowered):
        return "Y99.8"
    if _MILITARY.search(lowered):
        return "Y99.1"
    if _VOLUNTEER.search(lowered):
        return "Y99.2"
    if _FOR_PAY.search(lowered):
        return "Y99.0"
    own_residence = place.startswith(("Y92.00", "Y92.01", "Y92.03"))
    if (activity in _OWN_TIME and own_residence) or _SPORTS.match(activity):
        return "Y99.8"
    return ""
