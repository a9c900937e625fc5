"""How, where and doing what an injury happened (ICD-10-CM Official Guidelines I.C.20)."""

from __future__ import annotations

import pytest

from consultant.rules.icd10_external_causes import ExternalCause, external_cause
from tests.test_diagnoses import _dx


@pytest.mark.parametrize(
    ("text", "cause", "place", "activity", "status"),
    [
        (
            "slipped off a step ladder in her garage while painting the fence, not paid",
            "W11.XXX",
            "",  # "her garage" alone names no residence
            "Y93.H9",
            "Y99.8",
        ),
        ("fell down the stairs at home", "W10.9XX", "Y92.009", "", ""),
        ("bitten by the neighbor's dog in his own house's backyard", "W54.0XX", "Y92.017", "", ""),
        (
            "cut her thumb with a kitchen knife while cooking in her apartment kitchen",
            "W26.0XX",
            "Y92.030",
            "Y93.G3",
            "Y99.8",
        ),
        ("warehouse worker tripped over a pallet at work", "W01.0XX", "", "", "Y99.0"),
        ("restrained driver in an MVC on the highway", "V43.52X", "Y92.410", "", ""),
        ("scalded by boiling water", "X12.XXX", "", "", ""),
    ],
)
def test_cause_place_activity_and_status_from_the_words(
    text: str, cause: str, place: str, activity: str, status: str
) -> None:
    found = external_cause(text.lower())
    assert found is not None
    assert (found.cause, found.place, found.activity, found.status) == (
        cause,
        place,
        activity,
        status,
    )


@pytest.mark.parametrize(
    "text", ["knee pain for 3 months, no injury", "seen last fall for the same rash"]
)
def test_no_mechanism_said_is_no_external_cause(text: str) -> None:
    assert external_cause(text) is None


def test_place_activity_and_status_only_at_the_initial_encounter() -> None:
    """I.C.20.b, c, k: once, at the initial encounter; the cause at every encounter with the
    injury's seventh character."""
    cause = ExternalCause("W11.XXX", "fell off a ladder", "Y92.017", "Y93.H9", "Y99.8")
    assert cause.codes("A") == ["W11.XXXA", "Y92.017", "Y93.H9", "Y99.8"]
    assert cause.codes("D") == ["W11.XXXD"]
    assert cause.codes("S") == ["W11.XXXS"]
    assert cause.codes("K") == ["W11.XXXD"]  # a nonunion's visit is a subsequent one


def test_the_cause_follows_the_injury_it_explains() -> None:
    """Never first-listed (I.C.20.a): the fracture, then the fall, the place, the activity."""
    assert _dx(
        "ER visit: woman tripped on the rug in her house's kitchen while baking, closed "
        "displaced fracture of the left lateral malleolus. Dx codes?"
    ) == ["S82.62XA", "W01.0XXA", "Y92.010", "Y93.G3", "Y99.8"]


def test_a_question_about_later_visits_does_not_make_this_one_subsequent() -> None:
    """The encounter is the one the asker describes; what they ask about the follow-up
    visits is not this visit's seventh character."""
    codes = _dx(
        "ED: 40F fell from a ladder, nondisplaced fx of right lateral malleolus, closed. "
        "Which ICD-10 codes now, and what changes at her follow-up visits?"
    )
    assert codes[:2] == ["S82.64XA", "W11.XXXA"]


def test_no_external_cause_without_an_injury() -> None:
    assert _dx("Fell at home last year, now here for hypertension follow-up. Dx?") == ["I10"]


def test_a_body_part_alone_is_no_condition() -> None:
    """ "Landed on his right foot" names where, not a disease (the term index holds the
    word in Madura foot)."""
    codes = _dx(
        "ER: fell off a roof and landed on his right foot; closed fx of the right calcaneus. Dx codes?"
    )
    assert not [c for c in codes if c.startswith("B47")]
    assert codes[:2] == ["S92.001A", "W13.2XXA"]


def test_a_condition_named_after_describing_words_is_coded_by_its_head() -> None:
    """ "Thick raised hypertrophic scar": the words before the condition's name describe it;
    the name a title carries whole is coded."""
    assert _dx("Derm consult, thick raised hypertrophic scar on the chest. ICD-10?") == ["L91.0"]


def test_a_cast_placed_today_is_active_treatment_and_a_cast_change_is_not() -> None:
    """I.C.19.a: the ortho who takes over and places the definitive cast gives active
    treatment (A) even with follow-up planned; a cast change is routine healing (D). A fall
    from the monkey bars is a fall from a jungle gym (W09.2)."""
    taken_over = (
        "Ortho clinic: 8 yo fell off the monkey bars 2 days ago, ED splinted a torus fx of the "
        "L distal radius. Today our doc placed a short arm cast, f/u 3 wks. ICD-10?"
    )
    assert _dx(taken_over) == ["S52.522A", "W09.2XXA"]
    changed = (
        "Cast change today for her torus fx of the L distal radius, new short arm cast placed. Dx?"
    )
    assert _dx(changed)[0] == "S52.522D"
    checked = (
        "Closed reduction and cast of a L distal radius torus fx 3 wks ago; today cast check and "
        "films, healing. Dx?"
    )
    assert _dx(checked)[0] == "S52.522D"
