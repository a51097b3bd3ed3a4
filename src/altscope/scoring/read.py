"""Reading scores: the stored rollup, a daily series, who is talking and from where."""

from __future__ import annotations

from typing import Any

from sqlalchemy import distinct, func, select
from sqlalchemy.orm import Session

from altscope.scoring.history import daily
from altscope.scoring.rollup import compute_one, source_table
from altscope.scoring.rules import default_version, get_rules
from altscope.store.merge import canonical
from altscope.store.schema import Actor, Mention, OutputScore
from altscope.store.types import utcnow


def get_score(session: Session, output_id: int, version: str | None = None) -> OutputScore | None:
    """The stored rollup of an output (merged ids follow to the survivor) under ``version``."""
    try:
        output = canonical(session, output_id)
    except LookupError:
        return None
    return session.get(OutputScore, (output.id, version or default_version()))


def daily_series(
    session: Session, output_id: int, version: str | None = None
) -> list[dict[str, Any]]:
    """Posts and points per UTC day and source (``day`` a date), oldest first.

    Computed from the mentions under ``version`` with the rescore's code, so the days add up
    to the output's score.
    """
    output = canonical(session, output_id)
    rules = get_rules(session, version)
    table = source_table(session, rules)
    computed = compute_one(session, output.id, rules, table, utcnow())
    return daily(computed.batch, computed.points, table.keys)


def demographics(session: Session, output_id: int) -> dict[str, dict[str, int]]:
    """Distinct accounts of an output's non-removed mentions by kind and by country.

    Accounts not classified yet count as ``unknown`` kind; accounts without a country are left
    out of ``countries``.
    """
    output = canonical(session, output_id)
    accounts = (
        select(Mention.actor_id)
        .where(
            Mention.output_id == output.id,
            Mention.removed_at.is_(None),
            Mention.actor_id.is_not(None),
        )
        .distinct()
        .subquery()
    )
    kind = func.coalesce(Actor.kind, "unknown")
    kinds = session.execute(
        select(kind, func.count(distinct(Actor.id)))
        .join(accounts, accounts.c.actor_id == Actor.id)
        .group_by(kind)
    ).all()
    countries = session.execute(
        select(Actor.country, func.count(distinct(Actor.id)))
        .join(accounts, accounts.c.actor_id == Actor.id)
        .where(Actor.country.is_not(None))
        .group_by(Actor.country)
    ).all()
    return {
        "kinds": {k: int(n) for k, n in sorted(kinds)},
        "countries": {c: int(n) for c, n in sorted(countries)},
    }
