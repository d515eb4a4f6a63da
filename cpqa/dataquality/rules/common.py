"""How the CIN census concepts are read from cpqa's canonical frames.

- DateOfInitialCPC is the date held of an initial conference. At Section47
  level it is the conference linked to the enquiry (`conference.section47`);
  at CINdetails level it is a conference linked to the episode and to no
  enquiry. A transfer-in conference counts as the initial conference of a
  child who arrives on a plan (the CIN census records the date of the
  transfer-in conference as the date of the initial conference).
- An enquiry's episode is its own `episode`; a conference's episode is its own,
  else its enquiry's, else its plan's.
- ICPCnotRequired is `icpc_not_required`; where it is not recorded it is read
  from the outcome (any recorded outcome other than "icpc" means no conference
  was needed), and where neither is recorded it counts as false, as the CIN
  census has it for an enquiry still open.
- Reviews (CPPreviewDate) are conferences of kind review; their plan is
  `conference.plan`.
- "Within one CINdetails group": two records are in the same group when they
  belong to the same child and their episodes are equal, or either has no
  episode recorded (a record with no episode cannot be placed in another).
"""

import polars as pl

from .base import Frames

ICPC_KINDS = ("initial", "transfer_in")
REVIEW = "review"
ICPC_OUTCOME = "icpc"
CATEGORIES = ("NEG", "PHY", "SAB", "EMO", "MUL")

SECTION47_LEVEL = "section47"
EPISODE_LEVEL = "episode"


def not_required() -> pl.Expr:
    """ICPCnotRequired as cpqa reads it: the flag, else the outcome, else false."""
    from_outcome = (
        pl.when(pl.col("outcome").is_not_null())
        .then(pl.col("outcome") != ICPC_OUTCOME)
        .otherwise(None)
    )
    return pl.coalesce(pl.col("icpc_not_required"), from_outcome).fill_null(False)


def same_group(left: str, right: str) -> pl.Expr:
    """Same CINdetails group: episodes equal, or either not recorded."""
    return pl.col(left).is_null() | pl.col(right).is_null() | (pl.col(left) == pl.col(right))


def icpc_conferences(frames: Frames, *, held_only: bool = True) -> pl.DataFrame:
    """Initial (and transfer-in) conferences with their level and episode.

    Columns: ref, child, section47, episode (resolved), date_held, level.
    """
    conferences = frames["conference"].filter(pl.col("kind").is_in(ICPC_KINDS))
    if held_only:
        conferences = conferences.filter(pl.col("date_held").is_not_null())
    conferences = conferences.select("ref", "child", "section47", "episode", "plan", "date_held")
    if "section47" in frames:
        enquiries = frames["section47"].select(
            pl.col("ref").alias("section47"), pl.col("episode").alias("_s47_episode")
        )
        conferences = conferences.join(enquiries, on="section47", how="left")
    else:
        conferences = conferences.with_columns(pl.lit(None, dtype=pl.String).alias("_s47_episode"))
    if "protection_plan" in frames:
        plans = frames["protection_plan"].select(
            pl.col("ref").alias("plan"), pl.col("episode").alias("_plan_episode")
        )
        conferences = conferences.join(plans, on="plan", how="left")
    else:
        conferences = conferences.with_columns(pl.lit(None, dtype=pl.String).alias("_plan_episode"))
    return conferences.select(
        "ref",
        "child",
        "section47",
        pl.coalesce("episode", "_s47_episode", "_plan_episode").alias("episode"),
        "date_held",
        pl.when(pl.col("section47").is_not_null())
        .then(pl.lit(SECTION47_LEVEL))
        .otherwise(pl.lit(EPISODE_LEVEL))
        .alias("level"),
    )


def section47_with_icpc(frames: Frames) -> pl.DataFrame:
    """Every enquiry with its Section47-level DateOfInitialCPC (the earliest held).

    Adds icpc_date, icpc_ref (the conference) and not_required.
    """
    icpc = (
        icpc_conferences(frames)
        .filter(pl.col("level") == SECTION47_LEVEL)
        .sort("date_held", "ref")
        .group_by("section47", maintain_order=True)
        .agg(
            pl.col("date_held").first().alias("icpc_date"), pl.col("ref").first().alias("icpc_ref")
        )
    )
    return (
        frames["section47"]
        .join(icpc, left_on="ref", right_on="section47", how="left")
        .with_columns(not_required().alias("not_required"))
    )


def reviews(frames: Frames) -> pl.DataFrame:
    return frames["conference"].filter(pl.col("kind") == REVIEW)


def date_text(column: str) -> pl.Expr:
    return pl.col(column).cast(pl.String).fill_null("not recorded")
