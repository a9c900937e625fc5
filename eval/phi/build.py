"""Writes eval/phi/snippets.jsonl: the labelled PHI set (run once; the file is committed).

Each snippet is a line a subscriber could write, with ``phi`` (strings that must not
survive redaction) and ``keep`` (coding facts that must). Identifier values come in the
formats people actually type, rotated deterministically over sentence frames written by
hand; the trap snippets carry no PHI at all, only codes, doses, dates of service, RVUs,
modifiers and NDCs that a careless redactor would eat.

    python -m eval.phi.build
"""

from __future__ import annotations

import itertools
import json
from pathlib import Path

OUT = Path(__file__).with_name("snippets.jsonl")

NAMES = [
    "Lucia Fernandez",
    "Ann B. Lee",
    "Dwayne Okafor",
    "Mary-Kate O'Neil",
    "José Ramírez",
    "Harold McKay",
    "Priya Natarajan",
    "Thomas J. Whitfield",
    "Ngozi Adeyemi",
    "Carl Jensen",
    "Rosa Delgado",
    "Kevin D'Angelo",
    "Aisha Rahman",
    "Gregory Hollis",
    "Yuki Tanaka",
    "Bernadette Shaw",
    "Ivan Petrov",
    "Samuel Oduya",
    "Maria de la Cruz",
    "Eleanor Whitcombe",
]
LAST_FIRST = ["Fernandez, Lucia", "Okafor, Dwayne M.", "Shaw, Bernadette", "Petrov, Ivan"]
SURNAMES = ["Holloway", "Okafor", "Lindqvist", "Abernathy", "Nguyen", "Castellanos"]
DOBS = [
    "07/29/1975",
    "7/9/48",
    "1950-01-02",
    "Jan 5, 1950",
    "January 5th, 1950",
    "5 March 1962",
    "03-14-1958",
    "11.02.1947",
    "Sept. 30, 1939",
    "12/1/1966",
]
MBIS = [
    "1EG4-TE5-MK73",
    "1EG4TE5MK73",
    "5KD2-W93-QJ18",
    "9AC1DE2FG34",
    "3tq8-uu2-ga54",
    "2HX7YV3RT45",
]
HICNS = ["123456789A", "987654321B1", "456-78-9012A", "234567890D6"]
SSNS = ["123-45-6789", "321 54 9876", "078-05-1120"]
PHONES = [
    "(555) 201-3344",
    "555-884-1209",
    "555.201.3344",
    "+1 555 201 3344",
    "1-800-555-0199",
    "(555)201-3344",
]
FAXES = ["555-201-9999", "(555) 444-1212", "555.444.1212"]
EMAILS = ["jane.doe@example.org", "r.okafor77@mail.example", "lucia_f@patients.example.net"]
ADDRESSES = [
    "12 Maple Street",
    "4410 N. Kedzie Ave",
    "77 Sunset Blvd, Apt 4B",
    "1600 Pennsylvania Avenue",
    "300 W 23rd St",
    "9 Elm Ct., Dayton, OH",
    "221 Baker Street",
    "85 Old Mill Road",
]
ZIP4S = ["45402-1234", "62704-0091", "10001-4356"]
RECORDS = [
    ("MRN", "9042217"),
    ("MRN:", "A00345921"),
    ("medical record #", "55-0042-1"),
    ("MR#", "884211"),
    ("chart no.", "77123"),
    ("acct #", "100234455"),
    ("account number", "AC-993311"),
    ("member ID", "W123456789"),
    ("Member #", "XJH400112233"),
    ("policy number", "PL-88812-03"),
    ("subscriber ID", "XQ12345678"),
    ("Medicaid ID", "61004477321"),
    ("claim number", "2025031400871"),
    ("group #", "0045012"),
    ("patient ID", "P-55821"),
]

