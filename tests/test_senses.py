"""Words read in one sense find no code of another: "4 mg IVP" is the drug's route, not
urography; "CAD" beside a mammogram is computer-aided detection, not coronary disease; the
patient's sex and where they were discharged to are not conditions."""

from __future__ import annotations

from sqlalchemy.orm import Session

from consultant.codes.knowledge import load_bundled_knowledge
from consultant.matching.analyse import analyse
from consultant.matching.findings import conditions
from consultant.matching.senses import read_elsewhere, without_other_senses
from consultant.matching.services import described_candidates


def test_an_abbreviation_is_read_by_the_words_around_it() -> None:
    assert read_elsewhere("gave promethazine 12.5 mg ivp") == {"ivp"}
    assert read_elsewhere("ivp with tomography for hematuria") == frozenset()
    assert read_elsewhere("digital mammo with cad") == {"cad"}
    assert read_elsewhere("hx of cad and htn") == frozenset()
    assert "IVP" not in without_other_senses("Toradol 30 mg IVP x1")
    # Detection is the mammogram's own word: a search for services keeps it.
    assert "CAD" in without_other_senses("screening mammo w/ CAD", services=True)
    assert "CAD" not in without_other_senses("screening mammo w/ CAD")


def test_a_route_abbreviation_finds_no_imaging_service(session: Session) -> None:
    load_bundled_knowledge(session)
    session.flush()
    text = "Gave promethazine 12.5 mg IVP in the clinic. Which admin code?"
    found = [c.code for c in described_candidates(session, analyse(text), ("CPT", "HCPCS"))]
    assert "74400" not in found
    # Urography asked for by its abbreviation is still found.
    asked = analyse("IVP with tomography for hematuria, what CPT?")
    assert "74400" in [c.code for c in described_candidates(session, asked, ("CPT", "HCPCS"))]


def test_detection_beside_breast_imaging_is_not_a_condition() -> None:
    text = "Diagnostic mammo L breast with CAD, what code do we use?"
    assert analyse(text).question_type != "diagnosis"
    assert not any("atherosclerotic" in c.phrase for c in conditions(text))
    # Coronary artery disease named as a condition stays one.
    assert any("atherosclerotic" in c.phrase for c in conditions("Pt w/ CAD and HTN, dx?"))


def test_the_patients_sex_and_disposition_are_not_conditions() -> None:
    found = conditions("Iron deficiency anemia, male pt; discharged home after the infusion. Dx?")
    phrases = [c.phrase for c in found]
    assert not any(p in {"male", "discharged", "discharged home", "home"} for p in phrases)
    assert any("anemia" in p for p in phrases)
    assert not [c for c in conditions("ca of the R lung (male)") if c.phrase == "male"]


def test_ed_as_the_tail_of_another_abbreviation_is_no_emergency_department() -> None:
    text = "Office PT: gait training 15 min, neuro re-ed 10 min. Units?"
    assert analyse(text).setting_place != "23"
    assert " ed " not in f" {without_other_senses(text, services=True).lower()} "
    # The emergency department named by its abbreviation is still one.
    assert analyse("seen in the ED for chest pain, what level?").setting_place == "23"


def test_fees_billed_are_money_not_the_swallowing_study() -> None:
    """ "We bill pro fees" once found FEES (92612), a flexible endoscopic swallowing study."""
    assert "fees" not in without_other_senses("We bill pro fees for an ED group.").lower()
    assert "FEES" in without_other_senses("FEES done by SLP, 92612?")
