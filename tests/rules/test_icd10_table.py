"""The compact ICD-10-CM table answers every question exactly as simple-icd-10-cm does, for
every code of the tabular list the product ships, without importing the package (whose import
parses the whole list into objects: the memory the table saves)."""

from __future__ import annotations

import io
import subprocess
import sys
import warnings

import pytest

from consultant.rules.icd10_table import UnknownCode, read_table, table


def test_the_worker_does_not_import_the_package() -> None:
    script = (
        "import sys\n"
        "from consultant.rules.icd10_table import table\n"
        "import workers.tasks\n"  # what the worker imports before it builds and forks
        "from consultant.drafting import diagnoses\n"
        "assert table().is_leaf('J02.9')\n"
        "print('simple_icd_10_cm' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_every_code_answers_as_the_package() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import simple_icd_10_cm as icd
        from simple_icd_10_cm import simple_icd_10_cm as module
    t = table()
    assert t.get_all_codes() == icd.get_all_codes(True)
    assert t.get_all_codes(False) == icd.get_all_codes(False)
    assert set(t.rows) == set(module._code_to_node)
    differ = []
    for name in t.rows:
        for code in {name, name.replace(".", "")}:
            assert t.is_valid_item(code) == icd.is_valid_item(code), code
            if not icd.is_valid_item(code):
                continue
            pairs = [
                (t.get_description(code), icd.get_description(code)),
                (t.is_leaf(code), icd.is_leaf(code)),
                (t.get_children(code), icd.get_children(code)),
                (t.get_parent(code), icd.get_parent(code)),
                (t.get_ancestors(code), icd.get_ancestors(code)),
                (t.get_descendants(code), icd.get_descendants(code)),
                (t.is_chapter_or_block(code), icd.is_chapter_or_block(code)),
                (t.is_extended_subcategory(code), icd.is_extended_subcategory(code)),
                (t.is_category(code), icd.is_category(code)),
                (t.get_excludes1(code), icd.get_excludes1(code)),
                (t.get_excludes2(code), icd.get_excludes2(code)),
                (t.get_includes(code), icd.get_includes(code)),
                (t.get_inclusion_term(code), icd.get_inclusion_term(code)),
            ]
            for up in (False, True):
                pairs += [
                    (t.get_seven_chr_def(code, up), icd.get_seven_chr_def(code, up)),
                    (t.get_seven_chr_note(code, up), icd.get_seven_chr_note(code, up)),
                    (t.get_use_additional_code(code, up), icd.get_use_additional_code(code, up)),
                    (t.get_code_first(code, up), icd.get_code_first(code, up)),
                    (t.get_code_also(code, up), icd.get_code_also(code, up)),
                    (t.get_notes(code, up), icd.get_notes(code, up)),
                ]
            differ += [(code, i, ours) for i, (ours, theirs) in enumerate(pairs) if ours != theirs]
    assert differ == []
    for odd in ("", "A", "a00", "A00.", "e1122", "E1122", "S52521A", "1", "A00-A09", "A00..0"):
        assert t.is_valid_item(odd) == icd.is_valid_item(odd), odd


# A tabular list in small: a section of one category named as the category, a seventh
# character defined on a category and inherited by its leaves (placeholder X, and only the
# codes the code list has), notes inherited from an ancestor.
SMALL = b"""<?xml version="1.0" encoding="utf-8"?>
<ICD10CM.tabular><version>2026</version><introduction/>
<chapter><name>1</name><desc>Chapter one</desc>
  <section id="B99"><desc>Other infectious diseases</desc>
    <diag><name>B99</name><desc>Other infectious disease</desc></diag>
  </section>
  <section id="S52-S52"><desc>Injuries</desc>
    <diag><name>S52</name><desc>Fracture of forearm</desc>
      <codeFirst><note>any wound</note></codeFirst>
      <sevenChrDef><extension char="A">initial</extension><extension char="D">subsequent</extension>
        <note>for closed fracture</note></sevenChrDef>
      <diag><name>S52.5</name><desc>Fracture of lower end of radius</desc>
        <excludes1><note>physeal fractures (S59.2-)</note></excludes1>
      </diag>
    </diag>
  </section>
</chapter></ICD10CM.tabular>"""


def test_a_small_tabular_list() -> None:
    t = read_table(io.BytesIO(SMALL), "B99\nS52\nS52.5XXA\nS52.5XXD\n")
    assert t.get_all_codes() == [
        "1",
        "B99",
        "B99",
        "S52-S52",
        "S52",
        "S52.5",
        "S52.5XXA",
        "S52.5XXD",
    ]
    assert t.is_chapter_or_block("B99") and t.is_category("B99") and t.is_leaf("B99")
    assert t.get_children("S52.5") == ["S52.5XXA", "S52.5XXD"]
    assert t.get_description("S525XXD") == (
        "Fracture of lower end of radius, subsequent/for closed fracture"
    )
    assert t.is_extended_subcategory("S52.5XXA") and not t.is_leaf("S52.5")
    assert t.get_seven_chr_def("S52.5") == {}
    assert t.get_seven_chr_def("S52.5", search_in_ancestors=True)["A"] == "initial"
    assert t.get_code_first("S52.5XXA", search_in_ancestors=True) == "any wound"
    assert t.get_excludes1("S52.5") == ["physeal fractures (S59.2-)"]
    assert t.get_ancestors("S52.5XXA") == ["S52.5", "S52", "S52-S52", "1"]
    assert t.get_descendants("S52") == ["S52.5", "S52.5XXA", "S52.5XXD"]
    with pytest.raises(UnknownCode):
        t.get_children("S52.6")


def test_words_after_and_other_widen_a_title_and_are_not_extra() -> None:
    """ "Rash and other nonspecific skin eruption" is the code for a rash, not "Diaper rash"."""
    from consultant.drafting.diagnoses import _search

    assert _search("rash", "rash", "", "") == (1.0, "R21", 0)


def test_the_rarer_word_decides_between_partial_matches() -> None:
    """ "Colles" says more than "wrist": S52.53 over S62.10 (Fracture of wrist NOS)."""
    from consultant.drafting.diagnoses import _search

    found = _search("wrist colles fracture", "wrist colles fracture right", "right", "")
    assert found is not None and found[1].startswith("S52.53")


def test_pregnancy_and_perinatal_codes_need_such_a_patient() -> None:
    """I.C.15.a and I.C.16.a: "venous" is not a puerperal complication (O87.9); a title
    naming two conditions is about either ("Hypo-osmolality and hyponatremia")."""
    from consultant.drafting.diagnoses import _search

    assert _search("venous", "venous", "", "") != (1.0, "O87.9", 2)
    assert _search("hyponatremia", "hyponatremia", "", "")[1] == "E87.1"  # type: ignore[index]
    assert (
        _search("vaccine", "vaccine", "", "") is None
    )  # not "Allergy status to serum and vaccine"
