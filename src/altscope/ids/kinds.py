"""What an identifier names: a research output, or something else (a person, a journal ...)."""

from __future__ import annotations

from altscope.ids._types import Identifier

#: Schemes whose identifiers never name a research output, and what they name instead.
NOT_OUTPUTS = {
    "issn": "a journal (ISSN)",
    "orcid": "a person (ORCID)",
    "ror": "an organisation (ROR)",
    "wikidata": "a Wikidata item",
    "ean13": "a product (EAN-13 barcode)",
}
#: OpenAlex ids by their first letter; only works (W) are research outputs.
OPENALEX_ENTITIES = {
    "A": "an author",
    "S": "a source (journal or repository)",
    "I": "an institution",
    "C": "a concept",
    "P": "a publisher",
    "F": "a funder",
    "T": "a topic",
}


def not_an_output(identifier: Identifier) -> str | None:
    """What ``identifier`` names when that is not a research output; ``None`` when it is one."""
    if identifier.scheme == "openalex" and not identifier.value.startswith("W"):
        entity = OPENALEX_ENTITIES.get(identifier.value[:1], "an entity")
        return f"{entity} in OpenAlex"
    return NOT_OUTPUTS.get(identifier.scheme)
