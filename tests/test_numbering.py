"""Missing numbers explained: each gap in a standard's question numbers or a domain's standard numbers says what
became of the number, worked out from the editions the library holds (generator/numbering.py)."""

from __future__ import annotations

from pathlib import Path

from generator import numbering
from generator.check import check
from generator.numbering import NEVER_REUSED, Unused

HERE = Path(__file__).parent
ROOT = HERE.parent


def test_the_small_editions_gaps_say_what_became_of_each_number() -> None:
    library, problems = check(HERE / "editions" / "small" / "standards")
    assert problems == []
    assert numbering.unused_numbers(library, library.editions["2031-32"]) == {
        "AL1": (Unused("AL1.3", last_edition="2030-31"),),
        "BE1": (Unused("BE1.2", ("BE1.3",), last_edition="2030-31"),),
    }
    assert numbering.notes(library, library.editions["2031-32"]) == {
        "AL1": f"AL1.3 was withdrawn after 2030-31. {NEVER_REUSED}",
        "BE1": f"BE1.2 is now asked as BE1.3. {NEVER_REUSED}",
    }
    assert numbering.unused_numbers(library, library.editions["2030-31"]) == {}  # the first edition has no gaps


def test_every_gap_of_the_default_edition_is_explained_from_its_history() -> None:
    library, _ = check(ROOT / "standards")
    edition = library.editions["2025-26"]
    unused = numbering.unused_numbers(library, edition)
    ids = {q.id for _, _, q in edition.questions()}
    for missing in unused.values():
        for gap in missing:
            assert gap.id not in ids
            assert all(s in ids for s in gap.successors)
    # a question split in two, a standard moved to another domain, a standard's questions asked elsewhere
    assert Unused("SG2.4", ("SG2.8", "SG2.9"), last_edition="2024-25") in unused["SG2"]
    training = unused["training-staffing"]
    assert [u.sentence() for u in training] == ["WF1 is in Recruitment and employment checks."]
    assert unused["governance"][0].sentence().startswith("What GL4 asked is now asked as CD3.")


def test_the_sentences() -> None:
    assert Unused("SE1.6", ("SE1.7",)).sentence() == "SE1.6 is now asked as SE1.7."
    assert Unused("CF2.2", ("CF2.5", "CF2.6", "CF2.7")).sentence() == "CF2.2 is now asked as CF2.5, CF2.6 and CF2.7."
    assert Unused("MED4", ("ME1.1",)).sentence() == "What MED4 asked is now asked as ME1.1."
    assert Unused("IPC2.4", last_edition="2024-25").sentence() == "IPC2.4 was withdrawn after 2024-25."
    assert Unused("WF1", elsewhere="Recruitment").sentence() == "WF1 is in Recruitment."
    assert Unused("REC1", others=("WF1",)).sentence() == "REC1 is not used: this domain's standards also include WF1."
    assert Unused("WF3.3").sentence() == "WF3.3 is not used."
    assert numbering.note([]) == ""


def test_every_medium_reads_the_notes_the_loader_worked_out() -> None:
    from markupsafe import escape

    from generator.forms import pdf

    library, _ = check(ROOT / "standards")
    edition = library.editions["2025-26"]
    assert edition.numbering == numbering.notes(library, edition) and edition.numbering
    assert library.editions["2024-25"].numbering == numbering.notes(library, library.editions["2024-25"])
    html = pdf.form_html(edition, None)  # the printed form, where a practice on paper sees the numbers
    for note in edition.numbering.values():
        assert f'<p class="numbering">{escape(note)}</p>' in html
