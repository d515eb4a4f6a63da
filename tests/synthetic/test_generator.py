"""The synthetic authority: deterministic, complete, consistent and calibrated to England."""

import datetime as dt
from io import StringIO

import polars as pl
import pytest
from django.core.management import CommandError, call_command

from cpqa.casework import models as m
from cpqa.casework.schema import fact_table, fact_tables
from cpqa.casework.services import facts_conform
from cpqa.core.workdays import add_working_days_expr, working_days_expr
from cpqa.ingest.models import ImportFormat, ImportOutcome, ImportRun
from cpqa.synthetic import calibration as cal
from cpqa.synthetic.generator import authority_generate, default_end
from cpqa.synthetic.services import synthetic_authority_load

END = dt.date(2025, 10, 31)
YEAR_START = dt.date(2024, 11, 1)  # the last full year: November 2024 to October 2025
POPULATION = cal.CHILD_POPULATION_PER_SCALE  # scale 1


@pytest.fixture(scope="module")
def frames() -> dict[str, pl.DataFrame]:
    return authority_generate(seed=11, scale=1, end=END, years=3)


def in_last_year(column: str) -> pl.Expr:
    return pl.col(column).is_between(YEAR_START, END)


def per_10k(count: int) -> float:
    return count / POPULATION * 10_000


def icpcs_with_days(frames) -> pl.DataFrame:
    """Initial conferences with the working days from their enquiry's strategy discussion."""
    enquiries = frames["section47"].select(
        pl.col("ref").alias("section47"), pl.col("start_date").alias("strategy")
    )
    return (
        frames["conference"]
        .filter(pl.col("kind") == "initial")
        .join(enquiries, on="section47", how="left")
        .with_columns(
            days=working_days_expr(pl.col("strategy"), pl.col("date_held"), region="england")
        )
    )


# --- Determinism and shape --------------------------------------------------------


def test_the_same_seed_gives_the_same_authority_and_another_seed_another():
    first = authority_generate(seed=3, scale=0.3, end=END, years=2)
    again = authority_generate(seed=3, scale=0.3, end=END, years=2)
    other = authority_generate(seed=4, scale=0.3, end=END, years=2)
    for name, frame in first.items():
        assert frame.equals(again[name]), name
    assert not first["section47"].equals(other["section47"])
    assert not first["visit"].equals(other["visit"])


def test_every_table_is_there_and_conforms_to_the_schema(frames):
    assert list(frames) == [table.name for table in fact_tables()]
    for table in fact_tables():
        frame = frames[table.name]
        assert frame.height > 0, table.name
        assert frame.schema == pl.Schema(table.polars_schema()), table.name
        _, problems = facts_conform(table=table, frame=frame)
        assert problems == [], problems[:5]


def test_every_reference_points_at_a_generated_record(frames):
    for table in fact_tables():
        for column in table.columns:
            if column.references is None:
                continue
            values = frames[table.name].get_column(column.name).drop_nulls()
            known = frames[column.references].get_column("ref")
            assert values.is_in(known.implode()).all(), f"{table.name}.{column.name}"


def test_the_end_defaults_to_the_last_day_of_the_previous_month():
    assert default_end(dt.date(2026, 3, 15)) == dt.date(2026, 2, 28)
    assert default_end(dt.date(2026, 1, 1)) == dt.date(2025, 12, 31)
    history = authority_generate(seed=1, scale=0.05, years=1)
    assert history["section47"]["start_date"].max() <= default_end()


# --- Calibration to England (scale 1, the last full year) ------------------------


def test_enquiries_and_initial_conferences_at_englands_rates(frames):
    enquiries = frames["section47"].filter(in_last_year("start_date")).height
    icpcs = frames["conference"].filter(pl.col("kind") == "initial", in_last_year("date_held"))
    assert per_10k(enquiries) == pytest.approx(cal.SECTION47_PER_10K, rel=0.15)
    assert per_10k(icpcs.height) == pytest.approx(cal.ICPC_PER_10K, rel=0.2)
    plans = frames["protection_plan"].filter(in_last_year("start_date")).height
    assert per_10k(plans) == pytest.approx(cal.PLANS_STARTING_PER_10K, rel=0.2)


def test_icpc_timeliness_overall_and_one_team_clearly_worse(frames):
    icpcs = icpcs_with_days(frames).filter(in_last_year("date_held"))
    assert icpcs["days"].null_count() == 0
    within = (icpcs["days"] <= 15).mean()
    assert 0.70 <= within <= 0.90
    by_team = icpcs.group_by("team").agg((pl.col("days") <= 15).mean().alias("within"))
    ordered = by_team.sort("within")
    worst, others = ordered.row(0, named=True), ordered.slice(1)
    assert worst["within"] < 0.72
    assert worst["within"] < others["within"].min() - 0.08
    # It is the team whose assistant team manager posts are vacant.
    vacant = (
        frames["staffing_snapshot"]
        .filter(pl.col("vacant_assistant_team_manager") >= 1)
        .group_by("team")
        .len()
        .sort("len", descending=True)
    )
    assert vacant["team"][0] == worst["team"]


