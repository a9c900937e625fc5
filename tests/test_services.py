"""Ranking the services a question describes: the site it names and what was done with a
device weigh as features, so a site mismatch or a different purpose loses."""

from __future__ import annotations

from sqlalchemy.orm import Session

from consultant.codes.knowledge import load_bundled_knowledge
from consultant.matching.analyse import analyse
from consultant.matching.services import described_candidates, sites_of


def _ranked(session: Session, text: str) -> list[tuple[str, float]]:
    load_bundled_knowledge(session)
    session.flush()
    found = described_candidates(session, analyse(text), ("CPT", "HCPCS"))
    return [(c.code, c.score) for c in found]


def test_sites_are_read_by_their_words() -> None:
    assert sites_of("injected the glenohumeral joint") == {"shoulder"}
    assert sites_of("PIP joint of the index finger") == {"finger"}
    assert sites_of("no site here") == frozenset()


def test_the_joint_named_chooses_the_joint_injection(session: Session) -> None:
    """CPT 20600-20611 by joint size: a wrist is an intermediate joint, a knee a major one;
    the code whose lay terms name another joint loses."""
    wrist = [c for c, _ in _ranked(session, "steroid injecton into the wrist joint, landmark")]
    assert wrist[0] == "20605"
    knee = [c for c, _ in _ranked(session, "steroid injection into the knee joint")]
    assert knee[0] == "20610"


def test_using_a_device_is_not_inserting_it(session: Session) -> None:
    # "using" is no search word: the two questions differ only in what was done.
    checked = dict(_ranked(session, "Mirena IUD, strings checked"))
    used = dict(_ranked(session, "patient using her Mirena IUD, strings checked"))
    assert "58300" in checked
    assert used.get("58300", 0.0) < checked["58300"] * 0.8


def test_what_the_asker_says_was_not_done_chooses_the_code_without_it(session: Session) -> None:
    """81002 is the dipstick without microscopy, 81000 with it: "without microscopy" in the
    question is the code's own exclusion, not a reason to drop it."""
    ranked = [c for c, _ in _ranked(session, "Urine dipstick without microscopy, non-automated")]
    assert ranked[0] == "81002"


def test_a_preventive_visit_is_established_unless_the_question_says_new(session: Session) -> None:
    """Fourteen preventive codes share one lay term; the age and the patient's status choose
    among them, and the one they choose is not lost to the search's cut."""
    ranked = [c for c, _ in _ranked(session, "70 y/o wants a routine annual physical")]
    assert ranked[0] == "99397"
    ranked = [c for c, _ in _ranked(session, "new patient, 70 y/o, routine annual physical")]
    assert ranked[0] == "99387"


def test_a_shave_biopsy_is_no_shave_removal() -> None:
    """'shave (tangential) bx' of a papule: the biopsy codes, not 11300-11313, whatever the
    shave removal titles share with the note's words (CPT: a shave done to obtain tissue
    for diagnosis is a tangential biopsy)."""
    from consultant.matching.analyse import analyse
    from consultant.matching.services import Candidate, _adjust

    def adjusted(text: str) -> float:
        cand = Candidate(
            "11307", "CPT", "Shaving of an epidermal or dermal lesion, scalp", 140.0, True
        )
        _adjust(cand, analyse(text), text.lower(), True)
        return cand.score

    assert adjusted("shave (tangential) bx, scaly papule L temple") < 100
    assert adjusted("biopsy by shave of a papule on the neck") < 100
    assert adjusted("shave removal of a 1.5 cm nevus on the neck") >= 140
