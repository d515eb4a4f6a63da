"""Importing published files: all or nothing, re-import unchanged, newer releases superseding."""

import hashlib
import io

import polars as pl
import pytest
from django.core.management import CommandError, call_command

from cpqa.nationalstats.formats import (
    EXPECTED_COLUMN,
    EXPECTED_LAIT_AREA,
    EXPECTED_LAYOUT,
    EXPECTED_LEVEL,
    EXPECTED_VALUE,
    Problem,
)
from cpqa.nationalstats.management.commands.statistics import NOTHING_CHANGED, REJECTED
from cpqa.nationalstats.models import (
    ChildPopulation,
    Dataset,
    Level,
    PublishedFigure,
    StatisticalNeighbour,
    StatisticsRelease,
)
from cpqa.nationalstats.selectors import NO_STATISTICS, statistics_comparison
from cpqa.nationalstats.services import (
    ACCEPTED,
    KEPT_NEWER,
    NOT_IMPORTED,
    REJECTED_BECAUSE_OF_OTHERS,
    UNCHANGED,
    statistics_import,
)

from .conftest import C4, LAIT, ONS, SN, published

pytestmark = pytest.mark.django_db

# C4 has 2,132 rows (165 of them for 2025) and 11 indicator columns.
C4_ROWS, C4_2025_ROWS, C4_INDICATORS = 2132, 165, 11


def figure(dataset, measure, year, area_code):
    return PublishedFigure.objects.get(
        dataset=dataset, measure=measure, year=year, area_code=area_code
    )


def test_import_reads_the_published_layout_and_records_the_release(make_user):
    officer = make_user("data_officer")
    report = statistics_import(paths=[C4, ONS], user=officer)
    assert report.accepted and report.changed
    assert [file.outcome for file in report.files] == [ACCEPTED, ACCEPTED]
    release = StatisticsRelease.objects.get(dataset=Dataset.C4)
    assert release.file_name == C4.name
    assert release.sha256 == hashlib.sha256(C4.read_bytes()).hexdigest()
    assert release.imported_by == officer and release.operator == officer.username
    assert (release.first_year, release.last_year) == (2013, 2025)
    assert release.rows_read == C4_ROWS
    assert release.figures == C4_ROWS * C4_INDICATORS
    assert report.files[0].added == C4_ROWS * C4_INDICATORS
    # England, 2024-25: 230,590 section 47 enquiries and 72,100 ICPCs (the national row)
    assert figure(Dataset.C4, "Section47", 2025, "E92000001").value == 230_590
    assert figure(Dataset.C4, "ICPC", 2025, "E92000001").value == 72_100
    west_sussex = figure(Dataset.C4, "Section47", 2025, "938")
    assert (west_sussex.level, west_sussex.area_name, west_sussex.value) == (
        Level.LA,
        "West Sussex",
        2901,
    )
    assert (west_sussex.new_code, west_sussex.region_code) == ("E10000032", "E12000008")
    assert ChildPopulation.objects.get(area_code="E92000001", year=2024).value == 12_183_016
    assert ChildPopulation.objects.count() == 2132


def test_symbols_are_kept_as_not_available():
    statistics_import(paths=[C4])
    city = figure(Dataset.C4, "Section47", 2025, "201")  # City of London, suppressed
    assert (city.value, city.symbol) == (None, "c")
    hackney = figure(Dataset.C4, "Section47", 2021, "204")
    assert (hackney.value, hackney.symbol) == (None, "x")
    hampshire = figure(Dataset.C4, "Section47", 2024, "850")
    assert (hampshire.value, hampshire.symbol) == (None, "u")
    assert PublishedFigure.objects.filter(symbol="z", measure="Duration_median").exists()


def test_reimporting_the_same_file_changes_nothing_and_says_so():
    statistics_import(paths=[C4])
    before = list(PublishedFigure.objects.values_list("pk", "value", "release_id"))
    report = statistics_import(paths=[C4])
    assert not report.changed and report.accepted
    assert report.files[0].outcome == UNCHANGED
    assert report.files[0].notes[0].startswith("Already imported on ")
    assert report.files[0].notes[0].endswith("nothing changed.")
    assert StatisticsRelease.objects.count() == 1
    assert list(PublishedFigure.objects.values_list("pk", "value", "release_id")) == before
    out = io.StringIO()
    call_command("statistics", "import", str(C4), stdout=out)
    assert out.getvalue().rstrip().endswith(NOTHING_CHANGED)


