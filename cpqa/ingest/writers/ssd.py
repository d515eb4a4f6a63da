"""Canonical frames out as SSD table files (one file per table), as the SSD importer reads them.

Only what the SSD carries is written (see SSD_MAPPINGS in cpqa/ingest/formats/ssd.py);
a fact the SSD has no field for (e.g. a conference's chair) goes in cpqa's local
tables (writers/local.py).
"""

from pathlib import Path
from typing import Literal

import polars as pl

from cpqa.casework.models import CategoryOfAbuse, ProfessionalRole
from cpqa.casework.schema import empty_frame

from ..tables import table_write

CATEGORY_NAMES = dict(CategoryOfAbuse.choices)
ROLE_TITLES = dict(ProfessionalRole.choices)


def _flag(name: str) -> pl.Expr:
    return pl.col(name)


def _json(flags: dict[str, pl.Expr]) -> pl.Expr:
    """An SSD outcome JSON value with every key, each flag Y or empty."""
    parts: list[pl.Expr] = [pl.lit("{")]
    for index, (key, expr) in enumerate(flags.items()):
        separator = ", " if index else ""
        parts.append(pl.lit(f'{separator}"{key}": "'))
        parts.append(pl.when(expr).then(pl.lit("Y")).otherwise(pl.lit("")))
        parts.append(pl.lit('"'))
    parts.append(pl.lit("}"))
    return pl.concat_str(parts)


