"""The drug-administration sequence read from a question, and the codes the administration
rules give for it (CPT 96360-96549 guidelines as summarised in CMS Claims Processing Manual
ch. 12 s. 30.5 and NCCI Policy Manual ch. XI)."""

from __future__ import annotations

import pytest

from consultant.drafting.drugs import PUMP_REFILLS, asks_for_drug, timeline
from consultant.matching.administration import (
    CHEMOTHERAPY,
    HORMONAL,
    HYDRATION,
    THERAPEUTIC,
    Sequence,
    drug_names,
    per_kg_dose,
    sequence,
)
from consultant.matching.analyse import analyse
from consultant.rules.drugs import administration_codes


def read(text: str) -> Sequence:
    return sequence(f" {text.lower()} ")


def billed(text: str) -> list[tuple[str, int]]:
    """The administration lines for a question: (code, units), units summed per code."""
    found = read(text)
    result = administration_codes(timeline(found), facility=bool(found.facility))
    out: dict[str, int] = {}
    for line in result.lines:
        if line.code:
            out[line.code] = out.get(line.code, 0) + line.units
    return list(out.items())


def test_two_pushes_in_order_with_their_doses_and_the_gap() -> None:
    s = read(
        "In the office the nurse gave ondansetron 4 mg IV push, then 20 minutes later "
        "diphenhydramine 25 mg IV push. What are the admin codes?"
    )
    assert [(g.drug, g.code, g.route, g.dose) for g in s.given] == [
        ("ondansetron", "J2405", "push", (4.0, "mg")),
        ("diphenhydramine", "J1200", "push", (25.0, "mg")),
    ]
    # "20 minutes later" is the gap before the second push, not how long it ran.
    assert s.given[1].later == 20 and s.given[1].minutes is None
    assert s.facility is False


def test_a_question_sentence_describes_nothing_given() -> None:
    """'Push or infusion code?' names a route but no drug given."""
    s = read("IV magnesium sulfate infused over 16 minutes, nothing else given. Push or infusion?")
    assert [(g.code, g.route, g.minutes) for g in s.given] == [("J3475", "infusion", 16)]


