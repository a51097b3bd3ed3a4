"""percolator: tracked domains, URL maps and lists, fetch cache, DOI checks, landing evidence

Revision ID: 98a1b2523c5b
Revises: fc40b9c80f79
Create Date: 2026-11-21 11:13:44.100938
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "98a1b2523c5b"
down_revision: str | Sequence[str] | None = "fc40b9c80f79"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "doi_checks",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("doi", sa.String(length=1024), nullable=False),
        sa.Column("registered", sa.Boolean(), nullable=True),
        sa.Column("status", sa.Integer(), nullable=True),
        sa.Column("resolver_url", sa.Text(), nullable=True),
        sa.Column("checked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_doi_checks")),
        sa.UniqueConstraint("doi", name=op.f("uq_doi_checks_doi")),
    )
    with op.batch_alter_table("doi_checks", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_doi_checks_expires_at"), ["expires_at"], unique=False)

    op.create_table(
        "tracked_domains",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("domain", sa.String(length=255), nullable=False),
        sa.Column("follow_links", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tracked_domains")),
        sa.UniqueConstraint("domain", name=op.f("uq_tracked_domains_domain")),
    )
    op.create_table(
        "domain_url_maps",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("domain_id", sa.Integer(), nullable=False),
        sa.Column("pattern", sa.String(length=1024), nullable=False),
        sa.Column("scheme", sa.String(length=32), nullable=False),
        sa.Column("template", sa.String(length=1024), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["domain_id"],
            ["tracked_domains.id"],
            name=op.f("fk_domain_url_maps_domain_id_tracked_domains"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_domain_url_maps")),
        sa.UniqueConstraint(
            "domain_id",
            "pattern",
            "scheme",
            "template",
            name=op.f("uq_domain_url_maps_domain_id_pattern_scheme_template"),
        ),
    )
    op.create_table(
        "domain_urls",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("domain_id", sa.Integer(), nullable=False),
        sa.Column("url_hash", sa.String(length=64), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("scheme", sa.String(length=32), nullable=False),
        sa.Column("value", sa.String(length=1024), nullable=False),
        sa.Column("origin", sa.Text(), nullable=True),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["domain_id"],
            ["tracked_domains.id"],
            name=op.f("fk_domain_urls_domain_id_tracked_domains"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_domain_urls")),
        sa.UniqueConstraint("url_hash", name=op.f("uq_domain_urls_url_hash")),
    )
    with op.batch_alter_table("domain_urls", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_domain_urls_domain_id"), ["domain_id"], unique=False)

    op.create_table(
        "fetch_cache",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("status", sa.Integer(), nullable=True),
        sa.Column("final_url", sa.Text(), nullable=True),
        sa.Column("reason_code", sa.String(length=64), nullable=True),
        sa.Column("summary", sa.JSON(), nullable=False),
        sa.Column(
            "evidence_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("fetched_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["evidence_id"],
            ["evidence.id"],
            name=op.f("fk_fetch_cache_evidence_id_evidence"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fetch_cache")),
        sa.UniqueConstraint("key_hash", name=op.f("uq_fetch_cache_key_hash")),
    )
    with op.batch_alter_table("fetch_cache", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_fetch_cache_evidence_id"), ["evidence_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_fetch_cache_expires_at"), ["expires_at"], unique=False)

    with op.batch_alter_table("mentions", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "landing_evidence_id",
                sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
                nullable=True,
            )
        )
        batch_op.create_index(
            batch_op.f("ix_mentions_landing_evidence_id"), ["landing_evidence_id"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_mentions_landing_evidence_id_evidence"),
            "evidence",
            ["landing_evidence_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    with op.batch_alter_table("mentions", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_mentions_landing_evidence_id_evidence"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_mentions_landing_evidence_id"))
        batch_op.drop_column("landing_evidence_id")

    with op.batch_alter_table("fetch_cache", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_fetch_cache_expires_at"))
        batch_op.drop_index(batch_op.f("ix_fetch_cache_evidence_id"))

    op.drop_table("fetch_cache")
    with op.batch_alter_table("domain_urls", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_domain_urls_domain_id"))

    op.drop_table("domain_urls")
    op.drop_table("domain_url_maps")
    op.drop_table("tracked_domains")
    with op.batch_alter_table("doi_checks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_doi_checks_expires_at"))

    op.drop_table("doi_checks")