def ssd_tables_from(frames: dict[str, pl.DataFrame]) -> dict[str, pl.DataFrame]:
    """The SSD tables cpqa reads, built from canonical frames."""

    def get(name: str) -> pl.DataFrame:
        return frames[name] if name in frames else empty_frame(name)

    team, professional, child = get("team"), get("professional"), get("child")
    conference = get("conference")
    team_names = team.select(pl.col("ref").alias("team"), pl.col("name").alias("_team_name"))
    tables: dict[str, pl.DataFrame] = {}
    tables["ssd_department"] = team.select(
        pl.col("ref").alias("dept_team_id"),
        pl.col("name").alias("dept_team_name"),
        pl.col("service").alias("dept_team_parent_name"),
    )
    tables["ssd_professionals"] = professional.join(team_names, on="team", how="left").select(
        pl.col("ref").alias("prof_professional_id"),
        pl.col("name").alias("prof_professional_name"),
        pl.col("role")
        .replace_strict(ROLE_TITLES, default=None)
        .alias("prof_professional_job_title"),
        pl.col("_team_name").alias("prof_professional_department"),
        pl.col("fte").alias("prof_full_time_equivalency"),
        pl.col("agency").alias("prof_agency_worker_flag"),
    )
    tables["ssd_person"] = child.select(
        pl.col("ref").alias("pers_person_id"),
        pl.col("sex").alias("pers_sex"),
        pl.col("ethnicity").alias("pers_ethnicity"),
        pl.col("date_of_birth").alias("pers_dob"),
        pl.col("expected_date_of_birth").alias("pers_expected_dob"),
        pl.col("date_of_death").alias("pers_death_date"),
    )
    tables["ssd_disability"] = (
        child.select(
            pl.col("ref").alias("disa_person_id"),
            pl.col("disabilities").str.split(",").alias("disa_disability_code"),
        )
        .explode("disa_disability_code")
        .filter(pl.col("disa_disability_code").str.strip_chars().str.len_chars() > 0)
    )
    tables["ssd_involvements"] = get("involvement").select(
        pl.col("ref").alias("invo_involvements_id"),
        pl.col("professional").alias("invo_professional_id"),
        pl.col("role").alias("invo_professional_role_id"),
        pl.col("team").alias("invo_professional_team"),
        pl.col("start_date").alias("invo_involvement_start_date"),
        pl.col("end_date").alias("invo_involvement_end_date"),
        pl.col("child").alias("invo_person_id"),
    )
    tables["ssd_cin_episodes"] = get("cin_episode").select(
        pl.col("ref").alias("cine_referral_id"),
        pl.col("child").alias("cine_person_id"),
        pl.col("referral_date").alias("cine_referral_date"),
        pl.col("primary_need").alias("cine_cin_primary_need_code"),
        pl.col("referral_source").alias("cine_referral_source_code"),
        pl.col("referral_nfa").alias("cine_referral_nfa"),
        pl.col("closure_reason").alias("cine_close_reason"),
        pl.col("closure_date").alias("cine_close_date"),
        pl.col("team").alias("cine_referral_team"),
        pl.col("worker").alias("cine_referral_worker_id"),
    )
    outcome = pl.col("outcome")
    tables["ssd_s47_enquiry"] = get("section47").select(
        pl.col("ref").alias("s47e_s47_enquiry_id"),
        pl.col("episode").alias("s47e_referral_id"),
        pl.col("child").alias("s47e_person_id"),
        pl.col("start_date").alias("s47e_s47_start_date"),
        pl.col("end_date").alias("s47e_s47_end_date"),
        pl.when(outcome.is_null()).then(None).otherwise(outcome == "nfa").alias("s47e_s47_nfa"),
        pl.when(outcome.is_null())
        .then(None)
        .otherwise(
            _json(
                {
                    "NFA_FLAG": outcome == "nfa",
                    "LEGAL_ACTION_FLAG": pl.lit(False),
                    "PROV_OF_SERVICES_FLAG": outcome == "cin_plan",
                    "PROV_OF_SB_CARE_FLAG": pl.lit(False),
                    "CP_CONFERENCE_FLAG": outcome == "icpc",
                    "NFA_CONTINUE_SINGLE_FLAG": pl.lit(False),
                    "MONITOR_FLAG": pl.lit(False),
                    "OTHER_OUTCOMES_EXIST_FLAG": outcome == "other",
                }
            )
        )
        .alias("s47e_s47_outcome_json"),
        pl.col("worker").alias("s47e_s47_completed_by_worker_id"),
        pl.col("team").alias("s47e_s47_completed_by_team"),
    )
    tables["ssd_initial_cp_conference"] = conference.filter(
        pl.col("kind").is_in(["initial", "transfer_in"])
    ).select(
        pl.col("ref").alias("icpc_icpc_id"),
        pl.col("section47").alias("icpc_s47_enquiry_id"),
        pl.col("child").alias("icpc_person_id"),
        pl.col("plan").alias("icpc_cp_plan_id"),
        pl.col("episode").alias("icpc_referral_id"),
        (pl.col("kind") == "transfer_in").alias("icpc_icpc_transfer_in"),
        pl.col("target_date").alias("icpc_icpc_target_date"),
        pl.col("date_held").alias("icpc_icpc_date"),
        pl.when(outcome == "plan_started")
        .then(True)
        .when(outcome == "no_plan")
        .then(False)
        .otherwise(None)
        .alias("icpc_icpc_outcome_cp_flag"),
        pl.col("team").alias("icpc_icpc_team"),
    )
    tables["ssd_cp_plans"] = get("protection_plan").select(
        pl.col("ref").alias("cppl_cp_plan_id"),
        pl.col("episode").alias("cppl_referral_id"),
        pl.col("child").alias("cppl_person_id"),
        pl.col("start_date").alias("cppl_cp_plan_start_date"),
        pl.col("end_date").alias("cppl_cp_plan_end_date"),
        pl.col("initial_category")
        .replace_strict(CATEGORY_NAMES, default=None)
        .alias("cppl_cp_plan_initial_category"),
        pl.col("latest_category")
        .replace_strict(CATEGORY_NAMES, default=None)
        .alias("cppl_cp_plan_latest_category"),
    )
    tables["ssd_cp_reviews"] = conference.filter(pl.col("kind") == "review").select(
        pl.col("ref").alias("cppr_cp_review_id"),
        pl.col("child").alias("cppr_person_id"),
        pl.col("plan").alias("cppr_cp_plan_id"),
        pl.col("target_date").alias("cppr_cp_review_due"),
        pl.col("date_held").alias("cppr_cp_review_date"),
        pl.when(outcome == "plan_continued")
        .then(True)
        .when(outcome == "plan_ended")
        .then(False)
        .otherwise(None)
        .alias("cppr_cp_review_outcome_continue_cp"),
        pl.col("quorate").alias("cppr_cp_review_quorate"),
        pl.col("participation").alias("cppr_cp_review_participation"),
    )
    tables["ssd_cp_visits"] = get("visit").select(
        pl.col("ref").alias("cppv_cp_visit_id"),
        pl.col("child").alias("cppv_person_id"),
        pl.col("plan").alias("cppv_cp_plan_id"),
        pl.col("date").alias("cppv_cp_visit_date"),
        pl.col("seen").alias("cppv_cp_visit_seen"),
        pl.col("seen_alone").alias("cppv_cp_visit_seen_alone"),
        pl.col("bedroom_seen").alias("cppv_cp_visit_bedroom"),
    )
    tables["ssd_cla_episodes"] = get("looked_after_episode").select(
        pl.col("ref").alias("clae_cla_episode_id"),
        pl.col("child").alias("clae_person_id"),
        pl.col("start_date").alias("clae_cla_episode_start_date"),
        pl.col("end_date").alias("clae_cla_episode_ceased_date"),
    )
    return tables


def ssd_write(
    *, frames: dict[str, pl.DataFrame], directory: Path, format: Literal["csv", "xlsx"] = "csv"
) -> list[Path]:
    """Write canonical frames as SSD table files in `directory`; returns the paths."""
    return [
        table_write(frame=frame, name=name, directory=directory, format=format)
        for name, frame in ssd_tables_from(frames).items()
    ]
