"""The search index: typos corrected only in words it does not know, words written apart
joined where our lay terms have them as one, and ranking by the words that remain."""

from __future__ import annotations

from consultant.codes.search import CodeIndex, tokens


def _index() -> CodeIndex:
    index = CodeIndex()
    notes = [
        ("20610", "Injection of a major joint", ["knee injection", "shoulder injection"]),
        ("20605", "Injection of an intermediate joint", ["wrist injection"]),
        ("45380", "Colonoscopy with biopsy", ["colonoscopy biopsy"]),
        ("69210", "Removal of impacted cerumen with instruments", ["earwax removal"]),
        ("10060", "Incision and drainage of an abscess", ["abscess drainage"]),
        ("94010", "Spirometry", ["spirometry", "breathing test"]),
    ]
    for code, title, synonyms in notes:
        phrases = tuple(frozenset(tokens(s)) for s in synonyms)
        for word in set().union(*phrases):
            index.note_df[word] += 1
        index.add(code, "CPT", title, [(title, 3.0), (" ".join(synonyms), 3.0)], phrases)
    index.add("L0000", "CPT", "Ulcer of the lower leg", [("Ulcer of the lower leg", 1.5)])
    return index


def test_a_misspelled_word_is_read_as_the_indexed_word_it_stands_for() -> None:
    index = _index()
    assert index.correct("colonscopy") == "colonoscopy"  # one letter left out
    assert index.correct("spirometeri") == "spirometry"  # two edits in a long word
    assert index.correct(tokens("absess")[0]) == tokens("abscess")[0]  # stems compared
    hits = index.search("colonscopy with biopsys")
    assert hits[0].code == "45380" and hits[0].phrase
    assert index.search("incision and drainge of an absess")[0].code == "10060"


def test_known_and_short_words_are_never_corrected() -> None:
    index = _index()
    assert index.correct("ulcer") == "ulcer"
    assert index.correct("knee") == "knee"
    # Too short to guess: a four-letter unknown word is left out, not "corrected".
    assert index.correct("kne") is None
    assert index.correct("wrsit") == "wrist"  # a transposition is one edit
    assert index.correct("zebra") is None


def test_words_written_apart_are_joined_into_a_lay_term_word() -> None:
    index = _index()
    assert "earwax" in index.query_tokens("removed impacted ear wax with a curette")
    hit = index.search("removed the ear wax with a curette")[0]
    assert hit.code == "69210" and hit.phrase
    # Joined only into words of our lay terms, never into a descriptor's abbreviation.
    index.add("X0001", "CPT", "Wound therapy over 50 sqcm", [("Wound therapy over 50 sqcm", 1.5)])
    assert "sqcm" not in index.query_tokens("wound 40 sq cm")


def test_the_index_rebuilds_its_vocabulary_when_words_are_added() -> None:
    index = _index()
    assert index.correct("pessaryy") is None
    index.add("57160", "CPT", "Fitting of a pessary", [("Fitting of a pessary", 3.0)])
    assert index.correct("pessaryy") == "pessary"


def test_a_dose_written_without_its_space_is_a_number_and_a_unit() -> None:
    """'depo-medrol 80mg' names the drug as 'depo-medrol 80 mg' does."""
    assert tokens("depo-medrol 80mg") == tokens("depo-medrol 80 mg")
    assert tokens("zofran 4mg, 500ml NS")[-3:] == tokens("zofran 4 mg, 500 ml NS")[-3:]
    assert "b12" in tokens("b12 shot")  # letters before the number are no dose


def test_f_slash_u_is_a_follow_up_not_fluorouracil() -> None:
    """ "COPD f/u": its letters joined once read as 5-FU and found a chemotherapy pump."""
    from consultant.codes.search import _pairs, tokens

    assert "fu" not in tokens("COPD f/u") and "fu" not in _pairs("COPD f/u")
    assert "fu" in tokens("5-FU infusion")


def test_d_slash_c_is_a_discharge_not_a_d_and_c() -> None:
    """ "Wrote the d/c summary": a discharge (it had found dilation and curettage, 58120,
    whose lay term is "D&C")."""
    from consultant.codes.search import tokens

    assert "c" not in tokens("wrote the d/c summary") and "c" not in tokens("d/c'd home")
    assert tokens("d/c summary")[:1] == tokens("discharge")


def test_the_process_keeps_a_few_indexes_and_shares_one_for_the_same_data(tmp_path) -> None:
    # Bug: every database a process had opened kept its own index for good; a test run
    # opens hundreds of databases and grew by gigabytes, building the same index each time.
    from consultant.codes import search
    from consultant.codes.knowledge import load_bundled_knowledge
    from consultant.db import engine_for, session_factory
    from consultant.migrate import upgrade

    indexes = []
    for n in range(search._KEEP + 2):
        url = f"sqlite:///{tmp_path / f'db{n}.sqlite'}"
        upgrade(url)
        with session_factory(engine_for(url))() as s:
            if n:  # the first database holds no notes: other data, another index
                load_bundled_knowledge(s)
                s.commit()
            indexes.append(search.index_for(s))
        engine_for(url).dispose()
    assert len(search._cache) <= search._KEEP
    assert indexes[1] is indexes[2] is indexes[3]
    assert indexes[0] is not indexes[1]


def test_well_the_adverb_is_no_well_visit() -> None:
    """ "Tolerated well" beside "a sick visit" had found a preventive visit (99397)."""
    from consultant.codes.search import tokens

    assert "well" not in tokens("Tolerated well. Scheduled as a sick visit")
    assert "well" in tokens("well visit for a 4 yo") and "well" in tokens("well child check")
