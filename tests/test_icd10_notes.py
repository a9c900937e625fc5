"""Diagnoses as clinic notes write them, coded by the Official Guidelines on the tabular the
product ships (no database: the tabular is read from the package): retina notes, cardiology
follow-ups, pediatric poisonings, problem lists, infections in pregnancy, and drug effects."""

from __future__ import annotations

from consultant.drafting.diagnoses import _coded_diagnoses
from consultant.matching.analyse import analyse
from consultant.rules.diabetic_eye import diabetic_retinopathy
from consultant.rules.icd10_drug_effects import drug_effect
from consultant.rules.infarction import infarction_age_days


def _codes(text: str) -> list[str]:
    return _coded_diagnoses(analyse(text)).codes


def test_diabetic_retinopathy_by_severity_macular_edema_and_eye() -> None:
    """E11.33- moderate NPDR, 6th character 1 with macular edema, 7th the eye (3 both);
    the Index's default is without edema; type 1 is E10; a severity per eye, a code per eye."""
    codes = _codes(
        "T2DM on Lantus + metformin. Dilated exam: moderate NPDR both eyes. OCT: center-"
        "involving DME OU. Eylea OD today. dx codes?"
    )
    assert codes[0] == "E11.3313" and {"Z79.4", "Z79.84"} <= set(codes)
    assert not any(c.startswith(("T38", "E11.9", "H35")) for c in codes)  # OD is no overdose
    one = diabetic_retinopathy("type 1 dm, mild npdr os, no macular edema")
    assert one is not None and one.codes == ("E10.3292",)
    each = diabetic_retinopathy("dm2. severe npdr od; moderate npdr os. no dme")
    assert each is not None and each.codes == ("E11.3491", "E11.3392")
    assert diabetic_retinopathy("hypertensive retinopathy, no diabetes") is None


def test_od_is_the_right_eye_in_an_eye_note_and_an_overdose_elsewhere() -> None:
    assert drug_effect("intravitreal eylea od, pt on metformin") is None
    effect = drug_effect("pt od'd on his oxycodone, found down")
    assert effect is not None and effect.kind == "poisoning"


def test_an_mi_is_acute_for_four_weeks_then_old() -> None:
    """I.C.9.e.1: I21 while the MI is four weeks old or less; I25.2 after."""
    codes = _codes(
        "Cardiology f/u. NSTEMI 16 days ago, DES to LAD. atorva 80 for HLD. CAD native "
        "vessel, no angina. dx?"
    )
    assert codes[0] == "I21.4" and {"Z95.5", "E78.5", "I25.10"} <= set(codes)
    assert _codes("Pt had a STEMI 6 weeks ago, no symptoms now, f/u. dx codes?") == ["I25.2"]
    assert infarction_age_days("3 weeks post mi") == 21


def test_a_child_who_got_into_pills_is_a_poisoning_coded_first() -> None:
    codes = _codes(
        "ED: 3 yo got into grandma's purse, ate unknown # of Tylenol ES 500mg tabs, vomited "
        "x2. Accidental per mom, no concern for abuse. dx?"
    )
    assert codes[:2] == ["T39.1X1A", "R11.10"]
    assert not any(c.startswith(("F55", "T74", "T76")) for c in codes)  # abuse ruled out


def test_a_rule_out_after_a_dash_in_a_problem_list_is_not_coded() -> None:
    """IV.H: "r/o autism" is not coded outpatient; ADHD, combined presentation is F90.2."""
    codes = _codes(
        "1) ADHD, combined presentation - start methylphenidate ER 18mg\n"
        "2) poor eye contact, rigid routines - r/o autism spectrum disorder. dx codes?"
    )
    assert "F90.2" in codes and "F84.0" not in codes


def test_a_bladder_infection_in_pregnancy_is_chapter_15_with_its_organism() -> None:
    """I.C.15.a.1: O23.1- by trimester, the organism's B code, Z3A; "never said incidental"
    does not make the pregnancy incidental; "w/o" is without."""
    codes = _codes(
        "G1 at 22w3d, dysuria. UA pos, cx E. coli >100k. Dx acute cystitis w/o hematuria. "
        "Provider never said the pregnancy was incidental. dx?"
    )
    assert codes[0] == "O23.12" and "B96.20" in codes and "Z3A.22" in codes
    assert "Z33.1" not in codes and "N30.01" not in codes


def test_anemia_due_to_chemotherapy_leads_its_adverse_effect_code() -> None:
    """D64.81 (not D63.0), then T45.1X5A (I.C.19.e.5.a); a cancer under chemotherapy is
    current, not history, however many days since the last dose."""
    codes = _codes(
        "Female pt, breast ca R UOQ, ER+, currently on AC-T (last chemo 9 days ago). Onc: "
        "anemia secondary to chemotherapy - start Retacrit. dx order?"
    )
    assert codes[:2] == ["D64.81", "T45.1X5A"]
    assert "C50.411" in codes and "Z17.0" in codes and "Z85.3" not in codes


def test_the_organism_follows_its_infection_and_is_not_added_to_a_sepsis_that_names_it() -> None:
    codes = _codes("UTI, urine cx grew E. coli. dx codes?")
    assert codes == ["N39.0", "B96.20"]
    sepsis = _codes("sepsis due to E. coli UTI, urine cx grew E. coli. dx?")
    assert "A41.51" in sepsis and "B96.20" not in sepsis
    # A test for an organism is no infection by it.
    assert not any(c.startswith("B96") for c in _codes("epigastric pain, h. pylori test sent"))


def test_an_injury_named_without_a_site_gets_no_site_code() -> None:
    """The asker's gloss on their code ("puncture w/o FB") names no site: no scalp code."""
    codes = _codes("dog bit his R hand, 2 puncture wounds R hand. I used the puncture w/o FB code?")
    assert not any(c.startswith("S01") for c in codes)


def test_colitis_with_rectal_bleeding_is_one_combination_code() -> None:
    """K51.0- ulcerative pancolitis: with rectal bleeding K51.011, the bleeding not coded
    again; rectal bleeding alone is K62.5, no colitis; a "flare" is no gout."""
    codes = _codes(
        "GI f/u: known ulcerative pancolitis, now flaring, bloody stools x 1 wk. Started pred. "
        "Coder sent K51.90 + K62.5. Better code?"
    )
    assert codes == ["K51.011"]
    assert _codes("rectal bleeding x2 days, dx code?") == ["K62.5"]


def test_rehab_after_a_joint_replacement_is_aftercare_with_the_artificial_joint() -> None:
    """Z47.1 first, Z96.651 for the right knee; the OA the knee was replaced for is gone."""
    codes = _codes(
        "Outpt PT. 67M, R TKA 3 wks ago for primary OA, referred for post-op rehab. Script "
        "says M17.11. What goes on the claim?"
    )
    assert codes == ["Z47.1", "Z96.651"]
    planned = _codes("pt scheduled for R TKA next month for primary OA, pre-op clearance. dx?")
    assert not any(c.startswith(("Z47", "Z96")) for c in planned)
