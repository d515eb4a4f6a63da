"""The published layouts cpqa reads, recognised from their header and checked, with polars.

- The DfE explore-education-statistics (EES) CSV layout: `time_period,
  time_identifier, geographic_level, country_code, country_name, region_code,
  region_name, old_la_code, new_la_code, la_name`, a filter column (`category`,
  or `age_group` in the ONS population file) and one column per indicator. The
  dataset (C4, D3, D5, B1 or the ONS population) is told by its indicator
  columns. Every indicator column in the file is kept, under its published name.
- The DfE statistical neighbour model, wide: `old_la_code, la_name,
  region_name, SN_1, SN_1P, ..., SN_10, SN_10P` (SN_k is the k-th closest
  neighbour's LA code, SN_kP how close it is).
- The LAIT long extract: `measure_short, data_item, year, area_name, la_number,
  region, value`, one figure a row; LAIT numbers England 970 and the regions 980
  to 990.

Parsing never writes: it returns the figures as a polars frame, or the problems,
each naming the file, the row (the line of the file: the header is row 1), the
column, the value and what was expected.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from .models import Dataset, Level

# The DfE's symbols for a figure that is not given (GSS harmonised symbols, with
# the older ones still found in back series). Kept as "not available", never errors.
SYMBOLS: dict[str, str] = {
    "c": "suppressed to protect confidentiality",
    "x": "not available",
    "z": "not applicable",
    "u": "low reliability",
    "low": "a positive figure that rounds to zero",
    "k": "a positive figure that rounds to zero",
    "~": "a positive figure that rounds to zero",
    ":": "not available",
    "..": "not available",
    ".": "not applicable",
    "-": "not available",
}
NUMBER = r"^-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?$"
MAX_PROBLEMS = 20

EES_GEOGRAPHY = (
    "time_period",
    "time_identifier",
    "geographic_level",
    "country_code",
    "country_name",
    "region_code",
    "region_name",
    "old_la_code",
    "new_la_code",
    "la_name",
)
EES_LEVELS = {
    "National": Level.NATIONAL,
    "Regional": Level.REGIONAL,
    "Local authority": Level.LA,
}
FOUR_DIGIT_TIMES = ("Reporting year", "Calendar year")
SIX_DIGIT_TIMES = ("Financial year", "Academic year")
ONS_CHILDREN = "Children aged 0 to 17 years"


@dataclass(frozen=True)
class EesLayout:
    dataset: Dataset
    filter_column: str
    # Indicator columns that tell the dataset and that cpqa's measures need.
    required: tuple[str, ...]


EES_LAYOUTS = (
    EesLayout(
        Dataset.C4,
        "category",
        (
            "Section47",
            "ICPC",
            "Duration_0-10_days",
            "Duration_11-15_days",
            "Duration_16-20_days",
            "Duration_21+_days",
        ),
    ),
    EesLayout(Dataset.D3, "category", ("CPP_start", "CPP_subsequent", "CPP_subsequent_percent")),
    EesLayout(
        Dataset.D5,
        "category",
        (
            "CPP_At31",
            "3_months_or_less_percent",
            "more_than_3_months_6_months_percent",
            "more_than_6_months_less_than_1_year_percent",
            "1_year_less_than_2_years_percent",
            "2_years_or_more_percent",
        ),
    ),
    EesLayout(Dataset.B1, "category", ("At31_episodes",)),
    EesLayout(Dataset.ONS_POPULATION, "age_group", ("population_estimate",)),
)

SN_COLUMNS = (
    "old_la_code",
    "la_name",
    "region_name",
    *(column for k in range(1, 11) for column in (f"SN_{k}", f"SN_{k}P")),
)
LAIT_COLUMNS = ("measure_short", "data_item", "year", "area_name", "la_number", "value")
# LAIT's numbers for England and the regions, with their ONS codes and names.
LAIT_AREAS: dict[str, tuple[str, str, str]] = {
    "970": (Level.NATIONAL, "E92000001", "England"),
    "980": (Level.REGIONAL, "E12000001", "North East"),
    "981": (Level.REGIONAL, "E12000002", "North West"),
    "982": (Level.REGIONAL, "E12000003", "Yorkshire and The Humber"),
    "983": (Level.REGIONAL, "E12000004", "East Midlands"),
    "984": (Level.REGIONAL, "E12000005", "West Midlands"),
    "985": (Level.REGIONAL, "E12000006", "East of England"),
    "986": (Level.REGIONAL, "E12000007", "London"),
    "987": (Level.REGIONAL, "E13000001", "Inner London"),
    "988": (Level.REGIONAL, "E13000002", "Outer London"),
    "989": (Level.REGIONAL, "E12000008", "South East"),
    "990": (Level.REGIONAL, "E12000009", "South West"),
}
REGION_CODES = {name: code for _, code, name in LAIT_AREAS.values()} | {
    "Yorkshire and the Humber": "E12000003"
}

# What was expected, for the messages (the tests assert on these).
EXPECTED_LAYOUT = (
    "a published statistics file cpqa knows: a DfE explore-education-statistics CSV "
    "(time_period, time_identifier, geographic_level, ..., la_name, then the indicators) "
    "of CIN tables C4, D3, D5 or B1 or the ONS child population; the DfE statistical "
    "neighbour model (old_la_code, la_name, region_name, SN_1, SN_1P, ... SN_10, SN_10P); "
    "or the LAIT long extract (measure_short, data_item, year, area_name, la_number, value)"
)
EXPECTED_COLUMN = "the column {column}, which the {dataset} layout has"
EXPECTED_TEXT = "a UTF-8 CSV file ({error})"
EXPECTED_YEAR = "a year such as 2025 (or 202425 for a financial or academic year)"
EXPECTED_TIME = "one of " + ", ".join(FOUR_DIGIT_TIMES + SIX_DIGIT_TIMES)
EXPECTED_TIME_MATCH = (
    "4 digits for a reporting or calendar year, 6 for a financial or academic year"
)
EXPECTED_LEVEL = "National, Regional or Local authority"
EXPECTED_COUNTRY = "the country's ONS code, e.g. E92000001"
EXPECTED_REGION = "the region's ONS code, e.g. E12000001"
EXPECTED_LA = "the DfE three-digit LA code, e.g. 929"
EXPECTED_VALUE = "a number or one of the DfE symbols " + ", ".join(SYMBOLS)
EXPECTED_ONE_ROW = "one row for each {what}"
EXPECTED_ONS_AGE = f"rows for {ONS_CHILDREN!r}"
EXPECTED_LAIT_AREA = (
    "a DfE three-digit LA code, or a LAIT area number (970 England, 980 to 990 regions)"
)
EXPECTED_CLOSENESS = "how close the neighbour is, e.g. Very close"
EXPECTED_NONEMPTY = "a value"


@dataclass(frozen=True)
class Problem:
    """Something wrong with a file that stops it being imported."""

    file: str
    row: int | None
    column: str
    value: str | None
    expected: str

    def __str__(self) -> str:
        where = self.file if self.row is None else f"{self.file}, row {self.row}"
        if not self.column:
            return f"{where}: expected {self.expected}"
        shown = "empty" if self.value in (None, "") else repr(self.value)
        return f"{where}, column {self.column}: {shown}; expected {self.expected}"


@dataclass
class ParsedStatistics:
    """A published file read and checked: its figures (or neighbours), or its problems."""

    name: str
    dataset: Dataset | None
    rows_read: int = 0
    figures: pl.DataFrame | None = None
    neighbours: pl.DataFrame | None = None
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    measure_labels: dict[str, str] = field(default_factory=dict)

    @property
    def years(self) -> tuple[int | None, int | None]:
        if self.figures is None or self.figures.is_empty():
            return None, None
        return int(self.figures["year"].min()), int(self.figures["year"].max())


FIGURE_SCHEMA = {
    "dataset": pl.String,
    "measure": pl.String,
    "year": pl.Int64,
    "level": pl.String,
    "area_code": pl.String,
    "area_name": pl.String,
    "new_code": pl.String,
    "region_code": pl.String,
    "value": pl.Float64,
    "symbol": pl.String,
}


def _read(path: Path) -> pl.DataFrame:
    """Every column as text, trimmed, with empty cells as null; a byte order mark is dropped."""
    text = path.read_bytes().decode("utf-8-sig")
    frame = pl.read_csv(io.StringIO(text), infer_schema=False)
    frame = frame.rename({column: column.strip() for column in frame.columns})
    return frame.with_columns(
        pl.col(column).str.strip_chars().replace("", None) for column in frame.columns
    )


def layout_detect(columns: list[str]) -> tuple[Dataset | None, list[str]]:
    """The dataset a header belongs to, and the columns it lacks (for a near miss)."""
    present = set(columns)
    if set(EES_GEOGRAPHY) <= present:
        # The layout with the most of its indicator columns present; a near miss names the rest.
        best = max(EES_LAYOUTS, key=lambda layout: len(set(layout.required) & present))
        if not set(best.required) & present:
            return None, []
        wanted = (*best.required, best.filter_column)
        return best.dataset, [column for column in wanted if column not in present]
    if "old_la_code" in present and "SN_1" in present:
        return Dataset.SN_MODEL, [column for column in SN_COLUMNS if column not in present]
    if "measure_short" in present and "la_number" in present:
        return Dataset.LAIT, [column for column in LAIT_COLUMNS if column not in present]
    return None, []


def _problems(
    name: str, frame: pl.DataFrame, bad: pl.Expr, column: str, expected: str
) -> list[Problem]:
    """A problem for each row (up to MAX_PROBLEMS) where `bad` holds, naming the column's value."""
    rows = frame.filter(bad).head(MAX_PROBLEMS).select("row", pl.col(column).alias("shown"))
    return [Problem(name, row, column, shown, expected) for row, shown in rows.iter_rows()]


