"""Reading the published statistics: an authority beside England, its region and its neighbours.

`statistics_comparison(la_code=...)` gives, for each measure in measures.py
and each year, the authority's figure, England's, its region's, each of its
10 statistical neighbours' and their mean, each naming the files and years it
comes from. An authority that is not in the DfE files (the demo's fictional
one) borrows the region and neighbours of settings.CPQA_COMPARATOR_CODE.

The neighbours' mean is the plain mean of the neighbours that have a figure
that year (how many is given), as the DfE's LAIT averages statistical
neighbours.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import polars as pl
from django.conf import settings

from .formats import SYMBOLS
from .measures import MEASURES, MEASURES_BY_KEY, POPULATION, Kind, Measure
from .models import ChildPopulation, Level, PublishedFigure, StatisticalNeighbour

ENGLAND = "E92000001"
NEIGHBOURS_MEAN = "Statistical neighbours (mean of {count} of {of})"

NO_STATISTICS = (
    "No published statistics have been imported yet: run `cpqa statistics load-bundled`, "
    "or import the DfE files with `cpqa statistics import`."
)
COMPARATOR_USED = (
    "{code} is not in the DfE files, so it is compared with the region and statistical "
    "neighbours of {comparator} ({comparator_code}), set by CPQA_COMPARATOR_CODE."
)
NOT_IN_FILES = (
    "{code} is not in the DfE files and CPQA_COMPARATOR_CODE names no LA that is, so only "
    "England's figures are shown."
)
NOT_PUBLISHED = "not published"


@dataclass(frozen=True)
class Source:
    file_name: str
    year: int

    def __str__(self) -> str:
        return f"{self.file_name} ({self.year})"


@dataclass(frozen=True)
class Figure:
    """One area's figure for a measure and year, and where it came from."""

    area_code: str
    area_name: str
    value: float | None
    symbol: str = ""
    sources: tuple[Source, ...] = ()
    count: int | None = None  # for the neighbours' mean: how many neighbours had a figure

    @property
    def available(self) -> bool:
        return self.value is not None

    @property
    def reason(self) -> str:
        """Why there is no value, in words (empty when there is one)."""
        if self.value is not None:
            return ""
        return SYMBOLS.get(self.symbol, NOT_PUBLISHED)

    @property
    def source_text(self) -> str:
        return "; ".join(str(source) for source in self.sources)


@dataclass(frozen=True)
class YearComparison:
    year: int
    authority: Figure | None
    england: Figure | None
    region: Figure | None
    neighbours_mean: Figure | None
    neighbours: tuple[Figure, ...]


@dataclass(frozen=True)
class MeasureComparison:
    measure: Measure
    years: tuple[YearComparison, ...]

    @property
    def latest(self) -> YearComparison | None:
        return self.years[-1] if self.years else None


@dataclass(frozen=True)
class Neighbour:
    rank: int
    code: str
    name: str
    closeness: str


@dataclass(frozen=True)
class Comparison:
    la_code: str
    la_name: str
    in_files: bool
    comparator_code: str
    comparator_name: str
    region_code: str
    region_name: str
    neighbours: tuple[Neighbour, ...]
    neighbour_model: str
    measures: tuple[MeasureComparison, ...]
    message: str = ""

    def measure(self, key: str) -> MeasureComparison:
        return next(item for item in self.measures if item.measure.key == key)


FRAME_SCHEMA = {
    "dataset": pl.String,
    "measure": pl.String,
    "year": pl.Int64,
    "area_code": pl.String,
    "area_name": pl.String,
    "value": pl.Float64,
    "symbol": pl.String,
    "file_name": pl.String,
}


def la_in_files(*, la_code: str) -> bool:
    """Whether the published statistics hold an LA of this code."""
    return (
        PublishedFigure.objects.filter(level=Level.LA, area_code=la_code).exists()
        or StatisticalNeighbour.objects.filter(la_code=la_code).exists()
    )


def child_population_get(*, area_code: str, year: int) -> int | None:
    """The ONS estimate of children aged 0 to 17 in an area at mid-year (None if not held)."""
    figure = ChildPopulation.objects.filter(area_code=area_code, year=year).first()
    return None if figure is None or figure.value is None else int(figure.value)


