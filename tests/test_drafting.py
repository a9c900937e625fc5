"""Drafting on the bundled knowledge alone (what `make run` ships): the answers a coder
expects for the questions the product was conceived from."""

from __future__ import annotations

from sqlalchemy.orm import Session

from consultant.codes.knowledge import load_bundled_knowledge
from consultant.drafting.answer import build_answer
from consultant.drafting.render import render_reply
from consultant.drafting.units import units_for
from consultant.matching.analyse import analyse


def _answer(session: Session, text: str):  # type: ignore[no-untyped-def]
    load_bundled_knowledge(session)
    session.flush()
    return build_answer(session, text)


def test_portable_pump_refill_and_a_visit(session: Session) -> None:
    a = _answer(
        session,
        "Our nurse refilled a patient's portable chemo pump and the doctor saw him "
        "for a new rash. Which codes, and do we need a modifier?",
    )
    assert [c.code for c in a.billed][:2] == ["96521", "99213"]
    assert any(m.modifier == "25" and m.recommended for m in a.modifiers)


def test_intrathecal_pump_is_not_96522(session: Session) -> None:
    a = _answer(session, "Is 96522 right for refilling a Synchromed intrathecal pain pump?")
    assert a.codes[0].code == "95990"
    assert not next(c for c in a.codes if c.code == "96522").billed
    assert a.corrections and a.corrections[0].startswith("Report 95990, not 96522")


def test_place_of_service_is_not_a_modifier(session: Session) -> None:
    a = _answer(session, "Our biller put 11 in the modifier box for 96521, is POS 11 a modifier?")
    assert "never in the modifier field" in a.corrections[0]


def test_time_and_age_choose_among_neighbours(session: Session) -> None:
    assert _answer(session, "Psychotherapy 53 minutes").codes[0].code == "90837"
    assert (
        _answer(session, "Annual physical for a 45 year old established patient").codes[0].code
        == "99396"
    )
    assert _answer(session, "Simple laceration repair 3 cm on the arm").codes[0].code == "12002"


def test_medicare_wants_its_own_code(session: Session) -> None:
    a = _answer(
        session,
        "Medicare patient referred for a consultation in the office, moderate MDM. Can we bill 99244?",
    )
    assert a.codes[0].code == "99204"
    assert any("Medicare does not accept 99244" in w for w in a.advice)


def test_unanswerable_question_goes_to_an_expert(session: Session) -> None:
    a = _answer(
        session, "Our state Medicaid plan changed its prior authorization portal, who do we call?"
    )
    assert a.needs_expert and a.analysis.question_type == "other"
    reply = render_reply(a, "Re: x", "ref")
    assert "could not settle" in reply.text


def test_dose_to_units() -> None:
    assert units_for("J2405", "Injection, ondansetron hydrochloride, per 1 mg", 8, "mg").units == 8  # type: ignore[union-attr]
    assert units_for("J0696", "Injection, ceftriaxone sodium, per 250 mg", 1, "g").units == 4  # type: ignore[union-attr]
    assert units_for("J9190", "Injection, fluorouracil, 500 mg", 2400, "mg").units == 5  # type: ignore[union-attr]
    assert units_for("J2405", "per 1 mg", 8, "ml") is None


def test_modifiers_in_every_way_people_write_them() -> None:
    for text, mods in [
        ("99213-25 with 20610", ["25"]),
        ("use mod 59?", ["59"]),
        ("the 25 modifier", ["25"]),
        ("modifier XS or XU", ["XS", "XU"]),
        ("append -25 to the visit", ["25"]),
    ]:
        assert list(analyse(text).modifiers) == mods, text


def test_codes_at_the_end_of_a_sentence_and_icd_with_or_without_dot() -> None:
    a = analyse("Is POS 11 right for 96521. Dx E11.9 or E119? Vitamin B12 shot.")
    assert a.codes == ("96521",)
    assert a.icd_codes == ("E119",)


def test_codes_beside_non_latin_text() -> None:
    assert analyse("96521の請求について質問があります。J2405を").codes == ("96521", "J2405")


def test_place_of_service_questions(session: Session) -> None:
    """CMS POS code set: telehealth in the patient's home is POS 10 (non-facility rate), an
    on-campus outpatient department POS 22 (facility rate); 11 is no modifier."""
    a = _answer(session, "Place of service for a telehealth visit from the patient's home?")
    assert a.corrections[0].startswith("Use POS 10") and "non-facility" in a.corrections[0]
    a = _answer(session, "What POS for an outpatient hospital department visit?")
    assert a.corrections[0].startswith("Use POS 22") and " facility rate" in a.corrections[0]
    a = _answer(session, "Our biller put 11 in the modifier field for the office visit. OK?")
    assert a.corrections[0].startswith(
        "11 is not a modifier: it is place of service (POS) 11, Office, paid at the non-facility"
    )
    assert analyse("What does modifier 25 mean?").number_as_modifier == ""


def test_the_setting_described_decides_the_place_of_service(session: Session) -> None:
    """CMS POS code set and PFS site-of-service rates: the setting the words describe
    decides between the POS codes the asker offers; urgent care and an ASC have their own."""
    a = _answer(
        session,
        "Our clinic is a provider-based hospital outpatient dept (on campus). POS 11 or 22?",
    )
    assert a.corrections[0].startswith("Use POS 22") and "Not POS 11 (Office" in a.corrections[0]
    a = _answer(session, "what POS for an urgent care center visit?")
    assert a.corrections[0].startswith("Use POS 20 (Urgent care facility)")
    a = _answer(session, "Surgery done at an ambulatory surgery center: which place of service?")
    assert a.corrections[0].startswith("Use POS 24") and "at the facility rate" in a.corrections[0]


def test_a_drug_into_a_joint_is_the_joint_injection_by_size(session: Session) -> None:
    """CPT 20600-20611: a steroid into a joint is the arthrocentesis/injection code for the
    joint's size, with or without ultrasound guidance, not 96372."""
    a = _answer(
        session, "Kenalog 40 mg injected into the left knee, no ultrasound. What do we bill?"
    )
    codes = [c.code for c in a.billed]
    assert "20610" in codes and "96372" not in codes and "76942" not in codes
    a = _answer(session, "Depo-Medrol 40 mg into the right wrist joint under ultrasound guidance")
    assert "20606" in [c.code for c in a.billed]


def test_dose_from_volume_and_concentration() -> None:
    assert analyse("20 mL of 2,000 mcg/mL baclofen").doses == ((40000.0, "mcg"),)


def test_eyelid_modifier_with_a_one_letter_side() -> None:
    assert analyse("Chalazion excision R lower lid").digits == ("E4",)