def _value_problems(name: str, frame: pl.DataFrame, columns: list[str]) -> list[Problem]:
    problems: list[Problem] = []
    for column in columns:
        text = pl.col(column)
        bad = text.is_null() | ~(text.str.contains(NUMBER) | text.is_in(list(SYMBOLS)))
        problems += _problems(name, frame, bad, column, EXPECTED_VALUE)
    return problems


def _duplicate_problems(
    name: str, frame: pl.DataFrame, keys: list[str], what: str
) -> list[Problem]:
    """A problem for each row that repeats an earlier row's key."""
    repeated = pl.int_range(pl.len()).over(keys) > 0
    bad = frame.filter(repeated).head(MAX_PROBLEMS).select("row", *keys)
    expected = EXPECTED_ONE_ROW.format(what=what)
    return [
        Problem(name, row, ", ".join(keys), " ".join(str(value) for value in values), expected)
        for row, *values in bad.iter_rows()
    ]


def _long(
    frame: pl.DataFrame, index: list[str], columns: list[str], dataset: Dataset
) -> pl.DataFrame:
    """One row a figure: the value as a number, or the symbol that stands for it."""
    long = frame.unpivot(index=index, on=columns, variable_name="measure", value_name="raw")
    numeric = pl.col("raw").str.contains(NUMBER)
    return long.with_columns(
        pl.lit(dataset.value).alias("dataset"),
        pl.when(numeric).then(pl.col("raw").cast(pl.Float64)).otherwise(None).alias("value"),
        pl.when(numeric).then(pl.lit("")).otherwise(pl.col("raw")).alias("symbol"),
    ).select(*(pl.col(column).cast(dtype) for column, dtype in FIGURE_SCHEMA.items()))