@pytest.mark.parametrize(
    ("text", "codes"),
    [
        # One initial service; a new drug pushed after it is 96375, not a second 96374.
        (
            "Ondansetron 4 mg IV push, then diphenhydramine 25 mg IV push",
            [("96374", 1), ("96375", 1)],
        ),
        # The infusion outranks the push whatever came first.
        (
            "Started with Toradol 30 mg IV push, then levofloxacin IV infusion over 60 minutes.",
            [("96365", 1), ("96375", 1)],
        ),
        # 15 minutes or less is a push; 16 is an infusion.
        ("Nurse infused a med over 12 minutes. 96365?", [("96374", 1)]),
        ("IV magnesium sulfate infused over 16 minutes.", [("96365", 1)]),
        # An additional hour needs more than 30 minutes past the last: 90 min has none.
        ("Iron sucrose 200 mg IV infused over 90 minutes.", [("96365", 1)]),
        (
            "IV antibiotic infusion ran 1 hr 50 min (start 10:05, stop 11:55).",
            [("96365", 1), ("96366", 1)],
        ),
        # Hydration alone: 190 min = first hour + 2 further hours (the last 10 min do not count).
        (
            "Dehydrated pt: normal saline hydration only, ran 3 hrs 10 min.",
            [("96360", 1), ("96361", 2)],
        ),
        # Hydration of 30 minutes or less is not reported.
        ("NS hydration ran only 25 minutes and nothing else was given today.", []),
        # Chemotherapy: 215 min = 96413 + 96415 x 3 (155 beyond the hour: 2 h + 35 min).
        ("Carboplatin infusion ran 3 hours 35 minutes.", [("96413", 1), ("96415", 3)]),
        (
            "Paclitaxel infused over 3 hours, then carboplatin infused over 30 minutes.",
            [("96413", 1), ("96415", 2), ("96417", 1)],
        ),
        # Chemotherapy is initial; each premed pushed is a sequential push of a new drug.
        (
            "Premeds dexamethasone 12 mg IV push and ondansetron 8 mg IV push, then docetaxel "
            "infusion over 1 hour.",
            [("96413", 1), ("96375", 2)],
        ),
        # Hydration after a therapeutic or chemotherapy service is the subsequent 96361.
        (
            "Chemo infusion (oxaliplatin) ran 2 hours, then post-hydration NS for 1 hour.",
            [("96413", 1), ("96415", 1), ("96361", 1)],
        ),
        (
            "Hospital outpt: NS hydration 40 min first, then IV antibiotic infusion 35 min.",
            [("96365", 1), ("96361", 1)],
        ),
        # Hydration concurrent with another infusion is not reported.
        (
            "IV antibiotic infusion for 60 min with normal saline running at the same time.",
            [("96365", 1)],
        ),
        (
            "Chemo infusion 1 hr (cisplatin) and NS hydration running concurrently the whole time.",
            [("96413", 1)],
        ),
        # Two drugs infused at once: the second is the concurrent add-on.
        (
            "two different antibiotics infused at the same time thru the same IV line, 60 min.",
            [("96365", 1), ("96368", 1)],
        ),
        (
            "Vancomycin infused over 2 hours, then IV magnesium infused over 90 minutes after it.",
            [("96365", 1), ("96366", 1), ("96367", 1)],
        ),
        # IM/SC beside an infusion; a hormonal anti-neoplastic IM is 96402, a chemo SC 96401.
        (
            "IV antibiotic infusion 45 min and a vitamin B12 1000 mcg IM shot at the same visit.",
            [("96365", 1), ("96372", 1)],
        ),
        ("Lupron Depot 7.5 mg IM for prostate ca", [("96402", 1)]),
        ("Bortezomib 2.6 mg given subcutaneously for myeloma", [("96401", 1)]),
        # Over 8 hours on a pump the patient takes home.
        ("Starting a 46 hour 5-FU infusion with a portable pump in the clinic", [("96416", 1)]),
    ],
)
def test_codes_for_the_sequence_described(text: str, codes: list[tuple[str, int]]) -> None:
    assert billed(text) == codes


def test_same_drug_pushed_again_is_96376_for_a_facility_only_and_after_30_minutes() -> None:
    facility = "Hospital outpatient department: IV push of morphine at 09:00, then the same drug pushed again at 09:50."
    assert billed(facility) == [("96374", 1), ("96376", 1)]
    office = "Physician office: morphine IV push at 10:00, then morphine IV push again at 10:45."
    assert billed(office) == [("96374", 1)]
    soon = "ED facility: ondansetron IV push at 14:00 and again at 14:20."
    assert [g.at for g in read(soon).given] == [14 * 60, 14 * 60 + 20]
    assert billed(soon) == [("96374", 1)]


def test_purposes() -> None:
    assert read("Keytruda 200 mg IV over 30 min").given[0].purpose == CHEMOTHERAPY
    assert read("Lupron Depot 7.5 mg IM").given[0].purpose == HORMONAL
    assert read("NS bolus ran 45 min").given[0].purpose == HYDRATION
    # The chemotherapy named is another drug than the antiemetic pushed before it.
    assert read("IV push of ondansetron before chemo, 8 mg").given[0].purpose == THERAPEUTIC


def test_containers_and_waste() -> None:
    s = read("Bevacizumab 360 mg IV over 90 minutes; pharmacy opened four 100 mg single-dose vials")
    assert s.containers.amount == (400.0, "mg") and s.containers.single_dose is True
    assert s.given[0].dose == (360.0, "mg")  # the container's size is not the dose
    botox = read("Botox: 100-unit single-dose vial, injected 70 units, discarded the remaining 30")
    assert botox.containers.amount == (100.0, "units")
    assert botox.containers.discarded == (30.0, "units")
    assert read(
        "Prolia 60 mg SC, single-dose prefilled syringe, all given"
    ).containers.none_discarded
    assert read("from a multi-dose vial").containers.single_dose is False