# (frame, keep): slots in braces; keep lists coding facts in the frame that must survive.
FRAMES: list[tuple[str, list[str]]] = [
    ("Patient {name}, DOB {dob}, was seen for 99214 with modifier 25.", ["99214", "25"]),
    ("pt {name} came in on 03/02/2025 for a port flush, 96523.", ["03/02/2025", "96523"]),
    ("My patient, {name}, needs 96521 and J2405 x 8 on the same day.", ["96521", "J2405 x 8"]),
    (
        "Question re patient {name}: can we bill 20610-RT and J3301 40 mg?",
        ["20610-RT", "J3301", "40 mg"],
    ),
    ("Pt name: {name}  DOS 01/15/2025  CPT 99213, ICD-10 E11.9", ["01/15/2025", "99213", "E11.9"]),
    (
        "{title} {surname} was seen for a level 4 visit (99204) and an EKG 93000.",
        ["99204", "93000"],
    ),
    (
        "The member {name} had 45378 and 45380 on 2/3/2025; is 59 needed?",
        ["45378", "45380", "2/3/2025", "59"],
    ),
    (
        "Patient: {last_first}\nDOB: {dob}\nDx: M54.50, CPT 97110 x 3 units",
        ["M54.50", "97110", "3 units"],
    ),
    ("Beneficiary {name} (MBI {mbi}) got G0439 today.", ["G0439"]),
    ("MBI: {mbi}. Patient had 99497 for advance care planning.", ["99497"]),
    ("Her Medicare number is {mbi} and the visit was 99215.", ["99215"]),
    ("HICN {hicn} on the old card; procedure 36415.", ["36415"]),
    ("Old Medicare card {hicn} - do we still use it for 2025 DOS 02/11/2025?", ["02/11/2025"]),
    ("SSN {ssn} was on the face sheet for the 99223 admit.", ["99223"]),
    ("Social security number: {ssn}. Billing 99291 and 99292.", ["99291", "99292"]),
    ("Call me at {phone} about 11042 vs 97597.", ["11042", "97597"]),
    ("Patient phone {phone}; she needs 90471 and 90715.", ["90471", "90715"]),
    ("Please fax the op note to fax {fax}, case 27447-LT.", ["27447-LT"]),
    ("Fax: {fax} / tel {phone} - billing 64483 with 77003?", ["64483", "77003"]),
    ("Reach the patient by e-mail at {email} if the 99442 needs a consent.", ["99442"]),
    ("Her address is {address}, ZIP {zip4}; home visit 99347.", ["99347"]),
    ("Home health at {address} - can 99349 go with G0180?", ["99349", "G0180"]),
    ("Mailing: {address}, Springfield, IL {zip4}. Question about 99509.", ["99509"]),
    ("{record} {record_value} - the 93306 was done with contrast C8929.", ["93306", "C8929"]),
    ("Chart lists {record} {record_value}; billed 43239 and 43235 together.", ["43239", "43235"]),
    ("For {record} {record_value}, DOS 04/01/2025, units 4 of 96372.", ["04/01/2025", "96372"]),
    ("Patient {name} (born {dob}) had 17110 on 3 lesions.", ["17110", "3 lesions"]),
    ("{name}, D.O.B. {dob}, 90 minutes of psychotherapy 90837.", ["90837", "90 minutes"]),
    ("date of birth {dob}; ondansetron 8 mg IV J2405 x 8, 96374.", ["8 mg", "J2405 x 8", "96374"]),
    ("Re: patient {name} - 99213 and 99211 same day?", ["99213", "99211"]),
    ("Is 96521 payable twice? Pt: {last_first}, acct # 100234455", ["96521"]),
    ("Patient is {name}, age 67, for 99397 preventive.", ["age 67", "99397"]),
    ("patient {name} aged {age90} needs 99341, ICD Z74.09", ["99341", "Z74.09"]),
    ("The {age90} y/o had 27236; RVU 20.56 work.", ["27236", "20.56"]),
    ("{age90}-year-old {name} with 99223 on admission", ["99223"]),
    ("her husband {name} asked whether 99490 covers his calls", ["99490"]),
    ("Guardian: {name}, phone {phone}; visit 99214-25 with 11102.", ["99214-25", "11102"]),
    ("Subscriber ID XQ55566677, insured {name}, CPT 71046.", ["71046"]),
    ("{name} DOB {dob} MRN 44821 - 99233 x 2 days, E11.65", ["99233", "E11.65"]),
    (
        "Mr. {surname}'s wound care 97597 plus 11042, both on 5/6/2025.",
        ["97597", "11042", "5/6/2025"],
    ),
    ("Ms {surname} – bilateral 64721-50, ICD G56.03", ["64721-50", "G56.03"]),
    ("patient {name} lives at {address} and gets 99509 weekly", ["99509"]),
    ("Pt {name} / {phone} / {email}: is G2211 allowed with 99214?", ["G2211", "99214"]),
    ("Name: {name}\nMBI {mbi}\nDOS 06/10/2025\nCPT 99306", ["06/10/2025", "99306"]),
    ("Can I bill 96413 + 96415 for patient {name}, policy # PL-77102?", ["96413", "96415"]),
    ("Patient {name} DOB {dob} had NDC 0409-4888-02, 2 mL.", ["0409-4888-02", "2 mL"]),
]