def test_initial_conferences_target_15_working_days_after_the_strategy_discussion(frames):
    icpcs = icpcs_with_days(frames).with_columns(
        due=add_working_days_expr(pl.col("strategy"), 15, region="england")
    )
    assert (icpcs["target_date"] == icpcs["due"]).all()


def test_repeat_plans_open_plans_and_durations_are_plausible(frames):
    plans = frames["protection_plan"]
    starting = plans.filter(in_last_year("start_date"))
    repeats = (starting["previous_plans"] >= 1).sum() / starting.height
    assert 0.15 <= repeats <= 0.35
    open_at_end = plans.filter(pl.col("end_date").is_null()).height
    expected = cal.PLANS_OPEN_PER_10K * POPULATION / 10_000
    assert 0.7 * expected <= open_at_end <= 1.3 * expected
    ending = plans.filter(in_last_year("end_date")).with_columns(
        days=(pl.col("end_date") - pl.col("start_date")).dt.total_days()
    )
    assert (ending["days"] > 0).all()
    two_years = (ending["days"] >= 730).mean()
    assert 0.01 <= two_years <= 0.10
    categories = starting["initial_category"].value_counts(sort=True)["initial_category"]
    assert categories.to_list()[:2] == ["NEG", "EMO"]


def test_reviews_follow_the_plan_and_end_it(frames):
    conferences = frames["conference"]
    reviews = conferences.filter(pl.col("kind") == "review")
    assert reviews["plan"].null_count() == 0
    plans = frames["protection_plan"].select(pl.col("ref").alias("plan"), "start_date", "end_date")
    joined = reviews.join(plans, on="plan")
    held = joined.filter(pl.col("date_held").is_not_null())
    assert (held["date_held"] >= held["start_date"]).all()
    in_time = (held["date_held"] <= held["target_date"]).mean()
    assert 0.85 <= in_time <= 0.99
    ended = frames["protection_plan"].filter(
        pl.col("end_date").is_not_null(), pl.col("end_reason") != "MOVED"
    )
    endings = reviews.filter(pl.col("outcome") == "plan_ended")
    assert endings.height == ended.height
    assert set(endings["plan"]) == set(ended["ref"])
    # The first review is due three months after the plan starts.
    first = joined.sort("target_date").group_by("plan", maintain_order=True).first()
    due = first.with_columns(due=pl.col("start_date").dt.offset_by("3mo"))
    assert (due["target_date"] == due["due"]).mean() > 0.95


def test_plans_start_at_their_initial_or_transfer_in_conference(frames):
    starts = frames["conference"].filter(pl.col("outcome") == "plan_started")
    plans = frames["protection_plan"].select(pl.col("ref").alias("plan"), "start_date")
    joined = starts.join(plans, on="plan")
    assert joined.height == starts.height
    assert (joined["date_held"] == joined["start_date"]).all()
    assert starts.filter(pl.col("kind") == "transfer_in").height > 0


def test_enquiries_sit_inside_their_cin_episodes(frames):
    episodes = frames["cin_episode"].select(
        pl.col("ref").alias("episode"), "referral_date", "closure_date", "referral_nfa"
    )
    enquiries = frames["section47"].join(episodes, on="episode")
    assert (enquiries["referral_date"] <= enquiries["start_date"]).all()
    closed = enquiries.filter(
        pl.col("closure_date").is_not_null(), pl.col("end_date").is_not_null()
    )
    assert (closed["closure_date"] >= closed["end_date"]).all()
    assert not enquiries["referral_nfa"].any()
    plans = frames["protection_plan"].join(episodes, on="episode")
    closed = plans.filter(pl.col("closure_date").is_not_null())
    assert closed["end_date"].null_count() == 0
    assert (closed["closure_date"] >= closed["end_date"]).all()


def test_seasonal_dips_in_august_and_december(frames):
    by_month = (
        frames["section47"]
        .filter(pl.col("start_date") > END.replace(year=END.year - 3))
        .group_by(pl.col("start_date").dt.month().alias("month"))
        .len()
    )
    counts = dict(by_month.iter_rows())
    average = sum(counts.values()) / 12
    assert counts[8] < 0.95 * average
    assert counts[12] < average