def _parse_ees(name: str, frame: pl.DataFrame, dataset: Dataset) -> ParsedStatistics:
    layout = next(layout for layout in EES_LAYOUTS if layout.dataset == dataset)
    parsed = ParsedStatistics(name, dataset, rows_read=frame.height)
    frame = frame.with_row_index("row", offset=2).with_columns(pl.col("row").cast(pl.Int64))
    indicators = [
        column
        for column in frame.columns
        if column not in (*EES_GEOGRAPHY, layout.filter_column, "row")
    ]
    if dataset == Dataset.ONS_POPULATION:
        children = frame.filter(pl.col("age_group") == ONS_CHILDREN)
        if children.is_empty():
            parsed.problems.append(Problem(name, None, "age_group", None, EXPECTED_ONS_AGE))
            return parsed
        if children.height < frame.height:
            parsed.notes.append(
                f"{frame.height - children.height:,} rows of other age groups left out."
            )
        frame = children
    period = pl.col("time_period")
    identifier = pl.col("time_identifier")
    level = pl.col("geographic_level")
    checks = [
        (
            "time_period",
            period.is_null() | ~period.str.contains(r"^[0-9]{4}([0-9]{2})?$"),
            EXPECTED_YEAR,
        ),
        (
            "time_identifier",
            ~identifier.is_in(FOUR_DIGIT_TIMES + SIX_DIGIT_TIMES) | identifier.is_null(),
            EXPECTED_TIME,
        ),
        (
            "time_period",
            (period.str.len_chars() == 4) & identifier.is_in(SIX_DIGIT_TIMES)
            | (period.str.len_chars() == 6) & identifier.is_in(FOUR_DIGIT_TIMES),
            EXPECTED_TIME_MATCH,
        ),
        ("geographic_level", level.is_null() | ~level.is_in(list(EES_LEVELS)), EXPECTED_LEVEL),
        (
            "country_code",
            (level == "National") & pl.col("country_code").is_null(),
            EXPECTED_COUNTRY,
        ),
        ("region_code", (level == "Regional") & pl.col("region_code").is_null(), EXPECTED_REGION),
        (
            "old_la_code",
            (level == "Local authority")
            & (
                pl.col("old_la_code").is_null() | ~pl.col("old_la_code").str.contains(r"^[0-9]{3}$")
            ),
            EXPECTED_LA,
        ),
    ]
    for column, bad, expected in checks:
        parsed.problems += _problems(name, frame, bad.fill_null(False), column, expected)
    parsed.problems += _value_problems(name, frame, indicators)
    if parsed.problems:
        return parsed
    frame = frame.with_columns(
        pl.when(period.str.len_chars() == 6)
        .then(period.str.slice(0, 4).cast(pl.Int64) + 1)
        .otherwise(period.cast(pl.Int64))
        .alias("year"),
        level.replace_strict(EES_LEVELS, return_dtype=pl.String).alias("level"),
        pl.when(level == "National")
        .then(pl.col("country_code"))
        .when(level == "Regional")
        .then(pl.col("region_code"))
        .otherwise(pl.col("old_la_code"))
        .alias("area_code"),
        pl.when(level == "National")
        .then(pl.col("country_name"))
        .when(level == "Regional")
        .then(pl.col("region_name"))
        .otherwise(pl.col("la_name"))
        .fill_null("")
        .alias("area_name"),
        pl.when(level == "Local authority")
        .then(pl.col("new_la_code"))
        .otherwise(None)
        .fill_null("")
        .alias("new_code"),
        pl.when(level == "Local authority")
        .then(pl.col("region_code"))
        .otherwise(None)
        .fill_null("")
        .alias("region_code_of_la"),
    )
    parsed.problems += _duplicate_problems(
        name, frame, ["year", "level", "area_code"], "year and area"
    )
    if parsed.problems:
        return parsed
    frame = frame.drop("region_code").rename({"region_code_of_la": "region_code"})
    parsed.figures = _long(
        frame,
        ["year", "level", "area_code", "area_name", "new_code", "region_code"],
        indicators,
        dataset,
    )
    return parsed