def test_a_dose_per_kilogram() -> None:
    assert per_kg_dose("infliximab 5 mg/kg, pt weighs 70 kg") == (350.0, "mg")


def test_no_sequence_when_nothing_is_given() -> None:
    assert read("Is 96522 right for refilling a Synchromed intrathecal pain pump?").given == ()
    # A request for a code is no drug given, with its question mark or without. Bug: "and
    # the push code" was read as a second drug pushed (96375).
    assert len(read("units for zofran 4 mg ivp? J2405. and the push code").given) == 1
    assert read("Kenalog-40, 40 mg into the L knee (no US). Codes?").given == ()


@pytest.mark.parametrize(
    ("text", "codes"),
    [
        # CPT 95990: a spinal (intrathecal) pump refilled without a physician's skill; 95991
        # when the physician or QHP does it; never 96522 (systemic pumps).
        (
            "Our RN refilled a pt's intrathecal baclofen pump (SynchroMed) today, physician "
            "wasnt involved. Is it 96522?",
            [("95990", 1)],
        ),
        (
            "Forwarding the doctor's question: is 96522 right for refilling a Synchromed "
            "intrathecal pain pump?",
            [("95990", 1)],
        ),
        ("The physician refilled the intrathecal baclofen pump.", [("95991", 1)]),
        # 96522: an implanted pump delivering into a vein or an artery; the pump's name
        # ("infusion pump") is no infusion given. Bug: it was drafted as 96365.
        (
            "RN refilled the implanted hepatic arterial infusion pump (FUDR) in clinic today.",
            [("96522", 1)],
        ),
        # "Implanted" alone does not say where the pump delivers: no device code assumed.
        ("Nurse refilled his implanted pump today.", []),
    ],
)
def test_spinal_pump_refill_by_who_refilled_it(text: str, codes: list[tuple[str, int]]) -> None:
    found = read(text)
    devices = [PUMP_REFILLS[found.pump_refill]] if found.pump_refill else []
    result = administration_codes(timeline(found), devices=devices)
    assert [(line.code, line.units) for line in result.lines] == codes


def test_clock_times_as_coders_write_them() -> None:
    """A 24-hour clock with or without the colon; 'completed' as the stop."""
    hung = read("Rocephin 1g IVPB hung at 13:00, completed 13:40. Then Toradol 15mg IVP.")
    first = hung.given[0]
    assert (first.route, first.at, first.until, first.minutes) == ("infusion", 780, 820, 40)
    fluids = read("IV fluids 1L NS from 0900 to 1100 and Zofran 4 mg IV push during the fluids.")
    assert fluids.given[0].minutes == 120 and fluids.given[1].concurrent
    # The push is the initial service; hydration beside it is secondary: 96361 an hour.
    assert billed(
        "IV fluids 1L NS from 0900 to 1100 and Zofran 4 mg IV push during the fluids."
    ) == [
        ("96374", 1),
        ("96361", 2),
    ]


def test_a_brand_name_with_its_strength_is_still_the_drug() -> None:
    """Our notes name "Solu-Medrol 125"; the question says "Solu-Medrol 125 mg"."""
    s = read("Solu-Medrol 125 mg IV push and Benadryl 50 mg IV push then a 1 hour infusion")
    assert [g.drug for g in s.given][:2] == ["solu-medrol", "benadryl"]


def test_a_physicians_initial_code_is_the_main_reason_and_says_so() -> None:
    """CPT: facilities choose the initial service by the hierarchy; a physician reports as
    initial the main reason for the encounter, which the reply points out when the
    hierarchy's initial service came later."""
    text = "Office: Toradol 30 mg IV push, then levofloxacin IV infusion over 60 minutes."
    found = read(text)
    result = administration_codes(timeline(found), facility=False)
    assert any("main reason for the encounter" in w for w in result.worked)
    result = administration_codes(timeline(found), facility=True)
    assert not any("main reason for the encounter" in w for w in result.worked)


