"""Title matching: labelled positives and hard negatives (precision first)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from altscope.percolate.titles import (
    TitleIndex,
    TitleMatch,
    TitleSkip,
    TrackedTitle,
    normalize_title,
    surname,
    title_tokens,
)

GLACIER = TrackedTitle.build(
    1,
    "Rapid Thinning of Alpine Glaciers Since the Little Ice Age",
    authors=["Ana Müller", "Kowalski, Piotr"],
    journals=["Journal of Glaciology"],
    issns=["0022-1430"],
    published=date(2024, 3, 1),
)
MICROBIOME = TrackedTitle.build(
    2,
    "Gut microbiome composition predicts response to immunotherapy in melanoma",
    authors=["Sofia Ortega"],
    journals=["Nature Medicine"],
    published=date(2024, 2, 20),
)
# Hard negatives: a generic short title, and two outputs sharing one title.
INTRODUCTION = TrackedTitle.build(3, "Introduction", authors=["Lee Brown"], journals=["Nature"])
TWIN_A = TrackedTitle.build(
    4, "Annual report of the coastal monitoring programme", authors=["Jane Doe"]
)
TWIN_B = TrackedTitle.build(
    5, "Annual Report of the Coastal Monitoring Programme", authors=["Max Roe"]
)
UNDATED = TrackedTitle.build(
    6, "Ocean acidification alters larval settlement of reef corals", authors=["Ida Berg"]
)


@pytest.fixture
def index() -> TitleIndex:
    return TitleIndex([GLACIER, MICROBIOME, INTRODUCTION, TWIN_A, TWIN_B, UNDATED])


def test_normalisation_folds_case_punctuation_diacritics_and_stop_words() -> None:
    assert normalize_title("The Évolution of X-Rays: a Study!") == "evolution x rays study"
    assert normalize_title("THE EVOLUTION OF X RAYS — A STUDY") == "evolution x rays study"
    assert title_tokens("Straße") == ("strasse",)
    assert surname("Kowalski, Piotr") == "kowalski"
    assert surname("Ana Müller") == "muller"
    assert surname("") is None


def test_too_short_titles_are_not_indexed(index: TitleIndex) -> None:
    assert len(index) == 5  # "Introduction" is not specific enough
    found = index.match_metadata("Introduction", authors=["Lee Brown"], journal="Nature")
    assert isinstance(found, TitleSkip) and found.reason == "title-too-short"


# --- metadata (landing pages) -------------------------------------------------------------


def test_metadata_exact_title_with_author(index: TitleIndex) -> None:
    found = index.match_metadata(
        "Rapid thinning of alpine glaciers since the Little Ice Age",
        authors=["P. Kowalski"],
    )
    assert isinstance(found, TitleMatch)
    assert found.output_id == 1
    assert found.corroboration == ("author kowalski",)
    assert found.similarity == 1.0


def test_metadata_journal_or_issn_corroborates(index: TitleIndex) -> None:
    by_journal = index.match_metadata(GLACIER.title, journal="Journal of Glaciology")
    assert isinstance(by_journal, TitleMatch) and by_journal.output_id == 1
    by_issn = index.match_metadata(GLACIER.title, issns=["0022-1430"])
    assert isinstance(by_issn, TitleMatch) and by_issn.corroboration == ("issn 0022-1430",)


def test_metadata_near_exact_title(index: TitleIndex) -> None:
    found = index.match_metadata(
        "Gut microbiome composition predicts responses to immunotherapy in melanoma",
        authors=["S. Ortega"],
    )
    assert isinstance(found, TitleMatch)
    assert found.output_id == 2
    assert 0.95 <= found.similarity < 1.0


def test_metadata_without_corroboration_is_refused(index: TitleIndex) -> None:
    found = index.match_metadata(GLACIER.title, authors=["Someone Else"], journal="Other Journal")
    assert isinstance(found, TitleSkip) and found.reason == "title-uncorroborated"


def test_metadata_shared_title_is_ambiguous(index: TitleIndex) -> None:
    found = index.match_metadata(TWIN_A.title, authors=["Jane Doe"])
    assert isinstance(found, TitleSkip) and found.reason == "title-ambiguous"
    assert "4, 5" in found.detail


def test_metadata_different_title_is_no_match(index: TitleIndex) -> None:
    assert index.match_metadata("Rapid thinning of Andean glaciers", authors=["Kowalski"]) is None
    assert index.match_metadata(None) is None


def test_window_limits_to_recent_outputs(index: TitleIndex) -> None:
    inside = index.match_metadata(
        GLACIER.title, authors=["Kowalski"], at=datetime(2024, 4, 1, tzinfo=UTC), window_days=45
    )
    assert isinstance(inside, TitleMatch)
    outside = index.match_metadata(
        GLACIER.title, authors=["Kowalski"], at=datetime(2024, 6, 1, tzinfo=UTC), window_days=45
    )
    assert isinstance(outside, TitleSkip) and outside.reason == "title-outside-window"
    undated = index.match_metadata(
        UNDATED.title, authors=["Ida Berg"], at=date(2024, 6, 1), window_days=45
    )
    assert isinstance(undated, TitleSkip) and undated.reason == "title-outside-window"


# --- free text (news stories) ---------------------------------------------------------------


def test_text_with_title_and_author(index: TitleIndex) -> None:
    story = (
        "Scientists led by Ana Müller report in a new paper, “Rapid thinning of Alpine glaciers "
        "since the Little Ice Age”, that ice loss has accelerated."
    )
    outcome = index.find_in_text(story)
    assert [m.output_id for m in outcome.matches] == [1]
    assert outcome.matches[0].corroboration == ("author muller",)


def test_text_with_title_and_journal(index: TitleIndex) -> None:
    story = (
        "Writing in Nature Medicine, the team shows that gut microbiome composition predicts "
        "response to immunotherapy in melanoma patients."
    )
    outcome = index.find_in_text(story)
    assert [m.output_id for m in outcome.matches] == [2]
    assert outcome.matches[0].corroboration == ("journal nature medicine",)


def test_text_title_alone_is_not_enough(index: TitleIndex) -> None:
    outcome = index.find_in_text(
        "Gut microbiome composition predicts response to immunotherapy in melanoma, says a study."
    )
    assert outcome.matches == []
    assert [s.reason for s in outcome.skipped] == ["title-uncorroborated"]


def test_text_surname_inside_the_title_does_not_corroborate() -> None:
    darwin = TrackedTitle.build(
        9, "Darwin finches adapt beak size to drought years", authors=["C. Darwin"]
    )
    outcome = TitleIndex([darwin]).find_in_text(
        "New: Darwin finches adapt beak size to drought years"
    )
    assert outcome.matches == []


def test_text_hard_negatives(index: TitleIndex) -> None:
    generic = index.find_in_text("Introduction. Lee Brown writes in Nature about many things.")
    assert generic.matches == [] and generic.skipped == []
    twins = index.find_in_text(
        "Jane Doe presented the annual report of the coastal monitoring programme today."
    )
    assert twins.matches == []
    assert [s.reason for s in twins.skipped] == ["title-ambiguous"]
    partial = index.find_in_text("Ana Müller on rapid thinning of alpine glaciers in summer")
    assert partial.matches == [] and partial.skipped == []


def test_text_window(index: TitleIndex) -> None:
    story = "Kowalski: rapid thinning of alpine glaciers since the Little Ice Age"
    assert index.find_in_text(story, at=date(2024, 3, 10), window_days=45).matches
    late = index.find_in_text(story, at=date(2025, 1, 1), window_days=45)
    assert late.matches == [] and late.skipped[0].reason == "title-outside-window"