TRAPS: list[tuple[str, list[str]]] = [
    ("Patient came in on 03/02/2025 for 96521 and 99213-25.", ["03/02/2025", "96521", "99213-25"]),
    ("Ondansetron 8 mg, J2405 x 8, E11.9.", ["8 mg", "J2405 x 8", "E11.9"]),
    ("NDC 0409-4888-02 and 50242-040-62 for the infusion.", ["0409-4888-02", "50242-040-62"]),
    ("NDC 12345-6789-01, 11-digit 00409488802.", ["12345-6789-01", "00409488802"]),
    ("NDC 54868-4089-0 packaged as 5-4-1.", ["54868-4089-0"]),
    ("DOS 01/15/2025, 99214, M54.50.", ["01/15/2025", "99214", "M54.50"]),
    ("Date of service 2025-02-03: 93000 and 93010.", ["2025-02-03", "93000", "93010"]),
    ("Work RVU 1.92, PE RVU 1.30, MP 0.10 for 99214.", ["1.92", "1.30", "0.10"]),
    ("Total RVUs 3.45 x CF 32.3465 = $111.60", ["3.45", "32.3465", "$111.60"]),
    ("Modifier 59 vs XS vs XU on 97110 and 97140.", ["59", "XS", "XU", "97110", "97140"]),
    ("20610-RT and 20610-LT, or 20610-50?", ["20610-RT", "20610-LT", "20610-50"]),
    ("The patient was seen by Dr. Patel for 99204.", ["99204"]),
    ("Patient presented with chest pain, 99284-25, 93010.", ["Patient presented", "99284-25"]),
    ("Patient had 45378 then 45385 the same day.", ["Patient had", "45378", "45385"]),
    ("Pt has DM2 (E11.9) and HTN (I10).", ["E11.9", "I10"]),
    ("Patient Medicare Advantage plan denied 99497.", ["Medicare Advantage", "99497"]),
    ("Established patient visit 99213 with G2211 add-on.", ["99213", "G2211"]),
    ("New patient 99203, time 35 minutes.", ["99203", "35 minutes"]),
    ("MUE for 96372 is 4 per day; we billed 5 units.", ["96372", "4 per day", "5 units"]),
    ("PTP edit 96521/96523 has modifier indicator 1.", ["96521/96523", "indicator 1"]),
    ("Insulin 10 units SC, J1815 x 2.", ["10 units", "J1815 x 2"]),
    ("Kenalog 40 mg/mL, 1 mL, J3301 x 4.", ["40 mg/mL", "J3301 x 4"]),
    ("Heparin 1,000 units/mL lock flush.", ["1,000 units/mL"]),
    ("Medicare allowed $112.45 for 99214 in locality 01112-54.", ["$112.45", "01112-54"]),
    ("POS 11 vs POS 22 for 99213.", ["POS 11", "POS 22"]),
    ("Revenue code 0450 with 99284 on the UB-04.", ["0450", "99284"]),
    ("ICD-10-CM S72.001A then S72.001D at follow-up.", ["S72.001A", "S72.001D"]),
    ("Z00.00 vs Z00.01 for the annual exam.", ["Z00.00", "Z00.01"]),
    ("CPT 36415 x 2 and 85025.", ["36415 x 2", "85025"]),
    ("A1c 7.2% and BMI 32.5, E66.9 and Z68.32.", ["7.2%", "32.5", "Z68.32"]),
    ("BP 140/90, HR 88, 99214.", ["140/90", "99214"]),
    ("HCPCS G0439 then G0438 next year.", ["G0439", "G0438"]),
    ("Q1 2025 NCCI edits effective 01/01/2025.", ["01/01/2025"]),
    ("Our NPI 1234567893 and TIN on the claim for 99215.", ["1234567893", "99215"]),
    ("Claim frequency code 7 to replace the 99213 line.", ["code 7", "99213"]),
    ("Age 67, 99397 preventive, Z00.00.", ["Age 67", "99397"]),
    ("45 y/o with 99395.", ["45 y/o", "99395"]),
    ("Global period 090 for 27447.", ["090", "27447"]),
    ("Units: 3, 97110 GP modifier.", ["97110", "GP"]),
    ("Fee schedule 2025 CF 32.3465; 99213 allowed 92.03.", ["32.3465", "92.03"]),
    ("Procedure on 12/05/2024 and follow-up 12/19/2024.", ["12/05/2024", "12/19/2024"]),
    ("DOS 2/3/25 for 99214-25 and 11102.", ["2/3/25", "99214-25", "11102"]),
    ("The visit on January 5, 2025 was 99204.", ["January 5, 2025", "99204"]),
    ("Service dates 3/1/2025-3/3/2025 for 99221 and 99231 x 2.", ["3/1/2025", "3/3/2025"]),
    ("Drug units: 0.5 mL of J0897 (denosumab 60 mg).", ["0.5 mL", "J0897", "60 mg"]),
    ("Infusion 96365 for 61 minutes then 96366.", ["96365", "61 minutes", "96366"]),
    ("CPT 64483-LT, 64484-LT x 2, 77003.", ["64483-LT", "64484-LT x 2"]),
    ("Patient seen in office, 99213, ICD M17.11.", ["Patient seen", "M17.11"]),
    ("Pt returned for 99024 in the global.", ["Pt returned", "99024"]),
    ("The member was billed 99442 by phone.", ["The member was billed", "99442"]),
    ("Question: can 96372 go with 99211 on 06/02/2025?", ["96372", "99211", "06/02/2025"]),
    ("Level 5 ED visit 99285 with critical care 99291.", ["99285", "99291"]),
    ("Time 40 min, 99215 in 2025.", ["40 min", "99215"]),
    ("Suite 200 of our clinic handles 99213 follow-ups.", ["Suite 200", "99213"]),
    ("LCD L33797 and NCD 220.1 for 77067.", ["L33797", "220.1", "77067"]),
    ("ABN on file, GA modifier on 81001.", ["GA", "81001"]),
    ("99202-99205 and 99212-99215 office E/M ranges.", ["99202-99205", "99212-99215"]),
    ("Bundled: 36000 into 96365 per NCCI.", ["36000", "96365"]),
    ("Add-on 99417 each 15 minutes past 99205.", ["99417", "15 minutes"]),
    ("Wound 4.5 sq cm, 97597 and 97598.", ["4.5 sq cm", "97597", "97598"]),
    ("Lidocaine 1% 5 mL, 64450.", ["1% 5 mL", "64450"]),
    ("Vitamin B12 1000 mcg J3420 monthly.", ["1000 mcg", "J3420"]),
    ("Tdap 90715 with admin 90471, Z23.", ["90715", "90471", "Z23"]),
    ("Box 24J rendering NPI, box 32 facility.", ["Box 24J", "box 32"]),
    ("Codes 11042 and 97597 on 5/6/2025.", ["11042", "97597", "5/6/2025"]),
    ("Patient declined the flu vaccine; 99213 only.", ["Patient declined", "99213"]),
    ("Patient New to the practice: 99203 or 99213?", ["99203", "99213"]),
    ("Member services said 99490 needs 20 minutes.", ["99490", "20 minutes"]),
    ("Call the payer at 800 hold line about 99214.", ["99214"]),
    ("DOS: 04/01/2025 units 4 of 96372.", ["04/01/2025", "96372"]),
    ("Dx codes J18.9, R09.02; CPT 94760.", ["J18.9", "R09.02", "94760"]),
    ("Total time 75 minutes on 2025-03-14, 99205 + 99417.", ["75 minutes", "2025-03-14", "99417"]),
    ("Two units of 97530 and one of 97112 at 8:30.", ["97530", "97112", "8:30"]),
    ("HCPCS A4253 x 100 test strips.", ["A4253 x 100"]),
    ("Ratio 1:1 staffing, 97153 x 16 units.", ["1:1", "97153 x 16 units"]),
    ("Modifier 25 on 99214 with 20610 on 02/14/2025.", ["25", "99214", "20610", "02/14/2025"]),
    ("Is 93880 bundled with 93886 on 10/10/2024?", ["93880", "93886", "10/10/2024"]),
    ("EKG 93000 interpretation 93010 only.", ["93000", "93010"]),
    ("Pt came back at 2 pm for 96374.", ["Pt came back", "96374"]),
    ("Client had 90837 then 90785 add-on.", ["Client had", "90837", "90785"]),
    ("Resident physician billed 99233 with GC.", ["99233", "GC"]),
    ("Patient Established for 3 years; 99214.", ["99214"]),
    ("Prior auth number not needed for 72148.", ["72148"]),
    ("Chart note says 99213; audit says 99214.", ["99213", "99214"]),
    ("Policy says 97110 needs KX after the cap.", ["97110", "KX"]),
    ("Group practice, place of service 11, 99213.", ["place of service 11"]),
    ("4 units 97110 = 60 minutes.", ["4 units", "60 minutes"]),
    ("Order 80053 and 85025 with 36415.", ["80053", "85025", "36415"]),
    ("Fracture care 27786 with 29515 splint.", ["27786", "29515"]),
    ("Eylea 2 mg J0178, 67028-RT.", ["2 mg", "J0178", "67028-RT"]),
    ("Code 99406 3-10 minutes of counselling.", ["99406", "3-10 minutes"]),
    ("Humira 40 mg/0.4 mL self-administered, not J0135.", ["40 mg/0.4 mL", "J0135"]),
    ("Rate 125 mL/hr hydration 96360.", ["125 mL/hr", "96360"]),
    ("Box 21 ICD indicator 0, A: E11.9 B: I10.", ["E11.9", "I10"]),
    ("Compare 99308 and 99309 for SNF.", ["99308", "99309"]),
    ("Modifier FS split/shared on 99233.", ["FS", "99233"]),
    ("Telehealth POS 10 with modifier 95 for 99214.", ["POS 10", "95", "99214"]),
    ("Patient Access line said 99213 is fine.", ["99213"]),
    ("The 2025 conversion factor is 32.3465.", ["32.3465"]),
    ("Bilateral 69210-50 on 7/22/2025.", ["69210-50", "7/22/2025"]),
    ("Prolia 60 mg every 6 months, J0897 x 60.", ["60 mg", "J0897 x 60"]),
    ("CMS-1500 line 1: 99213 25 1 unit $120.00.", ["99213", "$120.00"]),
    ("Version 2025.1 of the MUE file.", ["2025.1"]),
    ("Quarter 2025Q3 PTP edits.", ["2025Q3"]),
    ("Physician work 2.61 wRVU for 99215.", ["2.61", "99215"]),
]


