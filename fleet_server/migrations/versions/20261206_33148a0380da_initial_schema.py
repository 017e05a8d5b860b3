"""initial schema: every table as the releases before migrations made them with create_all

A database made by those releases (no alembic_version table) is adopted: its tables are checked
against this revision's and it is stamped here (fleet_server/migrations/adoption.py).

Reviewed against what create_all makes: constraints keep their unnamed form (PostgreSQL names them
table_column_key, table_column_fkey, table_pkey); enums store member names, as native types on
PostgreSQL (role and payee are each shared by two tables, created once) and as VARCHAR without a
CHECK on SQLite; JSON columns are JSON on both; no column has a server default (defaults are the
models'); times are DateTime(timezone=True), which the models' UTCDateTime stores.

Revision ID: 33148a0380da
Revises:
Create Date: 2026-12-06 11:27:00.733606
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "33148a0380da"
down_revision = None
branch_labels = None
depends_on = None

# The enum types this revision creates (PostgreSQL), dropped again by downgrade.
ENUM_TYPES = (
    "role",
    "incidenttype",
    "severity",
    "incidentstatus",
    "entrykind",
    "missionstatus",
    "mqttrole",
    "payee",
    "robotkind",
    "voucherstatus",
    "claimstatus",
    "clawbackreason",
    "clawbackstatus",
    "recovery",
)


def upgrade() -> None:
    op.create_table(
        "apikey",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column(
            "role",
            sa.Enum("ADMIN", "OPERATOR", "VIEWER", "SUBSIDY_OFFICER", "AUDITOR", name="role"),
            nullable=False,
        ),
        sa.Column("prefix", sa.String(), nullable=False),
        sa.Column("key_hash", sa.String(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_apikey_key_hash"), "apikey", ["key_hash"], unique=True)
    op.create_table(
        "auditentry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("time", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(), nullable=False),
        sa.Column("action", sa.String(), nullable=False),
        sa.Column("entity", sa.String(), nullable=False),
        sa.Column("entity_id", sa.String(), nullable=False),
        sa.Column("before", sa.JSON(), nullable=True),
        sa.Column("after", sa.JSON(), nullable=True),
        sa.Column("prev_hash", sa.String(), nullable=False),
        sa.Column("hash", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("hash"),
        sa.UniqueConstraint("prev_hash"),
    )
    op.create_index(op.f("ix_auditentry_actor"), "auditentry", ["actor"], unique=False)
    op.create_index(op.f("ix_auditentry_entity"), "auditentry", ["entity"], unique=False)
    op.create_index(op.f("ix_auditentry_entity_id"), "auditentry", ["entity_id"], unique=False)
    op.create_index(op.f("ix_auditentry_time"), "auditentry", ["time"], unique=False)
    op.create_table(
        "enterprise",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("uscc", sa.String(), nullable=False),
        sa.Column("registered_in_district", sa.Boolean(), nullable=False),
        sa.Column("blacklisted", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("uscc"),
    )
    op.create_table(
        "headercounter",
        sa.Column("serial_number", sa.String(length=64), nullable=False),
        sa.Column("subtopic", sa.String(length=32), nullable=False),
        sa.Column("reserved", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("serial_number", "subtopic"),
    )
    op.create_table(
        "incident",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "type",
            sa.Enum("STREET_VENDING", "LITTER", "CROWD", "OTHER", name="incidenttype"),
            nullable=False,
        ),
        sa.Column("site_id", sa.String(), nullable=False),
        sa.Column("x", sa.Float(), nullable=False),
        sa.Column("y", sa.Float(), nullable=False),
        sa.Column("node", sa.String(), nullable=False),
        sa.Column("severity", sa.Enum("LOW", "MEDIUM", "HIGH", name="severity"), nullable=False),
        sa.Column("source", sa.String(), nullable=False),
        sa.Column("description", sa.String(), nullable=False),
        sa.Column("text", sa.String(), nullable=True),
        sa.Column("text_en", sa.String(), nullable=True),
        sa.Column("reported_by", sa.String(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "OPEN", "DISPATCHED", "ON_SCENE", "RESOLVED", "ESCALATED", name="incidentstatus"
            ),
            nullable=False,
        ),
        sa.Column("reason", sa.String(), nullable=True),
        sa.Column("robot", sa.String(), nullable=True),
        sa.Column("mission_id", sa.Integer(), nullable=True),
        sa.Column("repeat_of", sa.JSON(), nullable=False),
        sa.Column("evidence", sa.JSON(), nullable=False),
        sa.Column("resolution", sa.String(), nullable=True),
        sa.Column("resolved_by", sa.String(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("dispatched_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("on_scene_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("escalated_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_incident_created_at"), "incident", ["created_at"], unique=False)
    op.create_index(op.f("ix_incident_site_id"), "incident", ["site_id"], unique=False)
    op.create_index(op.f("ix_incident_status"), "incident", ["status"], unique=False)
    op.create_index(op.f("ix_incident_type"), "incident", ["type"], unique=False)
    op.create_table(
        "institution",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("uscc", sa.String(), nullable=False),
        sa.Column("registered_in_district", sa.Boolean(), nullable=False),
        sa.Column("blacklisted", sa.Boolean(), nullable=False),
        sa.Column("catalogue", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("uscc"),
    )
    op.create_table(
        "logbookentry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("time", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "INCIDENT",
                "CHECKPOINT",
                "ANNOUNCEMENT",
                "UNEXPECTED_ORDER",
                "FLEET_CONTROL",
                name="entrykind",
            ),
            nullable=False,
        ),
        sa.Column("site_id", sa.String(), nullable=False),
        sa.Column("x", sa.Float(), nullable=True),
        sa.Column("y", sa.Float(), nullable=True),
        sa.Column("node", sa.String(), nullable=True),
        sa.Column("robot", sa.String(), nullable=True),
        sa.Column("mission_id", sa.Integer(), nullable=True),
        sa.Column("incident_id", sa.Integer(), nullable=True),
        sa.Column("actor", sa.String(), nullable=False),
        sa.Column("summary", sa.String(), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.Column("prev_hash", sa.String(), nullable=False),
        sa.Column("hash", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("hash"),
    )
    op.create_index(
        op.f("ix_logbookentry_incident_id"), "logbookentry", ["incident_id"], unique=False
    )
    op.create_index(op.f("ix_logbookentry_kind"), "logbookentry", ["kind"], unique=False)
    op.create_index(op.f("ix_logbookentry_site_id"), "logbookentry", ["site_id"], unique=False)
    op.create_index(op.f("ix_logbookentry_time"), "logbookentry", ["time"], unique=False)
    op.create_table(
        "mission",
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("site_id", sa.String(), nullable=False),
        sa.Column("route", sa.JSON(), nullable=False),
        sa.Column("rounds", sa.Integer(), nullable=False),
        sa.Column("requested_robot", sa.String(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "QUEUED",
                "ASSIGNED",
                "RUNNING",
                "PAUSED",
                "CHARGING",
                "COMPLETED",
                "FAILED",
                "CANCELLED",
                name="missionstatus",
            ),
            nullable=False,
        ),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.Column("definition", sa.JSON(), nullable=False),
        sa.Column("results", sa.JSON(), nullable=False),
        sa.Column("reason", sa.String(), nullable=True),
        sa.Column("robot", sa.String(), nullable=True),
        sa.Column("plan", sa.JSON(), nullable=False),
        sa.Column("approach_nodes", sa.Integer(), nullable=False),
        sa.Column("round_nodes", sa.Integer(), nullable=False),
        sa.Column("nodes_passed", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.String(), nullable=True),
        sa.Column("order_update_id", sa.Integer(), nullable=False),
        sa.Column("released_until", sa.Integer(), nullable=False),
        sa.Column("control_action_id", sa.String(), nullable=True),
        sa.Column("control_action_type", sa.String(), nullable=True),
        sa.Column("errors", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("assigned_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_mission_robot"), "mission", ["robot"], unique=False)
    op.create_index(op.f("ix_mission_status"), "mission", ["status"], unique=False)
    op.create_table(
        "mission_assignment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("mission_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("robot", sa.String(), nullable=False),
        sa.Column("predicted_s", sa.Float(), nullable=False),
        sa.Column("distance_m", sa.Float(), nullable=False),
        sa.Column("charge_needed", sa.Float(), nullable=True),
        sa.Column("charge", sa.Float(), nullable=True),
        sa.Column("runners_up", sa.JSON(), nullable=False),
        sa.Column("method", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        op.f("ix_mission_assignment_mission_id"), "mission_assignment", ["mission_id"], unique=False
    )
    op.create_table(
        "mqttaccount",
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("role", sa.Enum("ROBOT", "SERVER", name="mqttrole"), nullable=False),
        sa.Column("serial_number", sa.String(length=64), nullable=True),
        sa.Column("password_hash", sa.String(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("username"),
    )
    op.create_index(
        op.f("ix_mqttaccount_serial_number"), "mqttaccount", ["serial_number"], unique=False
    )
    op.create_table(
        "programme",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("geofence_site", sa.String(), nullable=False),
        sa.Column("geofence_zone", sa.String(), nullable=False),
        sa.Column("total_pool_fen", sa.BigInteger(), nullable=False),
        sa.Column("annual_budgets", sa.JSON(), nullable=False),
        sa.Column("ratio_bp", sa.Integer(), nullable=False),
        sa.Column("enterprise_annual_cap_fen", sa.BigInteger(), nullable=False),
        sa.Column("unit_cap_fen", sa.BigInteger(), nullable=True),
        sa.Column("voucher_validity_days", sa.Integer(), nullable=False),
        sa.Column("min_deployment_days", sa.Integer(), nullable=False),
        sa.Column("min_active_days", sa.Integer(), nullable=False),
        sa.Column("min_geofence_share_bp", sa.Integer(), nullable=False),
        sa.Column("claim_deadline_months", sa.Integer(), nullable=False),
        sa.Column("lock_in_months", sa.Integer(), nullable=False),
        sa.Column("clawback_days", sa.Integer(), nullable=False),
        sa.Column("active_day_min_minutes", sa.Integer(), nullable=False),
        sa.Column("public_notice_days", sa.Integer(), nullable=False),
        sa.Column("payee", sa.Enum("HOLDER", "SUPPLIER", name="payee"), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "robot",
        sa.Column("serial_number", sa.String(length=64), nullable=False),
        sa.Column("manufacturer", sa.String(length=64), nullable=False),
        sa.Column(
            "kind",
            sa.Enum("PATROL_DOG", "SANITATION", "SERVICE", "OTHER", name="robotkind"),
            nullable=False,
        ),
        sa.Column("registered", sa.Boolean(), nullable=False),
        sa.Column("connection_state", sa.String(), nullable=True),
        sa.Column("online", sa.Boolean(), nullable=False),
        sa.Column("battery", sa.Float(), nullable=True),
        sa.Column("charging", sa.Boolean(), nullable=False),
        sa.Column("x", sa.Float(), nullable=True),
        sa.Column("y", sa.Float(), nullable=True),
        sa.Column("theta", sa.Float(), nullable=True),
        sa.Column("map_id", sa.String(), nullable=True),
        sa.Column("driving", sa.Boolean(), nullable=False),
        sa.Column("paused", sa.Boolean(), nullable=False),
        sa.Column("errors", sa.JSON(), nullable=False),
        sa.Column("order_id", sa.String(), nullable=True),
        sa.Column("order_update_id", sa.Integer(), nullable=True),
        sa.Column("last_node_id", sa.String(), nullable=True),
        sa.Column("mission_id", sa.Integer(), nullable=True),
        sa.Column("actions", sa.JSON(), nullable=False),
        sa.Column("factsheet", sa.JSON(), nullable=False),
        sa.Column("last_seen", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("serial_number"),
    )
    op.create_table(
        "robot_energy",
        sa.Column("serial_number", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("figures", sa.JSON(), nullable=False),
        sa.Column("learner", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("serial_number"),
    )
    op.create_table(
        "robotday",
        sa.Column("serial_number", sa.String(length=64), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("site_id", sa.String(length=64), nullable=True),
        sa.Column("seconds_online", sa.Float(), nullable=False),
        sa.Column("seconds_active", sa.Float(), nullable=False),
        sa.Column("zone_seconds", sa.JSON(), nullable=False),
        sa.Column("missions_completed", sa.Integer(), nullable=False),
        sa.Column("distance_m", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("serial_number", "day"),
    )
    op.create_table(
        "schedule",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("site_id", sa.String(), nullable=False),
        sa.Column("mission", sa.JSON(), nullable=False),
        sa.Column("recurrence", sa.JSON(), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("last_checked", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_run_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_mission_id", sa.Integer(), nullable=True),
        sa.Column("last_error", sa.String(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_schedule_site_id"), "schedule", ["site_id"], unique=False)
    op.create_table(
        "telemetrysample",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("serial_number", sa.String(), nullable=False),
        sa.Column("time", sa.DateTime(timezone=True), nullable=False),
        sa.Column("x", sa.Float(), nullable=False),
        sa.Column("y", sa.Float(), nullable=False),
        sa.Column("theta", sa.Float(), nullable=False),
        sa.Column("map_id", sa.String(), nullable=False),
        sa.Column("battery", sa.Float(), nullable=True),
        sa.Column("driving", sa.Boolean(), nullable=False),
        sa.Column("mission_id", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        op.f("ix_telemetrysample_serial_number"), "telemetrysample", ["serial_number"], unique=False
    )
    op.create_index(op.f("ix_telemetrysample_time"), "telemetrysample", ["time"], unique=False)
    op.create_table(
        "template",
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("description", sa.String(), nullable=False),
        sa.Column("site_id", sa.String(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("mission", sa.JSON(), nullable=False),
        sa.Column("source", sa.String(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_template_site_id"), "template", ["site_id"], unique=False)
    op.create_table(
        "user",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column(
            "role",
            sa.Enum("ADMIN", "OPERATOR", "VIEWER", "SUBSIDY_OFFICER", "AUDITOR", name="role"),
            nullable=False,
        ),
        sa.Column("password_hash", sa.String(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("disabled", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_user_name"), "user", ["name"], unique=True)
    op.create_table(
        "affiliation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("enterprise_id", sa.Integer(), nullable=False),
        sa.Column("institution_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["enterprise_id"],
            ["enterprise.id"],
        ),
        sa.ForeignKeyConstraint(
            ["institution_id"],
            ["institution.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("enterprise_id", "institution_id"),
    )
    op.create_index(
        op.f("ix_affiliation_enterprise_id"), "affiliation", ["enterprise_id"], unique=False
    )
    op.create_index(
        op.f("ix_affiliation_institution_id"), "affiliation", ["institution_id"], unique=False
    )
    op.create_table(
        "deployedunit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("serial_number", sa.String(length=100), nullable=False),
        sa.Column("robot", sa.String(length=64), nullable=False),
        sa.Column("holder_id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.String(length=64), nullable=False),
        sa.Column("commissioned_on", sa.Date(), nullable=False),
        sa.Column("registered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["holder_id"],
            ["enterprise.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_deployedunit_holder_id"), "deployedunit", ["holder_id"], unique=False)
    op.create_index(op.f("ix_deployedunit_robot"), "deployedunit", ["robot"], unique=False)
    op.create_index(
        op.f("ix_deployedunit_serial_number"), "deployedunit", ["serial_number"], unique=False
    )
    op.create_table(
        "settlementround",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("settled_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("settled_by", sa.String(), nullable=False),
        sa.Column("period_from", sa.Date(), nullable=True),
        sa.Column("period_until", sa.Date(), nullable=True),
        sa.Column("requested_fen", sa.BigInteger(), nullable=False),
        sa.Column("budget_left_fen", sa.BigInteger(), nullable=False),
        sa.Column("cut_numerator", sa.BigInteger(), nullable=False),
        sa.Column("cut_denominator", sa.BigInteger(), nullable=False),
        sa.Column("paid_fen", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["programme.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        op.f("ix_settlementround_programme_id"), "settlementround", ["programme_id"], unique=False
    )
    op.create_table(
        "voucher",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("holder_id", sa.Integer(), nullable=False),
        sa.Column("face_value_fen", sa.BigInteger(), nullable=False),
        sa.Column("used_fen", sa.BigInteger(), nullable=False),
        sa.Column("batch_id", sa.String(), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("valid_until", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "status",
            sa.Enum("ISSUED", "IN_USE", "REDEEMED", "EXPIRED", "REVOKED", name="voucherstatus"),
            nullable=False,
        ),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_reason", sa.String(), nullable=True),
        sa.ForeignKeyConstraint(
            ["holder_id"],
            ["enterprise.id"],
        ),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["programme.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_voucher_batch_id"), "voucher", ["batch_id"], unique=False)
    op.create_index(op.f("ix_voucher_holder_id"), "voucher", ["holder_id"], unique=False)
    op.create_index(op.f("ix_voucher_programme_id"), "voucher", ["programme_id"], unique=False)
    op.create_index(op.f("ix_voucher_status"), "voucher", ["status"], unique=False)
    op.create_index(op.f("ix_voucher_valid_until"), "voucher", ["valid_until"], unique=False)
    op.create_table(
        "contract",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("voucher_id", sa.Integer(), nullable=False),
        sa.Column("supplier_id", sa.Integer(), nullable=False),
        sa.Column("contract_number", sa.String(), nullable=False),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.Column("signed_date", sa.Date(), nullable=False),
        sa.Column("line_items", sa.JSON(), nullable=False),
        sa.Column("invoices", sa.JSON(), nullable=False),
        sa.Column("payment_proofs", sa.JSON(), nullable=False),
        sa.Column("acceptance", sa.JSON(none_as_null=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["supplier_id"],
            ["institution.id"],
        ),
        sa.ForeignKeyConstraint(
            ["voucher_id"],
            ["voucher.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("contract_number"),
    )
    op.create_index(op.f("ix_contract_supplier_id"), "contract", ["supplier_id"], unique=False)
    op.create_index(op.f("ix_contract_voucher_id"), "contract", ["voucher_id"], unique=False)
    op.create_table(
        "claim",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("contract_id", sa.Integer(), nullable=False),
        sa.Column("voucher_id", sa.Integer(), nullable=False),
        sa.Column("holder_id", sa.Integer(), nullable=False),
        sa.Column("supplier_id", sa.Integer(), nullable=False),
        sa.Column("serial_numbers", sa.JSON(), nullable=False),
        sa.Column("filed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("filed_by", sa.String(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "AUTO_VERIFIED", "NEEDS_REVIEW", "APPROVED", "REJECTED", "PAID", name="claimstatus"
            ),
            nullable=False,
        ),
        sa.Column("subsidy_fen", sa.BigInteger(), nullable=False),
        sa.Column("checks", sa.JSON(), nullable=False),
        sa.Column("checked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("evidence", sa.Text(), nullable=False),
        sa.Column("evidence_sha256", sa.String(), nullable=False),
        sa.Column("decided_by", sa.String(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decision_reason", sa.String(), nullable=True),
        sa.Column("decision_reference", sa.String(), nullable=True),
        sa.Column("overridden_rules", sa.JSON(), nullable=False),
        sa.Column("notice_from", sa.DateTime(timezone=True), nullable=True),
        sa.Column("notice_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("paid_fen", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["contract_id"],
            ["contract.id"],
        ),
        sa.ForeignKeyConstraint(
            ["holder_id"],
            ["enterprise.id"],
        ),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["programme.id"],
        ),
        sa.ForeignKeyConstraint(
            ["supplier_id"],
            ["institution.id"],
        ),
        sa.ForeignKeyConstraint(
            ["voucher_id"],
            ["voucher.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_claim_contract_id"), "claim", ["contract_id"], unique=False)
    op.create_index(op.f("ix_claim_holder_id"), "claim", ["holder_id"], unique=False)
    op.create_index(op.f("ix_claim_programme_id"), "claim", ["programme_id"], unique=False)
    op.create_index(op.f("ix_claim_status"), "claim", ["status"], unique=False)
    op.create_index(op.f("ix_claim_supplier_id"), "claim", ["supplier_id"], unique=False)
    op.create_index(op.f("ix_claim_voucher_id"), "claim", ["voucher_id"], unique=False)
    op.create_table(
        "claimkey",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("value", sa.String(length=100), nullable=False),
        sa.Column("claim_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["claim_id"],
            ["claim.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("kind", "value"),
    )
    op.create_index(op.f("ix_claimkey_claim_id"), "claimkey", ["claim_id"], unique=False)
    op.create_table(
        "payout",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("claim_id", sa.Integer(), nullable=False),
        sa.Column("holder_id", sa.Integer(), nullable=False),
        sa.Column("payee", sa.Enum("HOLDER", "SUPPLIER", name="payee"), nullable=False),
        sa.Column("payee_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("subsidy_fen", sa.BigInteger(), nullable=False),
        sa.Column("capped_fen", sa.BigInteger(), nullable=False),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.Column("paid_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["claim_id"],
            ["claim.id"],
        ),
        sa.ForeignKeyConstraint(
            ["holder_id"],
            ["enterprise.id"],
        ),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["programme.id"],
        ),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["settlementround.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_payout_claim_id"), "payout", ["claim_id"], unique=True)
    op.create_index(op.f("ix_payout_holder_id"), "payout", ["holder_id"], unique=False)
    op.create_index(op.f("ix_payout_programme_id"), "payout", ["programme_id"], unique=False)
    op.create_index(op.f("ix_payout_round_id"), "payout", ["round_id"], unique=False)
    op.create_index(op.f("ix_payout_year"), "payout", ["year"], unique=False)
    op.create_table(
        "clawbackcase",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("claim_id", sa.Integer(), nullable=False),
        sa.Column("payout_id", sa.Integer(), nullable=False),
        sa.Column("serial_number", sa.String(length=100), nullable=False),
        sa.Column("holder_id", sa.Integer(), nullable=False),
        sa.Column(
            "reason",
            sa.Enum("OUT_OF_SERVICE", "OTHER_HOLDER", name="clawbackreason"),
            nullable=False,
        ),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("lock_in_from", sa.Date(), nullable=False),
        sa.Column("lock_in_until", sa.Date(), nullable=False),
        sa.Column("unserved_from", sa.Date(), nullable=False),
        sa.Column("unit_paid_fen", sa.BigInteger(), nullable=False),
        sa.Column("evidence", sa.JSON(), nullable=False),
        sa.Column(
            "status",
            sa.Enum("OPEN", "RECOVERED", "DISMISSED", name="clawbackstatus"),
            nullable=False,
        ),
        sa.Column("recovery", sa.Enum("FULL", "PRO_RATA", name="recovery"), nullable=True),
        sa.Column("recovered_fen", sa.BigInteger(), nullable=False),
        sa.Column("closed_by", sa.String(), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("close_reason", sa.String(), nullable=True),
        sa.ForeignKeyConstraint(
            ["claim_id"],
            ["claim.id"],
        ),
        sa.ForeignKeyConstraint(
            ["holder_id"],
            ["enterprise.id"],
        ),
        sa.ForeignKeyConstraint(
            ["payout_id"],
            ["payout.id"],
        ),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["programme.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_clawbackcase_claim_id"), "clawbackcase", ["claim_id"], unique=False)
    op.create_index(op.f("ix_clawbackcase_holder_id"), "clawbackcase", ["holder_id"], unique=False)
    op.create_index(op.f("ix_clawbackcase_payout_id"), "clawbackcase", ["payout_id"], unique=False)
    op.create_index(
        op.f("ix_clawbackcase_programme_id"), "clawbackcase", ["programme_id"], unique=False
    )
    op.create_index(
        op.f("ix_clawbackcase_serial_number"), "clawbackcase", ["serial_number"], unique=False
    )
    op.create_index(op.f("ix_clawbackcase_status"), "clawbackcase", ["status"], unique=False)
    op.create_index(
        "ux_clawbackcase_open",
        "clawbackcase",
        ["claim_id", "serial_number", "reason"],
        unique=True,
        sqlite_where=sa.text("status = 'OPEN'"),
        postgresql_where=sa.text("status = 'OPEN'"),
    )


def downgrade() -> None:
    op.drop_index(
        "ux_clawbackcase_open",
        table_name="clawbackcase",
        sqlite_where=sa.text("status = 'OPEN'"),
        postgresql_where=sa.text("status = 'OPEN'"),
    )
    op.drop_index(op.f("ix_clawbackcase_status"), table_name="clawbackcase")
    op.drop_index(op.f("ix_clawbackcase_serial_number"), table_name="clawbackcase")
    op.drop_index(op.f("ix_clawbackcase_programme_id"), table_name="clawbackcase")
    op.drop_index(op.f("ix_clawbackcase_payout_id"), table_name="clawbackcase")
    op.drop_index(op.f("ix_clawbackcase_holder_id"), table_name="clawbackcase")
    op.drop_index(op.f("ix_clawbackcase_claim_id"), table_name="clawbackcase")
    op.drop_table("clawbackcase")
    op.drop_index(op.f("ix_payout_year"), table_name="payout")
    op.drop_index(op.f("ix_payout_round_id"), table_name="payout")
    op.drop_index(op.f("ix_payout_programme_id"), table_name="payout")
    op.drop_index(op.f("ix_payout_holder_id"), table_name="payout")
    op.drop_index(op.f("ix_payout_claim_id"), table_name="payout")
    op.drop_table("payout")
    op.drop_index(op.f("ix_claimkey_claim_id"), table_name="claimkey")
    op.drop_table("claimkey")
    op.drop_index(op.f("ix_claim_voucher_id"), table_name="claim")
    op.drop_index(op.f("ix_claim_supplier_id"), table_name="claim")
    op.drop_index(op.f("ix_claim_status"), table_name="claim")
    op.drop_index(op.f("ix_claim_programme_id"), table_name="claim")
    op.drop_index(op.f("ix_claim_holder_id"), table_name="claim")
    op.drop_index(op.f("ix_claim_contract_id"), table_name="claim")
    op.drop_table("claim")
    op.drop_index(op.f("ix_contract_voucher_id"), table_name="contract")
    op.drop_index(op.f("ix_contract_supplier_id"), table_name="contract")
    op.drop_table("contract")
    op.drop_index(op.f("ix_voucher_valid_until"), table_name="voucher")
    op.drop_index(op.f("ix_voucher_status"), table_name="voucher")
    op.drop_index(op.f("ix_voucher_programme_id"), table_name="voucher")
    op.drop_index(op.f("ix_voucher_holder_id"), table_name="voucher")
    op.drop_index(op.f("ix_voucher_batch_id"), table_name="voucher")
    op.drop_table("voucher")
    op.drop_index(op.f("ix_settlementround_programme_id"), table_name="settlementround")
    op.drop_table("settlementround")
    op.drop_index(op.f("ix_deployedunit_serial_number"), table_name="deployedunit")
    op.drop_index(op.f("ix_deployedunit_robot"), table_name="deployedunit")
    op.drop_index(op.f("ix_deployedunit_holder_id"), table_name="deployedunit")
    op.drop_table("deployedunit")
    op.drop_index(op.f("ix_affiliation_institution_id"), table_name="affiliation")
    op.drop_index(op.f("ix_affiliation_enterprise_id"), table_name="affiliation")
    op.drop_table("affiliation")
    op.drop_index(op.f("ix_user_name"), table_name="user")
    op.drop_table("user")
    op.drop_index(op.f("ix_template_site_id"), table_name="template")
    op.drop_table("template")
    op.drop_index(op.f("ix_telemetrysample_time"), table_name="telemetrysample")
    op.drop_index(op.f("ix_telemetrysample_serial_number"), table_name="telemetrysample")
    op.drop_table("telemetrysample")
    op.drop_index(op.f("ix_schedule_site_id"), table_name="schedule")
    op.drop_table("schedule")
    op.drop_table("robotday")
    op.drop_table("robot_energy")
    op.drop_table("robot")
    op.drop_table("programme")
    op.drop_index(op.f("ix_mqttaccount_serial_number"), table_name="mqttaccount")
    op.drop_table("mqttaccount")
    op.drop_index(op.f("ix_mission_assignment_mission_id"), table_name="mission_assignment")
    op.drop_table("mission_assignment")
    op.drop_index(op.f("ix_mission_status"), table_name="mission")
    op.drop_index(op.f("ix_mission_robot"), table_name="mission")
    op.drop_table("mission")
    op.drop_index(op.f("ix_logbookentry_time"), table_name="logbookentry")
    op.drop_index(op.f("ix_logbookentry_site_id"), table_name="logbookentry")
    op.drop_index(op.f("ix_logbookentry_kind"), table_name="logbookentry")
    op.drop_index(op.f("ix_logbookentry_incident_id"), table_name="logbookentry")
    op.drop_table("logbookentry")
    op.drop_table("institution")
    op.drop_index(op.f("ix_incident_type"), table_name="incident")
    op.drop_index(op.f("ix_incident_status"), table_name="incident")
    op.drop_index(op.f("ix_incident_site_id"), table_name="incident")
    op.drop_index(op.f("ix_incident_created_at"), table_name="incident")
    op.drop_table("incident")
    op.drop_table("headercounter")
    op.drop_table("enterprise")
    op.drop_index(op.f("ix_auditentry_time"), table_name="auditentry")
    op.drop_index(op.f("ix_auditentry_entity_id"), table_name="auditentry")
    op.drop_index(op.f("ix_auditentry_entity"), table_name="auditentry")
    op.drop_index(op.f("ix_auditentry_actor"), table_name="auditentry")
    op.drop_table("auditentry")
    op.drop_index(op.f("ix_apikey_key_hash"), table_name="apikey")
    op.drop_table("apikey")
    # PostgreSQL keeps enum types after their tables are dropped; SQLite has none.
    for name in ENUM_TYPES:
        sa.Enum(name=name).drop(op.get_bind(), checkfirst=True)
