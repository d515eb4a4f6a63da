"""Canonical frames out as a DfE CIN census XML file, as the CIN census importer reads it.

The census is of the children with a CIN episode open at some time in the census
year (the year ending on the reference date): each such episode is written with
everything recorded against it (assessments, CIN plans, section 47 enquiries and
their initial conferences, child protection plans and their reviews), whatever
their dates. A record the census cannot place (an enquiry or plan with no episode,
an episode with no referral date) and the facts it has no field for (teams, workers,
transfer-in conferences, a conference's outcome) are left out. Write from frames
that hold nothing after the reference date, as a real census would.

The file is written as a stream (lxml xmlfile), one Child at a time.
"""

from datetime import date, datetime
from pathlib import Path
from typing import Literal

import numpy as np
import polars as pl
from lxml import etree

from cpqa.casework.schema import empty_frame
from cpqa.ingest.formats.cin_census import census_year

SOFTWARE = "cpqa"
RELEASE = "0.1.0"
# Sex codes: the Sex element (2024) and the GenderCurrent element (2021).
SEX_2021 = {"M": "1", "F": "2", "U": "0"}
BOOLEANS = {"2024": ("true", "false"), "2021": ("1", "0")}


def _frame(frames: dict[str, pl.DataFrame], name: str) -> pl.DataFrame:
    frame = frames.get(name)
    if frame is None:
        return empty_frame(name)
    return frame


def _text(frame: pl.DataFrame, schema: str) -> pl.DataFrame:
    """Every column as the text written in the file (dates YYYY-MM-DD); empty text is null."""
    true, false = BOOLEANS[schema]
    columns = []
    for name, dtype in frame.schema.items():
        column = pl.col(name)
        if dtype == pl.Boolean:
            column = pl.when(column).then(pl.lit(true)).when(~column).then(pl.lit(false))
        elif dtype == pl.Date:
            column = column.dt.strftime("%Y-%m-%d")
        elif dtype != pl.String:
            column = column.cast(pl.String)
        columns.append(column.replace("", None).alias(name))
    return frame.select(columns)


def _grouped(
    frame: pl.DataFrame, *, key: str, groups: int, order: list[str], columns: list[str]
) -> tuple[list[tuple], np.ndarray]:
    """Rows sorted by group (then by `order`), and where each group's rows start."""
    frame = frame.filter(pl.col(key).is_not_null()).sort(
        [key, *order], nulls_last=True, maintain_order=True
    )
    counts = np.bincount(frame.get_column(key).to_numpy(), minlength=groups)
    starts = np.concatenate([[0], np.cumsum(counts)])
    return frame.select(columns).rows(), starts


def _indexed(frame: pl.DataFrame, refs: pl.DataFrame, *, on: str, name: str) -> pl.DataFrame:
    """Add the position (in `refs`) of the record that `on` points to, as `name`."""
    positions = refs.select(pl.col("ref").alias(on), pl.int_range(pl.len()).alias(name))
    return frame.join(positions, on=on, how="left", maintain_order="left")