# Free-form lines as they come in mail, each with its own identifiers: not rotated.
FREE: list[tuple[str, list[str], list[str]]] = [
    (
        "PATIENT: GARCIA, MARIA  DOB 04/04/1944  DOS 05/05/2025  99214",
        ["GARCIA, MARIA", "04/04/1944"],
        ["05/05/2025", "99214"],
    ),
    (
        "Spoke with the patient's daughter Angela Brooks about the 99497 time.",
        ["Angela Brooks"],
        ["99497"],
    ),
    (
        "pt is Tomasz Kowalczyk, 58, seen 2/2/25 for 99213",
        ["Tomasz Kowalczyk"],
        ["2/2/25", "99213"],
    ),
    ("Re: claim for Mrs. Abernathy-Cole, 27130-RT", ["Abernathy-Cole"], ["27130-RT"]),
    (
        "Patient Name: Oduya, Samuel K.\nMRN 0044-221\nCPT 43239",
        ["Oduya, Samuel", "0044-221"],
        ["43239"],
    ),
    (
        "beneficiary: Harriet Vance, Medicare ID 7TY9-KM2-WQ41",
        ["Harriet Vance", "7TY9-KM2-WQ41"],
        [],
    ),
    ("The MBI on file, 4RD6AJ3HP29, was rejected for 99214.", ["4RD6AJ3HP29"], ["99214"]),
    ("medicare # 8KX2PN5YT73 - G0438 denied", ["8KX2PN5YT73"], ["G0438"]),
    ("dob 12-25-1933, 99309 in the SNF, age 91", ["12-25-1933", "91"], ["99309"]),
    ("Pt DOB: 1/1/1960 | Ph: 312-555-0147 | 96372 x1", ["1/1/1960", "312-555-0147"], ["96372"]),
    (
        "Mobile 415 555 0199, office fax 415-555-0100; 20610 twice?",
        ["415 555 0199", "415-555-0100"],
        ["20610"],
    ),
    (
        "Send records to dr.jones.office@clinic.example and bill 99358.",
        ["dr.jones.office@clinic.example"],
        ["99358"],
    ),
    (
        "He lives at 1428 Elm Street, Springwood, OH 44101-2250 (home visit 99348).",
        ["1428 Elm Street", "44101-2250"],
        ["99348"],
    ),
    (
        "Address 55 Cedar Lane Apt 2, zip 30301-1122; 99509",
        ["55 Cedar Lane", "30301-1122"],
        ["99509"],
    ),
    ("Insurance: BCBS, member # ZGP812345678, group 77821; 81002", ["ZGP812345678"], ["81002"]),
    ("Aetna policy no. 1002003004 for the 93306.", ["1002003004"], ["93306"]),
    (
        "Acct: 7788123 / MRN: H-2231-77 / 71046 and 71047?",
        ["7788123", "H-2231-77"],
        ["71046", "71047"],
    ),
    ("SS# 219-09-9999 appears on the referral for 99204.", ["219-09-9999"], ["99204"]),
    ("HICN 012-34-5678A (pre-2020 card), 99397", ["012-34-5678A"], ["99397"]),
    ("Our patient Mr. Ito, 96 years old, had 99223.", ["Ito", "96"], ["99223"]),
    (
        "Patient Jean-Luc Moreau had 67028-LT with J0178 2 mg.",
        ["Jean-Luc Moreau"],
        ["67028-LT", "J0178", "2 mg"],
    ),
    (
        "patient named Siobhan O'Sullivan, 99215 with G2211",
        ["Siobhan O'Sullivan"],
        ["99215", "G2211"],
    ),
    (
        "for patient DeShawn McAllister (DOB 2/29/1952) on 3/3/2025",
        ["DeShawn McAllister", "2/29/1952"],
        ["3/3/2025"],
    ),
    ("Subject: 96521 for patient Nora Lindqvist - refill pump", ["Nora Lindqvist"], ["96521"]),
    (
        "Born March 3, 1941. 99213 and 96372 on 06/30/2025.",
        ["March 3, 1941"],
        ["99213", "96372", "06/30/2025"],
    ),
    ("birthdate: 1939-07-14; 99308; Z74.09", ["1939-07-14"], ["99308", "Z74.09"]),
    ("Claim # 20250610-0042 denied 97110 GP.", ["20250610-0042"], ["97110", "GP"]),
    ("Medicaid ID: 31-775-0021; 99392 well child", ["31-775-0021"], ["99392"]),
    ("mrn 556677, dos 01/09/2025, 29881-RT", ["556677"], ["01/09/2025", "29881-RT"]),
    (
        "Pt: Liang, Mei; D.O.B. 9/9/1970; 99204-25, 11102",
        ["Liang, Mei", "9/9/1970"],
        ["99204-25", "11102"],
    ),
    (
        "Mrs Chen's phone is (646) 555-0123 for the 99442 call.",
        ["Chen", "(646) 555-0123"],
        ["99442"],
    ),
    ("pt. Carlos Mendes, ph 305.555.0142, 90837", ["Carlos Mendes", "305.555.0142"], ["90837"]),
    (
        "member Olusegun Bello had 45380 and 45385 on 4/4/2025",
        ["Olusegun Bello"],
        ["45380", "45385", "4/4/2025"],
    ),
    ("Wife: Greta Sorensen (caregiver) asked about 99497.", ["Greta Sorensen"], ["99497"]),
    ("The 101-year-old resident had 99310.", ["101"], ["99310"]),
    (
        "Ms. Fitzgerald-Ryan, DOB 10/31/1955, F: 212-555-0190, 77067",
        ["Fitzgerald-Ryan", "10/31/1955", "212-555-0190"],
        ["77067"],
    ),
    ("Contact 1 (800) 555-0175 ext. 12 about 99214.", ["(800) 555-0175"], ["99214"]),
    ("P.O. Box 4417, Tulsa, OK 74159-4417; 99345", ["P.O. Box 4417", "74159-4417"], ["99345"]),
    ("Patient ID# 88-1122-Q; 36415, 80053.", ["88-1122-Q"], ["36415", "80053"]),
    ("RRB number A123456789 for the 99213", ["A123456789"], ["99213"]),
]


