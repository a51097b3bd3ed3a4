"""``altscope rescore``, ``altscope explain`` and ``altscope rules``: the attention score."""

from __future__ import annotations

import json

import typer
from rich.table import Table
from sqlalchemy.orm import Session

from altscope.commands.common import (
    DatabaseUrlOption,
    console,
    database_errors,
    fail,
    open_database,
    progress_bar,
)
from altscope.config import get_settings
from altscope.ids import IdentifierError, parse
from altscope.store.db import transaction
from altscope.store.outputs import find_output
from altscope.store.schema import Output

VersionOption = typer.Option(
    None,
    "--version",
    help="Rules version (default: the configured one; see `altscope rules list`).",
    show_default=False,
)

rules_app = typer.Typer(
    help="Scoring rules versions: the shipped ones and those stored in the database.",
    no_args_is_help=True,
)


def register(app: typer.Typer) -> None:
    app.command("rescore")(rescore)
    app.command("explain")(explain)
    app.add_typer(rules_app, name="rules")


def _rules_errors():
    from altscope.scoring.rules import RulesError

    return RulesError


def rescore(
    version: str | None = VersionOption,
    database_url: str | None = DatabaseUrlOption,
) -> None:
    """Recompute every output's score, categories, history, context and flags."""
    from altscope.scoring import rescore as run

    url = database_url or get_settings().database_url
    with open_database(database_url) as engine, database_errors(url), progress_bar() as bar:
        task = bar.add_task("rescoring", total=None)

        def progress(stage: str, done: int, total: int) -> None:
            bar.update(task, description=stage, completed=done, total=total)

        try:
            report = run(engine, version, progress)
        except _rules_errors() as error:
            fail(str(error))
    console.print(
        f"Rescored {report.outputs} outputs ({report.scored} with a score above 0) from "
        f"{report.mentions} mentions under [bold]{report.version}[/] in {report.seconds:.2f} s; "
        f"{report.flagged} mentions flagged, {report.actors_updated} accounts' statistics "
        f"updated.",
        highlight=False,
    )
    timings = ", ".join(f"{name} {seconds:.2f} s" for name, seconds in report.stages.items())
    console.print(f"[dim]{timings}[/]", highlight=False)


def resolve_output(session: Session, text: str) -> Output:
    """The output named by an identifier (``doi:10.1/x``, ``10.1/x``, ``pmid:1``) or an id."""
    text = text.strip()
    bare = text.removeprefix("output:")
    if bare.isdigit():
        output = session.get(Output, int(bare))
        if output is None:
            fail(f"no output with id {bare}")
        return output
    try:
        identifier = parse(text)
    except IdentifierError as error:
        fail(f"{text!r} is neither an output id nor an identifier: {error}")
    output = find_output(session, identifier.scheme, identifier.value)
    if output is None:
        fail(f"no output is known by {identifier}")
    return output


def explain(
    identifier: str = typer.Argument(..., help="An identifier (doi:10.1/x, pmid:123) or id."),
    version: str | None = VersionOption,
    as_json: bool = typer.Option(False, "--json", help="Print the explanation as JSON."),
    database_url: str | None = DatabaseUrlOption,
) -> None:
    """Show where every point of an output's score comes from."""
    from altscope.scoring import explain as run

    url = database_url or get_settings().database_url
    with (
        open_database(database_url) as engine,
        database_errors(url),
        transaction(engine) as session,
    ):
        output = resolve_output(session, identifier)
        try:
            result = run(session, output.id, version)
        except _rules_errors() as error:
            fail(str(error))
    if as_json:
        print(json.dumps(result, indent=2, ensure_ascii=False))
        return
    _print_explanation(result)


def _print_explanation(result: dict) -> None:
    console.print(
        f"Output {result['output_id']}: score [bold]{result['display_score']}[/] "
        f"(unrounded {result['score']:g}) under {result['version']}, "
        f"{result['posts']} posts by {result['accounts']} accounts",
        highlight=False,
    )
    sources = Table("source", "rule", "posts", "accounts", "points", "shown as", title="Sources")
    for key, entry in result["sources"].items():
        sources.add_row(
            key,
            entry["rule"],
            str(entry["posts"]),
            str(entry["accounts"]),
            f"{entry['score']:g}",
            f"{entry['display']:g}",
        )
    console.print(sources)
    mentions = Table(
        "mention",
        "source",
        "account",
        "when",
        "weight",
        "modifiers",
        "points",
        "excluded",
        title="Mentions",
    )
    for c in result["contributions"]:
        modifiers = "; ".join(
            f"{m['name']} ×{m['factor']:g} ({m['reason']})" for m in c["modifiers"]
        )
        mentions.add_row(
            str(c["mention_id"]),
            c["source"],
            c["actor"] or "",
            (c["occurred_at"] or "")[:19],
            f"{c['base_weight']:g}",
            modifiers,
            f"{c['points']:g}",
            c["excluded"] or "",
        )
    console.print(mentions)
    for flag in result["flags"]:
        console.print(
            f"[yellow]flagged[/] {flag['kind']}: {flag['reason']} ({flag['mentions']} mentions, "
            f"{flag['points_excluded']:g} points excluded)",
            highlight=False,
        )


@rules_app.command("list")
def rules_list(database_url: str | None = DatabaseUrlOption) -> None:
    """List the rules versions: shipped, configured and stored in the database."""
    from altscope.scoring.rules import default_version, shipped_versions, stored_versions

    url = database_url or get_settings().database_url
    with (
        open_database(database_url) as engine,
        database_errors(url),
        transaction(engine) as session,
    ):
        stored = {r.version: r for r in stored_versions(session)}
    try:
        default = default_version()
    except _rules_errors() as error:
        fail(str(error))
    shipped = shipped_versions()
    user = get_settings().scoring_rules
    table = Table("version", "where", "stored", "sha256")
    for name in sorted(set(shipped) | set(stored) | {default}):
        where = []
        if name in shipped:
            where.append("shipped")
        if user is not None and name == default and name not in shipped:
            where.append(f"file {user}")
        row = stored.get(name)
        marker = " (default)" if name == default else ""
        table.add_row(
            f"{name}{marker}",
            ", ".join(where) or "database only",
            row.created_at.strftime("%Y-%m-%d %H:%M") if row else "no",
            row.sha256[:12] if row else "",
        )
    console.print(table)


@rules_app.command("show")
def rules_show(
    version: str | None = typer.Argument(None, help="Version (default: the configured one)."),
    database_url: str | None = DatabaseUrlOption,
) -> None:
    """Print the TOML text of a rules version."""
    from altscope.scoring.rules import get_rules

    url = database_url or get_settings().database_url
    with (
        open_database(database_url) as engine,
        database_errors(url),
        transaction(engine) as session,
    ):
        try:
            rules = get_rules(session, version, store=False)
        except _rules_errors() as error:
            fail(str(error))
    print(rules.text, end="" if rules.text.endswith("\n") else "\n")