def _region(*, la_code: str) -> tuple[str, str]:
    latest = (
        PublishedFigure.objects.filter(level=Level.LA, area_code=la_code)
        .exclude(region_code="")
        .order_by("-year")
        .values_list("region_code", flat=True)
        .first()
    )
    if latest is None:
        return "", ""
    name = (
        PublishedFigure.objects.filter(level=Level.REGIONAL, area_code=latest)
        .order_by("-year")
        .values_list("area_name", flat=True)
        .first()
    )
    return latest, name or ""


def _la_name(*, la_code: str) -> str:
    name = (
        PublishedFigure.objects.filter(level=Level.LA, area_code=la_code)
        .order_by("-year")
        .values_list("area_name", flat=True)
        .first()
    )
    if name:
        return name
    return (
        StatisticalNeighbour.objects.filter(la_code=la_code)
        .values_list("la_name", flat=True)
        .first()
        or ""
    )


def _figures(*, areas: Sequence[str], inputs: set[tuple[str, str]]) -> pl.DataFrame:
    rows = PublishedFigure.objects.filter(
        area_code__in=list(areas),
        dataset__in={dataset for dataset, _ in inputs},
        measure__in={measure for _, measure in inputs},
    ).values_list(
        "dataset",
        "measure",
        "year",
        "area_code",
        "area_name",
        "value",
        "symbol",
        "release__file_name",
    )
    frame = pl.DataFrame(list(rows), schema=FRAME_SCHEMA, orient="row")
    wanted = pl.DataFrame(
        [list(pair) for pair in inputs], schema=["dataset", "measure"], orient="row"
    )
    return frame.join(wanted, on=["dataset", "measure"], how="semi")


def _combined(
    frame: pl.DataFrame, inputs: Sequence[tuple[str, str]], shift: int = 0
) -> pl.DataFrame:
    """The sum of several published figures per area and year, with their symbols and sources.

    Only areas and years with every input are kept; a symbol on any input makes
    the sum not available. `shift` moves the year (population of mid-(Y − 1) → Y).
    """
    parts = pl.concat(
        [
            frame.filter((pl.col("dataset") == dataset) & (pl.col("measure") == measure))
            for dataset, measure in inputs
        ]
    ).with_columns(
        (pl.col("file_name") + " (" + pl.col("year").cast(pl.String) + ")").alias("source"),
        (pl.col("year") + shift).alias("year"),
    )
    return (
        parts.group_by("area_code", "year", maintain_order=True)
        .agg(
            pl.len().alias("inputs"),
            pl.col("area_name").first(),
            pl.col("value").sum().alias("value"),
            pl.col("symbol").filter(pl.col("symbol") != "").first().alias("symbol"),
            pl.col("source").unique(maintain_order=True),
        )
        .filter(pl.col("inputs") == len(inputs))
        .with_columns(pl.col("symbol").fill_null(""))
        .with_columns(
            pl.when(pl.col("symbol") == "").then(pl.col("value")).otherwise(None).alias("value")
        )
        .drop("inputs")
    )


def measure_frame(*, measure: Measure, figures: pl.DataFrame) -> pl.DataFrame:
    """A measure worked out for every area and year held: value, symbol and sources."""
    numerator = _combined(figures, measure.numerator)
    if measure.kind == Kind.PUBLISHED:
        return numerator
    if measure.kind == Kind.RATE:
        denominator, scale = _combined(figures, (POPULATION,), shift=1), 10_000
    else:
        denominator, scale = _combined(figures, measure.denominator), 100
    joined = numerator.join(
        denominator.select(
            "area_code",
            "year",
            pl.col("value").alias("bottom"),
            pl.col("symbol").alias("bottom_symbol"),
            pl.col("source").alias("bottom_source"),
        ),
        on=["area_code", "year"],
        how="inner",
    )
    symbol = (
        pl.when(pl.col("symbol") != "")
        .then(pl.col("symbol"))
        .when(pl.col("bottom_symbol") != "")
        .then(pl.col("bottom_symbol"))
        .when(pl.col("bottom") == 0)
        .then(pl.lit("z"))
        .otherwise(pl.lit(""))
    )
    return joined.with_columns(symbol.alias("symbol")).select(
        "area_code",
        "year",
        "area_name",
        pl.when(pl.col("symbol") == "")
        .then(pl.col("value") / pl.col("bottom") * scale)
        .otherwise(None)
        .alias("value"),
        "symbol",
        pl.concat_list("source", "bottom_source").list.unique(maintain_order=True).alias("source"),
    )