def cin_census_write(
    *,
    frames: dict[str, pl.DataFrame],
    reference_date: date,
    path: Path,
    la_code: str,
    schema: Literal["2024", "2021"] = "2024",
    created: datetime | None = None,
) -> int:
    """Write the census of the year ending on `reference_date`; return how many children.

    `schema` "2024" writes Sex (M, F, U) and booleans true/false; "2021" writes
    GenderCurrent (1, 2, 0) and booleans 1/0. `created` is the Header's DateTime
    (default now); give it to write the same bytes from the same frames.
    """
    if schema not in BOOLEANS:
        raise ValueError(f"schema must be 2024 or 2021, not {schema!r}")
    start, end = census_year(reference_date=reference_date)
    children = _frame(frames, "child")
    episodes = _frame(frames, "cin_episode").filter(
        pl.col("referral_date").is_not_null()
        & (pl.col("referral_date") <= end)
        & (pl.col("closure_date").is_null() | (pl.col("closure_date") >= start))
    )
    episodes = _indexed(episodes, children, on="child", name="_child")
    episodes = episodes.filter(pl.col("_child").is_not_null()).sort(
        "_child", "referral_date", maintain_order=True
    )
    kept = episodes.get_column("_child").unique(maintain_order=True).sort()
    children = children.with_row_index("_child").filter(pl.col("_child").is_in(kept.implode()))
    # Positions from here on: child i of `children`, episode e of `episodes`.
    children = children.with_columns(pl.int_range(pl.len()).alias("_child"))
    episodes = _indexed(episodes.drop("_child"), children, on="child", name="_child")
    n_children, n_episodes = children.height, episodes.height

    def within(name: str) -> pl.DataFrame:
        return _indexed(_frame(frames, name), episodes, on="episode", name="_episode")

    assessments = within("assessment")
    cin_plans = within("cin_plan")
    enquiries = within("section47").with_row_index("_s47")
    plans = within("protection_plan").with_row_index("_plan")
    conferences = _frame(frames, "conference").filter(pl.col("date_held").is_not_null())
    initial = conferences.filter(pl.col("kind") == "initial")
    # The earliest initial conference of each enquiry, and of each episode at its level.
    by_enquiry = (
        _indexed(initial, enquiries.drop("_s47"), on="section47", name="_s47")
        .group_by("_s47")
        .agg(pl.col("date_held").min().alias("_icpc"))
    )
    by_episode = (
        _indexed(initial.filter(pl.col("section47").is_null()), episodes, on="episode", name="_row")
        .group_by("_row")
        .agg(pl.col("date_held").min().alias("_icpc"))
    )
    enquiries = enquiries.with_columns(pl.col("_s47").cast(pl.Int64)).join(
        by_enquiry, on="_s47", how="left", maintain_order="left"
    )
    episodes = (
        episodes.with_row_index("_row")
        .with_columns(pl.col("_row").cast(pl.Int64))
        .join(by_episode, on="_row", how="left", maintain_order="left")
    )
    reviews = _indexed(
        conferences.filter(pl.col("kind") == "review"), plans.drop("_plan"), on="plan", name="_plan"
    )
    plans = plans.with_columns(pl.col("_plan").cast(pl.Int64))

    child_rows = _text(
        children.select(
            "ref", "date_of_birth", "expected_date_of_birth", "sex", "date_of_death",
            "ethnicity", "disabilities",
        ),
        schema,
    ).rows()  # fmt: skip
    episode_rows, episode_starts = _grouped(
        _text(episodes, schema).with_columns(episodes.get_column("_child")),
        key="_child",
        groups=n_children,
        order=[],  # already in order: row e is episode e
        columns=[
            "referral_date", "referral_source", "primary_need", "closure_date",
            "closure_reason", "_icpc", "referral_nfa",
        ],
    )  # fmt: skip
    assessment_rows, assessment_starts = _grouped(
        _text(assessments, schema).with_columns(assessments.get_column("_episode")),
        key="_episode",
        groups=n_episodes,
        order=["start_date"],
        columns=["start_date", "authorisation_date", "factors"],
    )
    cin_plan_rows, cin_plan_starts = _grouped(
        _text(cin_plans, schema).with_columns(cin_plans.get_column("_episode")),
        key="_episode",
        groups=n_episodes,
        order=["start_date"],
        columns=["start_date", "end_date"],
    )
    enquiry_rows, enquiry_starts = _grouped(
        _text(enquiries, schema).with_columns(enquiries.get_column("_episode")),
        key="_episode",
        groups=n_episodes,
        order=["start_date"],
        columns=["start_date", "icpc_target_date", "_icpc", "icpc_not_required"],
    )
    plan_text = _text(plans, schema).with_columns(
        plans.get_column("_episode"), plans.get_column("_plan")
    )
    plan_rows, plan_starts = _grouped(
        plan_text,
        key="_episode",
        groups=n_episodes,
        order=["start_date"],
        columns=[
            "start_date", "end_date", "initial_category", "latest_category", "previous_plans",
            "_plan",
        ],
    )  # fmt: skip
    review_rows, review_starts = _grouped(
        _text(reviews, schema).with_columns(reviews.get_column("_plan")),
        key="_plan",
        groups=plans.height,
        order=["date_held"],
        columns=["date_held"],
    )

    sex_element = "Sex" if schema == "2024" else "GenderCurrent"
    sex_codes = {"M": "M", "F": "F", "U": "U"} if schema == "2024" else SEX_2021
    created = created or datetime.now().replace(microsecond=0)
    sub = etree.SubElement

    def value(parent, tag: str, text: str | None) -> None:
        if text is not None:
            sub(parent, tag).text = text

    with etree.xmlfile(str(path), encoding="utf-8") as xf:
        xf.write_declaration()
        with xf.element("Message"):
            xf.write("\n")
            header = etree.Element("Header")
            details = sub(header, "CollectionDetails")
            value(details, "Collection", "CIN")
            value(details, "Year", str(reference_date.year))
            value(details, "ReferenceDate", reference_date.isoformat())
            source = sub(header, "Source")
            value(source, "SourceLevel", "L")
            value(source, "LEA", la_code)
            value(source, "SoftwareCode", SOFTWARE)
            value(source, "Release", RELEASE)
            value(source, "SerialNo", "001")
            value(source, "DateTime", created.isoformat())
            xf.write(header, pretty_print=True)
            with xf.element("Children"):
                xf.write("\n")
                for i, (ref, birth, expected, sex, death, ethnicity, disabilities) in enumerate(
                    child_rows
                ):
                    child = etree.Element("Child")
                    identifiers = sub(child, "ChildIdentifiers")
                    value(identifiers, "LAchildID", ref)
                    value(identifiers, "PersonBirthDate", birth)
                    value(identifiers, "ExpectedPersonBirthDate", expected)
                    value(identifiers, sex_element, sex_codes.get(sex) if sex else None)
                    value(identifiers, "PersonDeathDate", death)
                    characteristics = sub(child, "ChildCharacteristics")
                    value(characteristics, "Ethnicity", ethnicity)
                    if disabilities:
                        listed = sub(characteristics, "Disabilities")
                        for code in disabilities.split(","):
                            value(listed, "Disability", code.strip() or None)
                    for e in range(episode_starts[i], episode_starts[i + 1]):
                        referral, source_code, need, closure, reason, icpc, nfa = episode_rows[e]
                        cin = sub(child, "CINdetails")
                        value(cin, "CINreferralDate", referral)
                        value(cin, "ReferralSource", source_code)
                        value(cin, "PrimaryNeedCode", need)
                        value(cin, "CINclosureDate", closure)
                        value(cin, "ReasonForClosure", reason)
                        value(cin, "DateOfInitialCPC", icpc)
                        for a in range(assessment_starts[e], assessment_starts[e + 1]):
                            started, authorised, factors = assessment_rows[a]
                            assessment = sub(cin, "Assessments")
                            value(assessment, "AssessmentActualStartDate", started)
                            value(assessment, "AssessmentAuthorisationDate", authorised)
                            if factors:
                                found = sub(assessment, "FactorsIdentifiedAtAssessment")
                                for code in factors.split(","):
                                    value(found, "AssessmentFactors", code.strip() or None)
                        for p in range(cin_plan_starts[e], cin_plan_starts[e + 1]):
                            started, ended = cin_plan_rows[p]
                            dates = sub(cin, "CINPlanDates")
                            value(dates, "CINPlanStartDate", started)
                            value(dates, "CINPlanEndDate", ended)
                        for s in range(enquiry_starts[e], enquiry_starts[e + 1]):
                            started, target, held, not_required = enquiry_rows[s]
                            enquiry = sub(cin, "Section47")
                            value(enquiry, "S47ActualStartDate", started)
                            value(enquiry, "InitialCPCtarget", target)
                            value(enquiry, "DateOfInitialCPC", held)
                            value(enquiry, "ICPCnotRequired", not_required)
                        value(cin, "ReferralNFA", nfa)
                        for p in range(plan_starts[e], plan_starts[e + 1]):
                            started, ended, initial_category, latest, previous, row = plan_rows[p]
                            plan = sub(cin, "ChildProtectionPlans")
                            value(plan, "CPPstartDate", started)
                            value(plan, "CPPendDate", ended)
                            value(plan, "InitialCategoryOfAbuse", initial_category)
                            value(plan, "LatestCategoryOfAbuse", latest)
                            value(plan, "NumberOfPreviousCPP", previous)
                            first, last = review_starts[row], review_starts[row + 1]
                            if last > first:
                                held_reviews = sub(plan, "Reviews")
                                for r in range(first, last):
                                    value(held_reviews, "CPPreviewDate", review_rows[r][0])
                    xf.write(child, pretty_print=True)
    return n_children