def _parse_lait(name: str, frame: pl.DataFrame) -> ParsedStatistics:
    parsed = ParsedStatistics(name, Dataset.LAIT, rows_read=frame.height)
    frame = frame.with_row_index("row", offset=2).with_columns(pl.col("row").cast(pl.Int64))
    number = pl.col("la_number")
    checks = [
        ("measure_short", pl.col("measure_short").is_null(), EXPECTED_NONEMPTY),
        (
            "year",
            pl.col("year").is_null() | ~pl.col("year").str.contains(r"^[0-9]{4}$"),
            EXPECTED_YEAR,
        ),
        (
            "la_number",
            number.is_null()
            | ~(
                number.str.contains(r"^[0-9]{3}$")
                & ((number < "970") | number.is_in(list(LAIT_AREAS)))
            ),
            EXPECTED_LAIT_AREA,
        ),
    ]
    for column, bad, expected in checks:
        parsed.problems += _problems(name, frame, bad.fill_null(True), column, expected)
    parsed.problems += _value_problems(name, frame, ["value"])
    if parsed.problems:
        return parsed
    parsed.problems += _duplicate_problems(
        name, frame, ["measure_short", "year", "la_number"], "measure, year and area"
    )
    if parsed.problems:
        return parsed
    areas = pl.DataFrame(
        {
            "la_number": list(LAIT_AREAS),
            "area_level": [level for level, _, _ in LAIT_AREAS.values()],
            "area_ons": [code for _, code, _ in LAIT_AREAS.values()],
        }
    )
    region = pl.col("region") if "region" in frame.columns else pl.lit(None, dtype=pl.String)
    frame = frame.join(areas, on="la_number", how="left").with_columns(
        pl.col("year").cast(pl.Int64),
        pl.col("area_level").fill_null(Level.LA.value).alias("level"),
        pl.coalesce("area_ons", "la_number").alias("area_code"),
        pl.col("area_name").fill_null(""),
        pl.lit("").alias("new_code"),
        pl.when(pl.col("area_level").is_null())
        .then(region.replace_strict(REGION_CODES, default=None, return_dtype=pl.String))
        .otherwise(None)
        .fill_null("")
        .alias("region_code"),
        pl.col("value").alias("raw"),
        pl.col("measure_short").alias("measure"),
    )
    labels = frame.group_by("measure").agg(pl.col("data_item").drop_nulls().first())
    parsed.measure_labels = {measure: label or "" for measure, label in labels.iter_rows()}
    numeric = pl.col("raw").str.contains(NUMBER)
    parsed.figures = frame.with_columns(
        pl.lit(Dataset.LAIT.value).alias("dataset"),
        pl.when(numeric).then(pl.col("raw").cast(pl.Float64)).otherwise(None).alias("value"),
        pl.when(numeric).then(pl.lit("")).otherwise(pl.col("raw")).alias("symbol"),
    ).select(*(pl.col(column).cast(dtype) for column, dtype in FIGURE_SCHEMA.items()))
    return parsed


