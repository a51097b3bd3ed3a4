"""Plain identifier lists: one identifier per line, any scheme; ``#`` starts a comment."""

from __future__ import annotations

import re
from collections.abc import Iterator

from altscope.sources.importers.base import IdRef, ImportRecord

# A comment is a line starting with '#', or ' #' after the identifier (URLs keep their '#').
_INLINE_COMMENT = re.compile(r"\s+#.*$")


def read_identifier_list(text: str) -> Iterator[ImportRecord]:
    """One record per non-empty, non-comment line."""
    for number, line in enumerate(text.split("\n"), start=1):
        entry = _INLINE_COMMENT.sub("", line).strip()
        if not entry or entry.startswith("#"):
            continue
        yield ImportRecord(line=number, identifiers=[IdRef(entry)])
