"""Explain a score: every point traced to the mention and the rule that gave it.

:func:`explain` recomputes the output with the same code as the rescore (so its numbers are the
stored ones, given the same data) and lists, per mention, the rule, the base weight, the
modifiers applied with their factors and reasons, the points, and why a mention that gave
nothing was excluded. Removed mentions are listed too (they never count).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from altscope.scoring.rollup import RowBuilder, compute_one, source_table
from altscope.scoring.rules import Rules, get_rules
from altscope.scoring.score import (
    COUNTED,
    DEPRECATED,
    FLAGGED,
    ONCE,
    REPEAT,
    STATUS_NAMES,
    UNWEIGHTED,
    SourceTable,
    factors,
)
from altscope.store.merge import canonical
from altscope.store.schema import Actor, Mention, Source
from altscope.store.types import utcnow


def source_rule(rules: Rules, table: SourceTable, src: int) -> str:
    """The rule a source's mentions score under, in words."""
    key, weight_key = table.keys[src], table.weight_keys[src]
    if table.deprecated[src]:
        return f"{key}: deprecated under {rules.version} (0 points)"
    if weight_key is None:
        return f"{key}: no weight key (0 points)"
    rule = rules.weights.get(weight_key)
    if rule is None:
        return f"{key}: weight key {weight_key!r} has no weight under {rules.version} (0 points)"
    how = {
        "per_mention": "per mention, one per account",
        "per_distinct": "per distinct account",
        "once": "once per output",
    }[rule.counting]
    tier = ", scaled by the outlet's reach tier" if rule.tiered else ""
    return f"weights.{weight_key}: {rule.weight:g} {how}{tier}"


def _modifiers(
    rules: Rules, table: SourceTable, src: int, tier: int, tf: float, pf: float, sf: float
) -> list[dict[str, Any]]:
    found = []
    if table.tiered[src]:
        label = f"tier {tier} outlet" if tier else "outlet of unknown reach"
        found.append({"name": "outlet_tier", "factor": tf, "reason": label})
    if pf != 1.0:
        p = rules.promiscuous.params
        found.append(
            {
                "name": "promiscuous",
                "factor": pf,
                "reason": (
                    f"the account mentioned more than {p['max_outputs']:g} outputs within "
                    f"one {p['window_hours']:g} h window"
                ),
            }
        )
    if sf != 1.0:
        p = rules.single_publisher.params
        found.append(
            {
                "name": "single_publisher",
                "factor": sf,
                "reason": (
                    f"at least {p['share']:.0%} of the account's outputs (>= "
                    f"{p['min_outputs']:g}) come from one publisher"
                ),
            }
        )
    return found


def _excluded(status: int, rules: Rules, table: SourceTable, src: int, label: Any) -> str | None:
    key = table.keys[src]
    if status == REPEAT:
        return f"repeat: this account already counted for this output on {key}"
    if status == ONCE:
        return f"{key} counts once per output"
    if status == FLAGGED:
        kind, reason = label
        return f"flagged ({kind}): {reason}"
    if status == DEPRECATED:
        return f"source {key} is deprecated under {rules.version}"
    if status == UNWEIGHTED:
        wk = table.weight_keys[src]
        return f"no weight for weight key {wk!r} under {rules.version}"
    return None


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.astimezone(UTC).isoformat()


def explain(
    session: Session, output_id: int, version: str | None = None, *, now: datetime | None = None
) -> dict[str, Any]:
    """The JSON-ready explanation of an output's score under ``version`` (see the module)."""
    output = canonical(session, output_id)
    rules = get_rules(session, version)
    table = source_table(session, rules)
    now = now or utcnow()
    computed = compute_one(session, output.id, rules, table, now)
    builder = RowBuilder(computed, table, 1)
    batch = computed.batch
    weight, tf, pf, sf = factors(batch, table, rules)
    details = {
        m.id: m for m in session.scalars(select(Mention).where(Mention.output_id == output.id))
    }
    actor_ids = {m.actor_id for m in details.values() if m.actor_id is not None}
    actors = (
        {a.id: a for a in session.scalars(select(Actor).where(Actor.id.in_(actor_ids)))}
        if actor_ids
        else {}
    )
    contributions = []
    for k in range(len(batch)):
        mention = details[int(batch.mention[k])]
        src, status = int(batch.source[k]), int(computed.status[k])
        label = batch.flag_labels[int(batch.flag[k])] if batch.flag[k] >= 0 else None
        counted = status == COUNTED
        contributions.append(
            {
                "mention_id": mention.id,
                "source": table.keys[src],
                "actor": _actor_label(actors.get(mention.actor_id)),
                "actor_id": mention.actor_id,
                "url": mention.url,
                "occurred_at": _iso(mention.occurred_at or mention.harvested_at),
                "rule": source_rule(rules, table, src),
                "status": STATUS_NAMES[status],
                "base_weight": float(weight[k]),
                "modifiers": (
                    _modifiers(
                        rules,
                        table,
                        src,
                        int(batch.tier[k]),
                        float(tf[k]),
                        float(pf[k]),
                        float(sf[k]),
                    )
                    if counted
                    else []
                ),
                "points": float(computed.points[k]),
                "excluded": _excluded(status, rules, table, src, label),
                "flag": None if label is None else {"kind": label[0], "reason": label[1]},
            }
        )
    source_ids = {int(i): j for j, i in enumerate(table.ids.tolist())}
    for mention in sorted(
        (m for m in details.values() if m.removed_at is not None), key=lambda m: m.id
    ):
        src = source_ids[mention.source_id]
        contributions.append(
            {
                "mention_id": mention.id,
                "source": table.keys[src],
                "actor": _actor_label(actors.get(mention.actor_id)),
                "actor_id": mention.actor_id,
                "url": mention.url,
                "occurred_at": _iso(mention.occurred_at or mention.harvested_at),
                "rule": source_rule(rules, table, src),
                "status": "removed",
                "base_weight": float(table.weight[src]),
                "modifiers": [],
                "points": 0.0,
                "excluded": f"removed at {_iso(mention.removed_at)}",
                "flag": None,
            }
        )
    sources = builder.sources(0)
    for key, entry in sources.items():
        src = table.keys.index(key)
        entry["weight_key"] = table.weight_keys[src]
        entry["rule"] = source_rule(rules, table, src)
        entry["display"] = 1.0 if 0 < entry["score"] < 1 else entry["score"]
    return {
        "output_id": output.id,
        "requested_id": output_id,
        "version": rules.version,
        "rules_sha256": rules.sha256,
        "computed_at": _iso(now),
        "score": builder.score[0],
        "display_score": builder.display[0],
        "posts": builder.posts[0],
        "accounts": builder.accounts[0],
        "sources": sources,
        "flags": builder.flag_list(0),
        "contributions": contributions,
        "excluded_points": float(np.sum([f["points_excluded"] for f in builder.flag_list(0)])),
    }


def _actor_label(actor: Actor | None) -> str | None:
    if actor is None:
        return None
    return actor.handle or actor.name or actor.native_id


def source_names(session: Session) -> dict[str, str]:
    """Source key → name (for displays)."""
    return {s.key: s.name for s in session.scalars(select(Source))}