def test_a_j_code_filed_under_its_specialty_is_still_a_drug_given() -> None:
    """Depo-Provera and testosterone sit with women's health and urology in our notes; given
    IM they are the drug of the injection, not an unnamed "drug 1"."""
    s = read("Pt returns for her Depo-Provera 150 mg IM, and testosterone cypionate 200 mg IM")
    assert [(g.drug, g.code, g.dose) for g in s.given] == [
        ("depo-provera", "J1050", (150.0, "mg")),
        ("testosterone cypionate", "J1071", (200.0, "mg")),
    ]


@pytest.mark.parametrize(
    ("text", "drug_first"),
    [
        ("Units for J1439 and do we need JZ? plus admin code", True),
        ("Which admin codes and how many units of each drug?", False),
        ("Carboplatin infusion ran 3 hours 35 minutes. Chemo admin codes and units?", False),
        ("Admin code and drug code?", True),
        ("Depo-Provera 150 mg administered IM. Which J code and how many units?", True),
        ("Ondansetron 4 mg IV push. Admin code?", False),
        ("what units on J1071? someone told me its per 1 cc", True),
        # The asker's administration code before the units, or the units asked of it.
        ("Toradol 60 mg IM. Do I bill 96372 x2? and how many units of each drug?", False),
        ("How many units of 96413/96415, and how many units of J9312?", False),
        ("I just need the infusion/drug lines and units.", False),
    ],
)
def test_the_drug_leads_when_it_is_asked_for(text: str, drug_first: bool) -> None:
    """A question that asks for the drug's code leads with the drug, even when it asks for
    the administration as well; units belong to whichever the question names first;
    "administered" describes the visit and asks nothing."""
    assert asks_for_drug(analyse(text)) is drug_first


def test_an_infusion_suite_is_a_place_not_an_infusion() -> None:
    """ "Hospital outpatient infusion dept." names where the patient was: reading it as an
    infusion invented a "drug 1" before the hydration and the antibiotic."""
    s = read(
        "Hospital outpatient infusion dept. Pt got 1 L NS hydration over 1 hr first, then IV "
        "levofloxacin infusion 60 min through same site."
    )
    assert [(g.drug, g.purpose, g.minutes) for g in s.given] == [
        ("hydration", HYDRATION, 60),
        ("levofloxacin", THERAPEUTIC, 60),
    ]
    assert billed(
        "Infusion suite: 1 L NS hydration over 1 hr first, then levofloxacin IV infusion 60 min"
    ) == [("96365", 1), ("96361", 1)]


def test_a_push_before_chemotherapy_is_sequential() -> None:
    """The chemotherapy the antiemetic is pushed before is the encounter's initial service
    (hierarchy), so the push is 96375, not 96374; "same drug as always" is no second push."""
    s = read(
        "What do we code for an IV push of ondansetron before chemo? Same drug as always, 8 mg."
    )
    assert [(g.drug, g.again) for g in s.given] == [("ondansetron", False)]
    assert s.initial_elsewhere == CHEMOTHERAPY
    result = administration_codes(timeline(s), initial_elsewhere=s.initial_elsewhere)
    assert [(line.code, line.units) for line in result.lines] == [("96375", 1)]
    assert read("Zofran 4 mg IV push, then 10 min later the same drug again").given[1].again


def test_minutes_a_bolus_ran_before_the_patient_left() -> None:
    """ "Ran about 20 minutes before she left" is how long it ran, not a gap: 20 minutes of
    hydration is not reported (31 needed)."""
    s = read("Zofran 4mg IVP, then NS bolus that ran about 20 minutes before she left.")
    assert [(g.drug, g.minutes) for g in s.given] == [("zofran", None), ("hydration", 20)]
    assert billed("Zofran 4mg IVP, then NS bolus that ran about 20 minutes before she left.") == [
        ("96374", 1)
    ]