def test_children_are_born_before_their_plans_unless_unborn(frames):
    children = frames["child"].select(
        pl.col("ref").alias("child"), "date_of_birth", "expected_date_of_birth"
    )
    unborn = children.filter(pl.col("date_of_birth").is_null())
    assert unborn.height > 0
    assert unborn["expected_date_of_birth"].null_count() == 0
    plans = frames["protection_plan"].join(children, on="child")
    before_birth = plans.filter(
        pl.col("date_of_birth").is_null() | (pl.col("date_of_birth") > pl.col("start_date"))
    )
    assert before_birth.height > 0
    assert before_birth["expected_date_of_birth"].null_count() == 0
    ages = plans.filter(pl.col("date_of_birth").is_not_null()).with_columns(
        age=(pl.coalesce("end_date", pl.lit(END)) - pl.col("date_of_birth")).dt.total_days()
    )
    assert ages["age"].max() < 18 * 365.25


def test_conference_attendance_and_quoracy(frames):
    attendance = frames["conference_attendance"]
    assert set(attendance["agency"]) >= {"childrens_social_care", "police", "school", "gp"}
    attended = attendance.filter(pl.col("attended"))
    counts = attended.group_by("conference").agg(
        (pl.col("agency") == "childrens_social_care").any().alias("social_care"),
        (pl.col("agency") != "childrens_social_care").sum().alias("others"),
    )
    conferences = frames["conference"].join(
        counts.rename({"conference": "ref"}), on="ref", how="left"
    )
    quorate = pl.col("social_care").fill_null(False) & (pl.col("others").fill_null(0) >= 2)
    assert (conferences["quorate"] == conferences.select(quorate).to_series()).all()
    assert 0.5 < conferences["quorate"].mean() < 0.98
    children = frames["child"].select(pl.col("ref").alias("child"), "date_of_birth")
    ages = conferences.join(children, on="child").with_columns(
        age=(pl.col("date_held") - pl.col("date_of_birth")).dt.total_days() / 365.25
    )
    assert (ages.filter(pl.col("age") < 4)["participation"] == "PN0").all()
    assert (ages.filter(pl.col("age") >= 4)["participation"] != "PN0").all()


def test_visits_core_groups_and_allocations(frames):
    visits = frames["visit"]
    plans = frames["protection_plan"].select(pl.col("ref").alias("plan"), "start_date", "end_date")
    dated = visits.filter(pl.col("date").is_not_null()).join(plans, on="plan")
    assert (dated["date"] >= dated["start_date"]).all()
    assert (
        dated.filter(pl.col("end_date").is_not_null())
        .select((pl.col("date") <= pl.col("end_date")).all())
        .item()
    )
    gaps = (
        dated.sort("plan", "date")
        .with_columns(
            gap=working_days_expr(
                pl.col("date").shift().over("plan"), pl.col("date"), region="england"
            )
        )
        .drop_nulls("gap")
    )
    assert 0.7 <= (gaps["gap"] <= 10).mean() <= 0.95
    assert visits["professional"].null_count() < visits.height * 0.2
    core = frames["core_group_meeting"].join(plans, on="plan")
    first = core.group_by("plan").agg(pl.col("date").min(), pl.col("start_date").first())
    first = first.with_columns(
        days=working_days_expr(pl.col("start_date"), pl.col("date"), region="england")
    )
    assert 0.75 <= (first["days"] <= 10).mean() <= 0.95
    involvements = frames["involvement"]
    changes = involvements.group_by("child").len()
    assert changes["len"].max() > 1
    unallocated = frames["unallocated_episode"]
    assert set(unallocated["risk"]) == {"low", "medium", "high"}
    assert unallocated["decision"].str.len_chars().min() > 20
    worst = unallocated.group_by("team").len().sort("len", descending=True)
    assert worst["len"][0] > unallocated.height / 3


def test_workforce_and_supervision(frames):
    professionals = frames["professional"]
    assert frames["team"].height == 6
    assert 50 <= professionals.height <= 75
    chairs = professionals.filter(pl.col("role") == "conference_chair")
    assert chairs.height == 4 and chairs["team"].null_count() == 4
    assert professionals["agency"].any()
    assert professionals["fte"].is_between(0.5, 1.0).all()
    supervision = frames["supervision_record"].sort("worker", "date")
    gaps = supervision.with_columns(
        gap=(pl.col("date") - pl.col("date").shift().over("worker")).dt.total_days()
    ).drop_nulls("gap")
    assert 25 <= gaps["gap"].median() <= 35
    assert (gaps["gap"] > 42).mean() > 0.05  # slippage
    months = frames["staffing_snapshot"].group_by("team").len()
    assert (months["len"] == 36).all()


# --- Deliberate gaps and census errors -------------------------------------------