def test_a_bad_value_rejects_every_file_of_the_import(write_csv):
    frame = published(C4)
    # West Sussex 2025 is data row 115 of the file (row 116, counting the header as row 1)
    bad = (
        frame.with_row_index()
        .with_columns(
            pl.when(pl.col("index") == 114)
            .then(pl.lit("29O1"))
            .otherwise(pl.col("Section47"))
            .alias("Section47")
        )
        .drop("index")
    )
    path = write_csv(bad, "c4_bad.csv")
    report = statistics_import(paths=[ONS, path])
    assert not report.accepted
    assert report.problems == [Problem("c4_bad.csv", 116, "Section47", "29O1", EXPECTED_VALUE)]
    assert str(report.problems[0]) == (
        f"c4_bad.csv, row 116, column Section47: '29O1'; expected {EXPECTED_VALUE}"
    )
    assert report.files[0].outcome == NOT_IMPORTED
    assert REJECTED_BECAUSE_OF_OTHERS in report.files[0].notes
    assert not StatisticsRelease.objects.exists()
    assert not PublishedFigure.objects.exists()


def test_the_command_reports_a_rejected_file_and_fails(write_csv):
    bad = published(C4).with_columns(
        pl.when(pl.col("geographic_level") == "Regional")
        .then(pl.lit("Region"))
        .otherwise(pl.col("geographic_level"))
        .alias("geographic_level")
    )
    path = write_csv(bad, "c4_levels.csv")
    out = io.StringIO()
    with pytest.raises(CommandError) as error:
        call_command("statistics", "import", str(path), stdout=out)
    # the first regional row is the second data row: row 3 of the file
    problem = Problem("c4_levels.csv", 3, "geographic_level", "Region", EXPECTED_LEVEL)
    assert f"  {problem}" in out.getvalue().splitlines()
    assert str(error.value) == REJECTED.format(count=20, s="s")  # the first 20 are listed
    assert not PublishedFigure.objects.exists()


def test_an_unknown_layout_is_rejected_naming_its_header(write_csv):
    path = write_csv(pl.DataFrame({"team": ["North"], "visits": ["3"]}), "visits.csv")
    report = statistics_import(paths=[path])
    assert report.problems == [
        Problem("visits.csv", 1, "(the header)", "team, visits", EXPECTED_LAYOUT)
    ]


def test_a_near_miss_names_the_missing_column(write_csv):
    path = write_csv(published(C4).drop("Duration_21+_days"), "c4_short.csv")
    report = statistics_import(paths=[path])
    expected = EXPECTED_COLUMN.format(column="Duration_21+_days", dataset=Dataset.C4.label)
    assert report.problems == [Problem("c4_short.csv", 1, "Duration_21+_days", None, expected)]


def test_a_repeated_row_is_rejected(write_csv):
    frame = published(C4)
    path = write_csv(pl.concat([frame, frame.head(1)]), "c4_twice.csv")
    report = statistics_import(paths=[path])
    assert [(p.row, p.column, p.value) for p in report.problems] == [
        (C4_ROWS + 2, "year, level, area_code", "2025 national E92000001")
    ]


def older_c4(write_csv):
    """The 2024 release as it might have been: 2013 to 2024, England's 2024 enquiries 1 lower."""
    frame = published(C4).filter(pl.col("time_period") <= "2024")
    england_2024 = (pl.col("time_period") == "2024") & (pl.col("geographic_level") == "National")
    real = int(frame.filter(england_2024)["Section47"][0])
    frame = frame.with_columns(
        pl.when(england_2024)
        .then(pl.lit(str(real - 1)))
        .otherwise(pl.col("Section47"))
        .alias("Section47")
    )
    return write_csv(frame, "c4_2013_to_2024.csv"), real


