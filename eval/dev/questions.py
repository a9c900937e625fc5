"""The evaluation questions, as a coder would write them, with what a good answer holds.

Each entry: kind (question type), text, top (the code a certified coder puts first;
"A|B" where two codes are equally the answer, as a drug and its administration, or the
two codes of a same-day pair),
also (other codes the answer should name), modifiers (expected modifier advice),
phi (strings that must never appear in the reply). The renderer (eval/corpus.py) turns
each into an email of a rotating style: plain, HTML-only, quoted reply, forward,
windows-1252, Outlook-shaped.
"""

from __future__ import annotations

from typing import Any

Q: list[dict[str, Any]] = []


def q(
    kind: str,
    text: str,
    top: str,
    also: str = "",
    modifiers: str = "",
    phi: str = "",
    subject: str = "",
) -> None:
    Q.append(
        {
            "kind": kind,
            "text": text,
            "top": top.split("|")[0] if top else "",
            "tops": top.split("|") if top else [],
            "also": also.split(),
            "modifiers": modifiers.split(),
            "phi": [p for p in phi.split("|") if p],
            "subject": subject,
        }
    )


# Pump refills and infusion
q(
    "modifier",
    "Our nurse refilled a patient's portable chemo pump and the doctor saw him for a new rash. Which codes, and do we need a modifier?",
    "96521",
    also="99213",
    modifiers="25",
)
q(
    "lookup",
    "What is the correct CPT for refilling an implanted intrathecal baclofen pump? No reprogramming was done.",
    "95990",
)
q(
    "compare",
    "Is 96522 right for refilling a Synchromed intrathecal pain pump, or is there a better code?",
    "95990",
    also="96522",
)
q(
    "lookup",
    "Which code do we use to refill and maintain an implanted hepatic artery infusion pump?",
    "96522",
)
q(
    "same_day_pair",
    "Can 96521 and 99211 be billed together when the nurse refills the CADD pump?",
    "96521",
    also="99211",
)
q(
    "lookup",
    "Patient came in just for a port flush, nothing else that day. What do we bill?",
    "96523",
)
q(
    "same_day_pair",
    "We flushed the Mediport and also drew labs from it. Can we bill 96523 with 36591?",
    "96523",
    also="36591",
)
q(
    "lookup",
    "What is the code for starting a 46 hour 5-FU infusion with a portable pump in the clinic?",
    "96416",
    also="J9190",
)
q("units", "How many units of J9190 do we bill for 2400 mg of fluorouracil in the pump?", "J9190")
q("lookup", "Chemo infusion, first hour - which CPT?", "96413")
q(
    "lookup",
    "Patient got a 3 hour chemo infusion of one drug. How do we bill the additional hours?",
    "96415",
    also="96413",
)
q(
    "lookup",
    "What do we code for an IV push of ondansetron before chemo? Same drug as always, 8 mg.",
    "J2405|96375",
    also="96375",
)
q("units", "We gave ondansetron 4 mg IV. How many units of J2405?", "J2405")
q(
    "lookup",
    "Hydration for 45 minutes with normal saline, no other drugs. Code please",
    "96360",
    also="J7030",
)
q(
    "lookup",
    "Patient received IV antibiotics over 60 minutes in the office - which administration code?",
    "96365",
)
q("lookup", "Nurse gave a B12 shot IM. What do we bill?", "J3420|96372", also="96372")
q(
    "same_day_pair",
    "Can we bill 96372 with 99213 on the same day if the doctor saw the patient for something else?",
    "99213|96372",
    also="96372",
    modifiers="25",
)
q("lookup", "Kenalog 40 mg IM injection in the office, what codes?", "J3301|96372", also="96372")
q("units", "Kenalog 40 mg, how many units of J3301?", "J3301")
q("lookup", "Rocephin 1 gram IM for a kid with otitis - which J code?", "J0696", also="96372")
q("units", "How many units for ceftriaxone 1 g? J0696 is per 250 mg right?", "J0696")
q("units", "Toradol 60 mg IM in the office. Code and units?", "J1885", also="96372")
q("lookup", "Depo-Provera injection given today, what is the HCPCS code?", "J1050", also="96372")
q("lookup", "Testosterone cypionate 200 mg injection, code?", "J1071|96372", also="96372")
q(
    "lookup",
    "Neulasta Onpro on-body injector applied in clinic - how is the application coded?",
    "96377",
    also="J2506",
)
q("lookup", "Rituximab infusion for lymphoma - the drug code please", "J9312", also="96413")
q("lookup", "IV iron sucrose (Venofer) 200 mg over 15 minutes. Admin code and drug code?", "J1756")
q(
    "lookup",
    "Subcutaneous hormonal chemo injection of leuprolide (Lupron Depot 7.5 mg). Codes?",
    "96402|J9217",
    also="J9217",
)
q("lookup", "Intrathecal methotrexate by lumbar puncture - chemo admin code?", "96450")
q("lookup", "Port was clotted, we used Cathflo to declot. CPT?", "36593", also="J2997")
q("lookup", "What code for a PICC placed with ultrasound guidance in an adult?", "36573")
q(
    "compare",
    "PICC line vs port placement - which codes are which? We placed a chest port today.",
    "36561",
)
q("lookup", "Central line placement, non-tunneled, adult, in the ICU", "36556")
q("lookup", "Routine venipuncture for labs, code?", "36415")
q("lookup", "Blood drawn from a PICC line, no other service. Code?", "36592")
q("lookup", "Port removal in the office, code?", "36590")
# E/M
q("lookup", "New patient office visit with moderate medical decision making, what level?", "99204")
q("lookup", "Established patient, low MDM office visit - which code?", "99213")
q("lookup", "Established patient office visit, moderate complexity MDM", "99214")
q("lookup", "Established pt seen for 45 minutes total time, high complexity. Code?", "99215")
q("lookup", "Nurse visit for a blood pressure check, established patient. Code?", "99211")
q(
    "lookup",
    "Medicare patient needs prolonged office visit time beyond 99215. Which add-on does Medicare want?",
    "G2212",
    also="99417",
)
q(
    "lookup",
    "Can we bill the G2211 complexity add-on with an office visit for a Medicare diabetic we follow?",
    "G2211",
)
q("lookup", "Initial hospital admission, high complexity H&P - CPT?", "99223")
q("lookup", "Subsequent hospital visit, moderate MDM", "99232")
q("lookup", "Hospital discharge took 45 minutes. Which code?", "99239")
q("lookup", "ER visit, high MDM, level 5", "99285")
q("lookup", "Critical care 50 minutes in the ICU. Code?", "99291")
q("units", "Critical care total 110 minutes - how many 99292?", "99292", also="99291")
q("lookup", "Office consult requested by PCP, moderate MDM, commercial insurance", "99244")
q(
    "lookup",
    "Medicare patient referred for a consultation in the office - can we bill 99244?",
    "99204",
    also="99244",
)
q("lookup", "Nursing home visit, subsequent, moderate MDM", "99309")
q("lookup", "Home visit for an established patient, moderate MDM", "99349")
q(
    "lookup",
    "Annual physical for a 45 year old established patient with commercial insurance",
    "99396",
)
q("lookup", "Medicare annual wellness visit, subsequent year. Code?", "G0439")
q("lookup", "First Medicare annual wellness visit - which code?", "G0438")
q("lookup", "Welcome to Medicare physical within the first year", "G0402")
q("lookup", "Well child check for a 3 year old established patient", "99392")
q(
    "lookup",
    "Transitional care management after discharge, face to face visit on day 5, high complexity",
    "99496",
)
q("lookup", "TCM, moderate complexity, seen within 14 days of discharge", "99495")
q("lookup", "Chronic care management, 20 minutes of clinical staff time this month", "99490")
q(
    "units",
    "CCM 45 minutes of staff time in the month - how do we report the extra time?",
    "99439",
    also="99490",
)
q("lookup", "Remote patient monitoring device supply for the month, blood pressure cuff", "99454")
q("lookup", "RPM treatment management, first 20 minutes this month", "99457")
q("lookup", "Advance care planning discussion for 30 minutes at the annual visit", "99497")
q("lookup", "Smoking cessation counseling for 8 minutes", "99406")
q("lookup", "Depression screening with PHQ-9 at a visit - code for the questionnaire?", "96127")
q("lookup", "Patient portal e-visit, 15 minutes over the week", "99422")
# Modifiers and same-day pairs
q(
    "modifier",
    "Do we need modifier 25 on 99213 when we also do a knee injection (20610) the same day?",
    "20610|99213",
    also="99213",
    modifiers="25",
)
q(
    "modifier",
    "Which modifier for two different procedures at separate sites: 11102 and 17110? XS or 59?",
    "11102|17110",
    also="17110",
    modifiers="XS",
)
q(
    "modifier",
    "Is modifier 59 ok on 97140 with 97530 in the same session?",
    "97140",
    also="97530",
    # No modifier: the NCCI edit that paired them was deleted at the end of 2019, so 59
    # has nothing to bypass.
)
q(
    "same_day_pair",
    "Can 20552 and 20553 be billed together for trigger points on the same day?",
    "20553",
    also="20552",
)
q("same_day_pair", "Can we bill 93000 with 99214?", "99214|93000", also="93000")
q("same_day_pair", "36415 and 36591 same day - both payable?", "36415", also="36591")
q("same_day_pair", "Are 96360 and 96365 bundled?", "96365", also="96360")
q(
    "same_day_pair",
    "We did 45380 and 45385 on different polyps. Can both be billed?",
    "45385",
    also="45380",
    modifiers="59",
)
q("modifier", "Bilateral knee injections 20610 - modifier 50 or RT/LT?", "20610", modifiers="50")
q(
    "modifier",
    "The surgeon saw the patient the day before a total knee and decided to operate. Modifier 25 or 57 on the E/M?",
    "27447",
    modifiers="57",
)
q(
    "modifier",
    "Office visit during the 90 day global for an unrelated problem - which modifier?",
    "",
    modifiers="24",
)
q(
    "modifier",
    "Return to the OR for a related complication during the global period, modifier?",
    "",
    modifiers="78",
)
q("modifier", "What does the JW modifier mean and when is JZ required?", "", modifiers="JW JZ")
q(
    "modifier",
    "Telehealth visit by audio and video, 99213 - modifier 95 and which POS?",
    "99213",
    modifiers="95",
)
q("modifier", "Is POS 11 a modifier? Our biller put 11 in the modifier box for 96521.", "96521")
q("modifier", "ABN signed for a service Medicare will likely deny - GA or GZ?", "", modifiers="GA")
q(
    "modifier",
    "Routine physical for a Medicare patient billed to the patient - modifier GY?",
    "",
    modifiers="GY",
)
q(
    "modifier",
    "Radiologist reads a chest x-ray 71046 at the hospital. Which modifier?",
    "71046",
    modifiers="26",
)
q(
    "modifier",
    "Screening colonoscopy turned into polypectomy for a Medicare patient - which modifier keeps it screening?",
    "45385",
    modifiers="PT",
)
q("modifier", "Repeat EKG same day by the same doctor - modifier 76?", "93000", modifiers="76")
q("modifier", "Assistant surgeon on 27130, modifier 80 or AS for a PA?", "27130", modifiers="AS")
# Units and MUE
q("units", "What is the MUE for 96523?", "96523")
q("units", "How many units of 20610 can we bill per day?", "20610")
q("units", "MUE for J2405?", "J2405")
q("units", "We billed 3 units of 36415 on one day and got denied. Why?", "36415")
q("units", "Trigger point injections in 5 muscles - how many units of 20553?", "20553")
q("units", "Physical therapy: 38 minutes of 97110 - how many units?", "97110")
# Payment
q("payment", "What does Medicare pay nationally for 96521?", "96521")
q("payment", "What are the RVUs for 99214?", "99214")
q("payment", "National payment for 20610 in the office vs facility?", "20610")
q("payment", "Work RVU for 99213 and the 2025 conversion factor?", "99213")
q("payment", "How much does Medicare reimburse for 36415?", "36415")
q("payment", "Total RVUs for 96413?", "96413")
q("payment", "What's the allowable for 93000?", "93000")
# Documentation
q("documentation", "What documentation do we need to support 96521?", "96521")
q(
    "documentation",
    "Documentation requirements for modifier 25 with a minor procedure?",
    "",
    modifiers="25",
)
q("documentation", "What should the note show for debridement 11042?", "11042")
q("documentation", "What do auditors look for in chronic care management notes?", "99490")
# Procedures across specialties
q("lookup", "Incision and drainage of a simple abscess in the office", "10060")
q("lookup", "Punch biopsy of one skin lesion", "11104")
q("lookup", "Shave biopsy of 2 lesions on the back", "11102", also="11103")
q("lookup", "Cryotherapy of 3 actinic keratoses", "17000", also="17003")
q("lookup", "Wart removal by freezing, 4 warts", "17110")
q("lookup", "Skin tag removal, 10 tags", "11200")
q("lookup", "Simple laceration repair 3 cm on the arm", "12002")
q("lookup", "Layered closure of a 2 cm laceration on the face", "12051")
q("lookup", "Excision of a 1.5 cm basal cell carcinoma on the back", "11602")
q("lookup", "Ingrown toenail, partial nail avulsion", "11730")
q("lookup", "Debridement of 6 mycotic nails", "11721")
q("lookup", "Excisional debridement of a foot ulcer down to subcutaneous tissue, 10 sq cm", "11042")
q("lookup", "Debridement to bone, 15 sq cm, diabetic ulcer", "11044")
q("lookup", "Wound vac application, 40 sq cm", "97605")
q("lookup", "Unna boot applied to the leg", "29580")
q("lookup", "Knee injection with ultrasound guidance", "20611")
q("lookup", "Shoulder joint injection without imaging", "20610")
q("lookup", "Trigger finger injection", "20550")
q("lookup", "Tennis elbow injection at the lateral epicondyle", "20551")
q("lookup", "Synvisc-One injection of the knee, drug code?", "J7325", also="20610")
q("lookup", "Lumbar epidural steroid injection under fluoroscopy", "62323")
q("lookup", "Lumbar transforaminal injection, one level, with fluoro", "64483")
q("lookup", "Lumbar medial branch block, first level", "64493")
q("lookup", "Radiofrequency ablation of lumbar facet nerves, one joint", "64635")
q("lookup", "Greater occipital nerve block", "64405")
q("lookup", "SI joint injection with fluoroscopy in the office", "27096")
q("lookup", "Screening colonoscopy for an average risk Medicare patient", "G0121")
q("lookup", "Colonoscopy with cold biopsy of a polyp", "45380")
q("lookup", "EGD with biopsy", "43239")
q("lookup", "Flexible sigmoidoscopy, diagnostic", "45330")
q("lookup", "FIT test for colorectal screening, Medicare", "G0328")
q("lookup", "Chest x-ray 2 views PA and lateral", "71046")
q("lookup", "CT head without contrast", "70450")
q("lookup", "MRI lumbar spine without contrast", "72148")
q("lookup", "Knee x-ray 3 views", "73562")
q("lookup", "CT abdomen and pelvis with contrast", "74177")
q("lookup", "Complete abdominal ultrasound", "76700")
q("lookup", "Screening mammogram bilateral", "77067")
q("lookup", "DEXA bone density scan", "77080")
q("lookup", "Carotid duplex ultrasound bilateral", "93880")
q("lookup", "Venous doppler of one leg to rule out DVT", "93971")
q("lookup", "Low dose CT for lung cancer screening", "71271")
q("lookup", "EKG with interpretation in the office", "93000")
q("lookup", "Only the interpretation of an EKG done at the hospital", "93010")
q("lookup", "Transthoracic echocardiogram complete", "93306")
q("lookup", "24 hour holter monitor", "93224")
q("lookup", "Spirometry before and after bronchodilator", "94060")
q("lookup", "Nebulizer treatment with albuterol in the office", "94640", also="J7613")
q("lookup", "Comprehensive metabolic panel", "80053")
q("lookup", "Lipid panel and A1c drawn today", "80061", also="83036 36415")
q("lookup", "CBC with differential", "85025")
q("lookup", "Rapid strep test in the office", "87880")
q("lookup", "Urine pregnancy test", "81025")
q("lookup", "Urine dipstick without microscopy, non-automated", "81002")
q("lookup", "Fingerstick glucose in the office", "82962")
q("lookup", "PT/INR check", "85610")
q("lookup", "Screening PSA for a Medicare patient", "G0103")
q("lookup", "Physical therapy evaluation, moderate complexity", "97162")
q("lookup", "Therapeutic exercise 15 minutes", "97110")
q("lookup", "Manual therapy, soft tissue mobilization", "97140")
q("lookup", "Unattended electrical stimulation for a Medicare patient", "G0283")
q("lookup", "Chiropractic adjustment of 3 spinal regions", "98941")
q("lookup", "Psychotherapy 53 minutes", "90837")
q("lookup", "Psychiatric diagnostic evaluation by a therapist", "90791")
q("lookup", "Family therapy with the patient present", "90847")
q("lookup", "Comprehensive eye exam, established patient", "92014")
q("lookup", "Intravitreal injection of Eylea", "67028")
q("lookup", "Cerumen removal with curette, one ear", "69210")
q("lookup", "Ear irrigation for impacted wax", "69209")
q("lookup", "Allergy shots, two injections", "95117")
q("lookup", "IUD insertion (Mirena)", "58300", also="J7298")
q("lookup", "Nexplanon removal and reinsertion", "11983")
q("lookup", "Colposcopy with cervical biopsy and ECC", "57454")
q("lookup", "Endometrial biopsy in the office", "58100")
q("lookup", "Foley catheter insertion", "51702")
q("lookup", "Bladder scan for post void residual", "51798")
q("lookup", "Flu shot for a Medicare patient - administration code", "G0008")
q("lookup", "Shingrix vaccine given in the office", "90750")
q("lookup", "Tdap vaccine for an adult", "90715")
q("lookup", "Pneumonia vaccine Prevnar 20", "90677")
q("lookup", "Vaccine administration, first injection, adult, commercial plan", "90471")
q("lookup", "Ground ambulance emergency, advanced life support", "A0427")
q("lookup", "Ambulance mileage code", "A0425")
q("lookup", "Who bills the CADD pump rental itself - which HCPCS?", "E0781")
q("lookup", "CPAP machine HCPCS code", "E0601")
q("lookup", "Rolling walker HCPCS", "E0143")
q("lookup", "Laparoscopic cholecystectomy CPT", "47562")
q("lookup", "Carpal tunnel release open", "64721")
q("lookup", "Total knee replacement code", "27447")
q("lookup", "Short arm splint application", "29125")
# Diagnosis coding
q("diagnosis", "ICD-10 code for type 2 diabetes with diabetic neuropathy?", "E1140")
q("diagnosis", "What is the diagnosis code for essential hypertension?", "I10")
q("diagnosis", "ICD-10 for low back pain", "M5450")
q("diagnosis", "Diagnosis code for encounter for antineoplastic chemotherapy", "Z5111")
q("diagnosis", "ICD-10 for acute upper respiratory infection", "J069")
q("diagnosis", "Is E11.9 right for type 2 diabetes without complications?", "E119")
# Needs an expert (nothing in the data answers it)
q(
    "other",
    "Our state Medicaid plan changed its prior authorization portal, who do we call about the appeal deadline?",
    "",
)
q("other", "How should we set up our chargemaster for a new dialysis unit's revenue codes?", "")