def test_gaps_and_errors_are_there_at_realistic_rates(frames):
    conferences = frames["conference"].filter(pl.col("date_held") < END - dt.timedelta(days=60))
    assert 0.01 <= conferences["decision_published"].null_count() / conferences.height <= 0.06
    assert 0.01 <= conferences["minutes_published"].null_count() / conferences.height <= 0.08
    visits = frames["visit"]
    assert 0.003 <= visits["date"].null_count() / visits.height <= 0.03
    absent = frames["conference_attendance"].filter(~pl.col("attended"))
    assert 0.02 <= absent["non_attendance_reason"].null_count() / absent.height <= 0.1
    reviews = frames["conference"].filter(pl.col("kind") == "review")
    assert 0.003 <= reviews["date_held"].null_count() / reviews.height <= 0.04
    plans = frames["protection_plan"]
    assert plans["previous_plans"].null_count() > 0
    # Census errors: an ICPC on a weekend; a review on the day the plan started.
    icpcs = frames["conference"].filter(pl.col("kind") == "initial")
    assert (icpcs["date_held"].dt.weekday() >= 6).sum() > 0
    starts = plans.select(pl.col("ref").alias("plan"), "start_date")
    same_day = (
        frames["conference"]
        .join(starts, on="plan")
        .filter(pl.col("kind") == "review", pl.col("date_held") == pl.col("start_date"))
    )
    assert same_day.height > 0
    # Children with an earlier plan in the data but previous_plans 0.
    ordered = plans.sort("child", "start_date").with_columns(
        earlier=pl.col("ref").cum_count().over("child") - 1
    )
    assert ordered.filter(pl.col("earlier") > 0, pl.col("previous_plans") == 0).height > 0


# --- Loading ----------------------------------------------------------------------


@pytest.mark.django_db
def test_synthetic_authority_load_records_one_accepted_import(authority):
    result = synthetic_authority_load(
        authority=authority, seed=5, scale=0.2, end=END, years=1, operator="tester"
    )
    run = ImportRun.objects.get(authority=authority)
    assert run.format == ImportFormat.SYNTHETIC
    assert run.outcome == ImportOutcome.ACCEPTED
    assert run.file_name == "synthetic seed=5 scale=0.2"
    assert run.rows_read == run.rows_accepted == result.rows > 0
    assert run.period_end == END and run.period_start == dt.date(2024, 11, 1)
    assert run.finished_at >= run.started_at and run.operator == "tester"
    assert len(run.sha256) == 64
    assert run.summary["counts"]["visit"]["rows"] == result.counts["visit"].rows > 0
    for table in fact_tables():
        held = table.model.objects.filter(authority=authority, import_run=run).count()
        assert held == result.counts[table.name].rows, table.name
    assert m.ProtectionPlan.objects.filter(authority=authority, team__isnull=False).exists()
    assert m.Child.objects.filter(authority=authority, team__isnull=False).exists()
    authority.refresh_from_db()
    assert authority.child_population == 12_000


GENERATE = ("generate", "--seed", "2", "--scale", "0.05", "--years", "1", "--end", "2025-03-31")


@pytest.mark.django_db
def test_the_generate_command_loads_directly_and_counts(authority):
    out = StringIO()
    call_command(*GENERATE, "--direct", stdout=out)
    text = out.getvalue()
    plans = m.ProtectionPlan.objects.filter(authority=authority).count()
    assert plans > 0
    assert "protection_plan" in text and f"{plans:,}" in text
    assert (
        ImportRun.objects.filter(authority=authority, outcome=ImportOutcome.ACCEPTED).count() == 1
    )
    table = fact_table("visit")
    assert table.model.objects.filter(authority=authority).exists()


@pytest.mark.django_db
def test_the_generate_command_goes_through_the_importers(authority):
    out = StringIO()
    call_command(*GENERATE, stdout=out)
    runs = ImportRun.objects.filter(authority=authority, outcome=ImportOutcome.ACCEPTED)
    assert set(runs.values_list("format", flat=True)) == {"ssd", "local"}
    assert "ssd_cp_plans.csv: Accepted (ssd)" in out.getvalue()
    direct = authority_generate(seed=2, scale=0.05, end=dt.date(2025, 3, 31), years=1)
    assert m.ProtectionPlan.objects.filter(authority=authority).count() == (
        direct["protection_plan"].height
    )


@pytest.mark.django_db
def test_the_generate_command_writes_files(authority, tmp_path):
    out = StringIO()
    call_command(
        *GENERATE, "--out", str(tmp_path), "--format", "ssd,local,cin_census,annex_a", stdout=out
    )
    names = {path.name for path in tmp_path.iterdir()}
    assert {"ssd_person.csv", "ssd_cp_plans.csv", "supervision.csv"} <= names
    assert any(name.startswith("cin_census_") for name in names)
    assert any(name.startswith("annex_a_") for name in names)
    assert not m.ProtectionPlan.objects.exists()
    with pytest.raises(CommandError, match="Unknown format 'csv'"):
        call_command(*GENERATE, "--out", str(tmp_path), "--format", "csv")