def _parse_sn(name: str, frame: pl.DataFrame) -> ParsedStatistics:
    parsed = ParsedStatistics(name, Dataset.SN_MODEL, rows_read=frame.height)
    frame = frame.with_row_index("row", offset=2).with_columns(pl.col("row").cast(pl.Int64))
    code = r"^[0-9]{3}$"
    for column in ["old_la_code"] + [f"SN_{k}" for k in range(1, 11)]:
        bad = pl.col(column).is_null() | ~pl.col(column).str.contains(code)
        parsed.problems += _problems(name, frame, bad, column, EXPECTED_LA)
    for column in [f"SN_{k}P" for k in range(1, 11)]:
        parsed.problems += _problems(
            name, frame, pl.col(column).is_null(), column, EXPECTED_CLOSENESS
        )
    if parsed.problems:
        return parsed
    parsed.problems += _duplicate_problems(name, frame, ["old_la_code"], "LA")
    if parsed.problems:
        return parsed
    codes = frame.unpivot(
        index=["old_la_code", "la_name", "region_name"],
        on=[f"SN_{k}" for k in range(1, 11)],
        variable_name="slot",
        value_name="neighbour_code",
    ).with_columns(pl.col("slot").str.slice(3).cast(pl.Int64).alias("rank"))
    closeness = frame.unpivot(
        index=["old_la_code"],
        on=[f"SN_{k}P" for k in range(1, 11)],
        variable_name="slot",
        value_name="closeness",
    ).with_columns(pl.col("slot").str.slice(3).str.strip_suffix("P").cast(pl.Int64).alias("rank"))
    names = frame.select(
        pl.col("old_la_code").alias("neighbour_code"), pl.col("la_name").alias("neighbour_name")
    )
    neighbours = (
        codes.join(closeness.drop("slot"), on=["old_la_code", "rank"], how="left")
        .join(names, on="neighbour_code", how="left")
        .select(
            pl.col("old_la_code").alias("la_code"),
            pl.col("la_name").fill_null(""),
            pl.col("region_name").fill_null(""),
            "rank",
            "neighbour_code",
            pl.col("neighbour_name").fill_null(""),
            pl.col("closeness").fill_null(""),
        )
        .sort("la_code", "rank")
    )
    unnamed = neighbours.filter(pl.col("neighbour_name") == "")["neighbour_code"].unique().sort()
    if unnamed.len():
        parsed.notes.append(
            "Neighbours with no row of their own in the file: " + ", ".join(unnamed.to_list())
        )
    parsed.neighbours = neighbours
    return parsed


def statistics_file_parse(*, name: str, path: Path) -> ParsedStatistics:
    """Read a published file in its own layout, recognised from its header, and check it."""
    try:
        frame = _read(path)
    except (UnicodeDecodeError, pl.exceptions.PolarsError) as error:
        problem = Problem(name, None, "", None, EXPECTED_TEXT.format(error=str(error)[:200]))
        return ParsedStatistics(name, None, problems=[problem])
    dataset, missing = layout_detect(frame.columns)
    if dataset is None:
        header = ", ".join(frame.columns)
        return ParsedStatistics(
            name, None, problems=[Problem(name, 1, "(the header)", header, EXPECTED_LAYOUT)]
        )
    if missing:
        label = Dataset(dataset).label
        return ParsedStatistics(
            name,
            dataset,
            problems=[
                Problem(name, 1, column, None, EXPECTED_COLUMN.format(column=column, dataset=label))
                for column in missing
            ],
        )
    if dataset == Dataset.SN_MODEL:
        return _parse_sn(name, frame)
    if dataset == Dataset.LAIT:
        return _parse_lait(name, frame)
    return _parse_ees(name, frame, dataset)
