"""Persistent identifiers: parse, validate, normalise, resolve, and find them in text.

Imports nothing else from altscope; Hyperscan, where installed, speeds up finding.
See docs/identifiers.md.
"""

from altscope.ids._types import Found, Identifier, IdentifierError
from altscope.ids.find import find_identifiers, find_identifiers_many
from altscope.ids.kinds import not_an_output
from altscope.ids.registry import SCHEMES, detect, is_valid, normalize, parse, resolver_url

__all__ = [
    "SCHEMES",
    "Found",
    "Identifier",
    "IdentifierError",
    "detect",
    "find_identifiers",
    "find_identifiers_many",
    "is_valid",
    "normalize",
    "not_an_output",
    "parse",
    "resolver_url",
]