def test_not_chemo_is_no_chemotherapy() -> None:
    """ "IV antibiotic infusion (not chemo)" is a therapeutic infusion: 96365 and 96366."""
    text = "IV antibiotic infusion (not chemo) ran 2 hrs 40 min in the office."
    assert read(text).given[0].purpose == THERAPEUTIC
    assert not analyse(text).chemo
    assert billed(text) == [("96365", 1), ("96366", 2)]


def test_another_push_of_the_same_drug_is_the_same_drug_again() -> None:
    """ "Another 4mg IVP" 20 minutes later repeats the drug before it: no 96375 (a new
    drug's push), and within 30 minutes no 96376 either."""
    text = "Gave Zofran 4mg IVP at 14:00, pt still nauseated so another 4mg IVP at 14:20."
    assert [(g.drug, g.again) for g in read(text).given] == [("zofran", False), ("zofran", True)]
    assert billed(text) == [("96374", 1)]


@pytest.mark.parametrize(
    ("text", "codes"),
    [
        # A 24-hour start and stop without "to": 160 minutes, 96413 + 96415 x 2.
        ("Chemo infusion (oxaliplatin) start 0920 stop 1200.", [("96413", 1), ("96415", 2)]),
        # "Both chemo" makes the drug our notes do not name chemotherapy; "no infusions" is
        # no infusion given.
        (
            "Pt rec'd doxorubicin IV push then vincristine IV push, both chemo, same visit, "
            "no infusions.",
            [("96409", 1), ("96411", 1)],
        ),
    ],
)
def test_what_the_words_say_of_times_purpose_and_routes_not_used(
    text: str, codes: list[tuple[str, int]]
) -> None:
    assert billed(text) == codes


def test_a_test_run_is_no_infusion() -> None:
    # "Ran a BMP": the lab ran a test; "ran over 2 hours": a drug ran in.
    assert sequence("our office drew blood and ran a bmp in house.").given == ()
    assert sequence("the lab ran labs and a ua").given == ()
    assert [g.route for g in sequence("ns ran over 2 hours").given] == ["infusion"]


def test_times_in_a_clause_of_their_own_are_the_drug_befores() -> None:
    """ "Toradol 15 mg IV. Nurse hung it in a 100 mL bag, started 09:10, done 09:20": ten
    minutes of the drug named before, a push (15 minutes or less), not an infusion; "charted
    as an infusion" names no second drug."""
    text = (
        "Toradol 15 mg IV. Nurse hung it in a 100 mL bag, started 09:10, done 09:20. "
        "The chart calls it an infusion."
    )
    assert len(read(text).given) == 1
    assert billed(text) == [("96374", 1)]


def test_a_practices_specialty_and_a_timed_bolus() -> None:
    """ "Family med office w/ IV" names no drug; "NS 500 mL bolus 10:00-10:20" is a timed
    hydration (20 minutes, too short to report), the push after it the initial service."""
    text = "Family med office w/ IV. NS 500 mL bolus 10:00-10:20, then Zofran 4 mg IVP at 10:25."
    given = read(text).given
    assert [g.drug for g in given][-1] == "zofran" and len(given) == 2
    assert billed(text) == [("96374", 1)]


def test_a_complex_biologic_named_before_its_infusion_times() -> None:
    """Infliximab is a complex biologic: chemotherapy and complex drug administration
    (96413, 96415 after more than 30 minutes of a further hour), not 96365; the drug is the
    one named before the clause that times the infusion."""
    text = "Remicade 400 mg for her Crohn's today. Infusion ran 13:00 to 15:05 in our suite."
    given = read(text).given
    assert [(g.drug, g.code, g.purpose, g.dose) for g in given] == [
        ("remicade", "J1745", "chemotherapy", (400.0, "mg"))
    ]
    assert billed(text) == [("96413", 1), ("96415", 1)]