def test_a_newer_release_replaces_the_older_figures_for_the_years_it_covers(write_csv):
    older, real = older_c4(write_csv)
    statistics_import(paths=[older])
    assert figure(Dataset.C4, "Section47", 2024, "E92000001").value == real - 1
    report = statistics_import(paths=[C4])
    file = report.files[0]
    older_figures = (C4_ROWS - C4_2025_ROWS) * C4_INDICATORS
    assert (file.replaced, file.changed, file.added) == (
        older_figures,
        1,
        C4_2025_ROWS * C4_INDICATORS,
    )
    assert figure(Dataset.C4, "Section47", 2024, "E92000001").value == real
    assert PublishedFigure.objects.count() == C4_ROWS * C4_INDICATORS
    old, new = StatisticsRelease.objects.order_by("pk")
    assert old.superseded_by == new
    assert not PublishedFigure.objects.filter(release=old).exists()


def test_an_older_release_imported_later_leaves_the_newer_figures(write_csv):
    statistics_import(paths=[C4])
    older, real = older_c4(write_csv)
    report = statistics_import(paths=[older])
    file = report.files[0]
    older_figures = (C4_ROWS - C4_2025_ROWS) * C4_INDICATORS
    assert file.outcome == ACCEPTED
    assert (file.kept, file.replaced, file.added) == (older_figures, 0, 0)
    assert file.notes == [
        KEPT_NEWER.format(count=older_figures, years="2013 to 2024", file=C4.name)
    ]
    assert figure(Dataset.C4, "Section47", 2024, "E92000001").value == real


def test_both_releases_in_one_import_the_newer_wins_whatever_the_order(write_csv):
    older, real = older_c4(write_csv)
    report = statistics_import(paths=[C4, older])
    assert report.accepted
    assert figure(Dataset.C4, "Section47", 2024, "E92000001").value == real


def test_a_newer_neighbour_model_replaces_the_older(write_csv):
    statistics_import(paths=[SN])
    assert StatisticalNeighbour.objects.count() == 153 * 10
    first = StatisticalNeighbour.objects.get(la_code="929", rank=1)
    assert (first.neighbour_code, first.neighbour_name, first.closeness) == (
        "926",
        "Norfolk",
        "Very close",
    )
    frame = published(SN)
    northumberland = pl.col("old_la_code") == "929"
    swapped = frame.with_columns(
        pl.when(northumberland).then(pl.col("SN_2")).otherwise(pl.col("SN_1")).alias("SN_1"),
        pl.when(northumberland).then(pl.col("SN_1")).otherwise(pl.col("SN_2")).alias("SN_2"),
    )
    statistics_import(paths=[write_csv(swapped, "sn_model_2026_wide.csv")])
    assert StatisticalNeighbour.objects.count() == 153 * 10
    assert StatisticalNeighbour.objects.get(la_code="929", rank=1).neighbour_code == "830"
    old, new = StatisticsRelease.objects.order_by("pk")
    assert old.superseded_by == new


def test_lait_long_extract_maps_england_and_regions():
    statistics_import(paths=[LAIT])
    england = figure(Dataset.LAIT, "RevCP", 2025, "E92000001")
    assert (england.level, england.value) == (Level.NATIONAL, 90.6)
    london = figure(Dataset.LAIT, "RevCP", 2025, "E12000007")
    assert (london.level, london.area_name) == (Level.REGIONAL, "London")
    city = figure(Dataset.LAIT, "RevCP", 2025, "201")
    assert (city.value, city.symbol, city.region_code) == (None, "-", "E13000001")
    release = StatisticsRelease.objects.get()
    assert release.summary["measures"]["RevCP"] == "Review of child protection cases PAF CF/C20"


def test_lait_rejects_an_unknown_area_number(write_csv):
    frame = published(LAIT).head(3).with_columns(pl.lit("1000").alias("la_number"))
    report = statistics_import(paths=[write_csv(frame, "lait.csv")])
    assert report.problems[0] == Problem("lait.csv", 2, "la_number", "1000", EXPECTED_LAIT_AREA)


def test_no_statistics_yet():
    assert statistics_comparison(la_code="938").message == NO_STATISTICS


def test_a_file_that_is_not_text_is_rejected(tmp_path):
    path = tmp_path / "c4.xlsx"
    path.write_bytes(b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00\xff\xfe")
    report = statistics_import(paths=[path])
    assert len(report.problems) == 1
    assert report.problems[0].file == "c4.xlsx"
    assert report.problems[0].expected.startswith("a UTF-8 CSV file")
    assert not StatisticsRelease.objects.exists()