def _cycle(values: list[str]) -> itertools.cycle[str]:
    return itertools.cycle(values)


def build() -> list[dict[str, object]]:
    """Every snippet, PHI frames filled three times with rotating values, then traps."""
    pools = {
        "name": _cycle(NAMES),
        "last_first": _cycle(LAST_FIRST),
        "surname": _cycle(SURNAMES),
        "title": _cycle(["Mr.", "Mrs.", "Ms.", "Mr"]),
        "dob": _cycle(DOBS),
        "mbi": _cycle(MBIS),
        "hicn": _cycle(HICNS),
        "ssn": _cycle(SSNS),
        "phone": _cycle(PHONES),
        "fax": _cycle(FAXES),
        "email": _cycle(EMAILS),
        "address": _cycle(ADDRESSES),
        "zip4": _cycle(ZIP4S),
        "age90": _cycle(["92", "96", "101", "90", "104"]),
    }
    records = itertools.cycle(RECORDS)
    snippets: list[dict[str, object]] = []
    for round_ in range(5):
        for frame, keep in FRAMES:
            values = {slot: next(pool) for slot, pool in pools.items() if "{" + slot + "}" in frame}
            phi = [values[s] for s in values if s != "title"]
            if "{record}" in frame:
                label, number = next(records)
                values["record"], values["record_value"] = label, number
                phi.append(number)
            text = frame.format(**values)
            phi += _fixed_phi(text)
            snippets.append(
                {"text": text, "phi": phi, "keep": keep, "kind": "phi", "round": round_}
            )
    for text, phi_items, keep in FREE:
        snippets.append({"text": text, "phi": phi_items, "keep": keep, "kind": "free"})
    for text, keep in TRAPS:
        snippets.append({"text": text, "phi": [], "keep": keep, "kind": "trap"})
    return snippets


def _fixed_phi(text: str) -> list[str]:
    """Identifiers written literally into a frame (not from a pool)."""
    fixed = ["XQ55566677", "44821", "PL-77102", "100234455"]
    return [value for value in fixed if value in text]


def main() -> None:
    rows = build()
    OUT.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows))
    print(f"{len(rows)} snippets ({sum(r['kind'] == 'phi' for r in rows)} with PHI) -> {OUT}")


if __name__ == "__main__":
    main()