def test_a_visits_total_time_is_no_drugs_time() -> None:
    """ "Doc documented total time 55 min" after an IV push is the visit's time (E/M), not
    the push's minutes."""
    given = read("Zofran 4 mg IV push given. Doc documented total time 55 min.").given
    assert [(g.route, g.minutes) for g in given] == [("push", None)]


def test_a_visit_about_medications_gives_none() -> None:
    """ "Med management and 45 min of psychotherapy": a psychiatrist's visit about the
    patient's medications, not a drug given for 45 minutes (it was once an infusion)."""
    assert (
        billed("Psychiatrist did med management (moderate MDM) and 45 min of psychotherapy") == []
    )
    assert read("Medication review and 30 minutes counseling, then B12 1000 mcg IM").given
    assert billed("Medication review and 30 minutes counseling. Nothing given.") == []


def test_a_visit_that_went_over_its_time_infused_nothing() -> None:
    """ "Total time 58 minutes, she added 99417 because it went way over 30 min": no drug,
    no infusion word, so no infusion (it once drafted 96365 beside the visit, with 25)."""
    text = (
        "MDM was moderate so doc coded 99214, but total time on the date was 58 minutes, she "
        "added 99417 x1 because it went way over 30 min."
    )
    assert read(text).given == ()
    assert billed("NS 1 liter over 60 min for dehydration") == [("96360", 1)]


def test_the_word_infusion_beside_described_drugs_is_no_drug_of_its_own() -> None:
    """ "Office infusion question ... I just need the infusion/drug lines": the topic, not
    two unnamed infusions beside the ceftriaxone and the hydration described (they had made
    a concurrent 96368 and a 96367)."""
    s = read(
        "Office infusion question. Ceftriaxone 1 g IV piggyback ran 10:00-10:30. Then NS 1 L "
        "hydration through the same line 10:32-11:45. I just need the infusion/drug lines."
    )
    assert [(g.drug, g.order) for g in s.given] == [("ceftriaxone", 0), ("hydration", 1)]


def test_a_gnrh_drug_for_a_benign_condition_is_a_therapeutic_injection() -> None:
    """Leuprolide for endometriosis or fibroids is a hormone, not an anti-neoplastic: 96372,
    whereas for prostate cancer it is the hormonal chemotherapy injection (96402)."""
    benign = sequence("lupron depot 3.75 mg im today for endometriosis")
    cancer = sequence("lupron depot 22.5 mg im today for prostate ca")
    assert [g.purpose for g in benign.given] == [THERAPEUTIC]
    assert [g.purpose for g in cancer.given] == [HORMONAL]


def test_a_single_dose_kit_is_given_whole() -> None:
    assert sequence("eligard 45 mg sc from a single-dose kit").containers.none_discarded


def test_a_brand_with_a_decimal_strength_names_the_drug() -> None:
    """ "Lupron Depot 3.75" in a note names Lupron Depot at any strength: "Lupron Depot 22.5 mg
    IM" is a drug given (the dose then chooses among its strength codes)."""
    assert drug_names()["lupron depot"] == "J1950"
    assert [g.code for g in sequence("lupron depot 22.5 mg im today").given] == ["J1950"]


def test_the_askers_administration_codes_asked_first_lead_over_the_drug_codes() -> None:
    """ "I have 96360, 96365, 96374. Is that right? And units of the drug codes?": the
    administration codes were asked about first; "drug codes?" alone asks for the drug."""
    asked_later = (
        "NS then ceftriaxone IVPB. I have 96360, 96365. Right? And units of the drug codes?"
    )
    assert not asks_for_drug(analyse(asked_later))
    assert asks_for_drug(analyse("Ceftriaxone 1 g IVPB over 30 min. Drug codes and units?"))


def test_once_and_ca_125_are_no_cancer_words() -> None:
    """ "once monthly" is no oncology and a CA-125 is a lab test: the benign indication holds."""
    text = "lupron depot 3.75 mg im once monthly for endometriosis, ca-125 was normal"
    assert [g.purpose for g in sequence(text).given] == [THERAPEUTIC]