def _figure(row: dict | None, code: str) -> Figure | None:
    if row is None:
        return None
    return Figure(
        area_code=code,
        area_name=row["area_name"],
        value=row["value"],
        symbol=row["symbol"],
        sources=tuple(_source(text) for text in row["source"]),
    )


def _source(text: str) -> Source:
    name, _, year = text.rpartition(" (")
    return Source(name, int(year.rstrip(")")))


def statistics_comparison(*, la_code: str, measures: Sequence[str] | None = None) -> Comparison:
    """Each measure by year: the authority, England, its region, its neighbours and their mean."""
    chosen = [MEASURES_BY_KEY[key] for key in measures] if measures else list(MEASURES)
    if not PublishedFigure.objects.exists():
        return Comparison(la_code, "", False, "", "", "", "", (), "", (), NO_STATISTICS)
    in_files = la_in_files(la_code=la_code)
    message = ""
    geography = la_code
    if not in_files:
        comparator = settings.CPQA_COMPARATOR_CODE
        geography = comparator if comparator and la_in_files(la_code=comparator) else ""
    comparator_name = _la_name(la_code=geography) if geography and not in_files else ""
    if not in_files:
        message = (
            COMPARATOR_USED.format(
                code=la_code, comparator=comparator_name, comparator_code=geography
            )
            if geography
            else NOT_IN_FILES.format(code=la_code)
        )
    region_code, region_name = _region(la_code=geography) if geography else ("", "")
    neighbour_rows = list(
        StatisticalNeighbour.objects.filter(la_code=geography)
        .select_related("release")
        .order_by("rank")
    )
    neighbours = tuple(
        Neighbour(row.rank, row.neighbour_code, row.neighbour_name, row.closeness)
        for row in neighbour_rows
    )
    neighbour_model = neighbour_rows[0].release.file_name if neighbour_rows else ""
    areas = [ENGLAND, *([la_code] if in_files else []), *([region_code] if region_code else [])]
    areas += [neighbour.code for neighbour in neighbours]
    inputs = {pair for measure in chosen for pair in (*measure.numerator, *measure.denominator)}
    if any(measure.kind == Kind.RATE for measure in chosen):
        inputs.add(POPULATION)
    figures = _figures(areas=areas, inputs=inputs)
    results = []
    for measure in chosen:
        frame = measure_frame(measure=measure, figures=figures)
        by_key = {(row["area_code"], row["year"]): row for row in frame.to_dicts()}
        main = [code for code in (ENGLAND, la_code if in_files else "", region_code) if code]
        years = sorted({year for code, year in by_key if code in main})
        rows = []
        for year in years:
            around = [
                _figure(by_key.get((neighbour.code, year)), neighbour.code)
                or Figure(neighbour.code, neighbour.name, None)
                for neighbour in neighbours
            ]
            values = [figure.value for figure in around if figure.value is not None]
            mean = None
            if neighbours:
                sources = tuple(dict.fromkeys(s for figure in around for s in figure.sources))
                mean = Figure(
                    "neighbours",
                    NEIGHBOURS_MEAN.format(count=len(values), of=len(neighbours)),
                    sum(values) / len(values) if values else None,
                    sources=sources,
                    count=len(values),
                )
            rows.append(
                YearComparison(
                    year=year,
                    authority=_figure(by_key.get((la_code, year)), la_code) if in_files else None,
                    england=_figure(by_key.get((ENGLAND, year)), ENGLAND),
                    region=_figure(by_key.get((region_code, year)), region_code)
                    if region_code
                    else None,
                    neighbours_mean=mean,
                    neighbours=tuple(around),
                )
            )
        results.append(MeasureComparison(measure, tuple(rows)))
    return Comparison(
        la_code=la_code,
        la_name=_la_name(la_code=la_code) if in_files else "",
        in_files=in_files,
        comparator_code=geography if not in_files else "",
        comparator_name=comparator_name,
        region_code=region_code,
        region_name=region_name,
        neighbours=neighbours,
        neighbour_model=neighbour_model,
        measures=tuple(results),
        message=message,
    )
