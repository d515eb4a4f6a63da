from datetime import date

import polars as pl

from cpqa.ingest.keys import child_event_ref, numbered_when_repeated


def test_derived_refs_join_child_kind_and_date():
    frame = pl.DataFrame(
        {"child": ["C1", "C2", "C3"], "day": [date(2025, 3, 1), None, date(2024, 2, 29)]}
    )
    refs = frame.select(child_event_ref(pl.col("child"), "s47", pl.col("day")).alias("ref"))
    assert refs["ref"].to_list() == ["C1/s47/2025-03-01", "C2/s47/unknown", "C3/s47/2024-02-29"]


def test_repeats_are_numbered_in_order():
    frame = pl.DataFrame({"ref": ["a", "b", "a", "a", "b"]})
    out = frame.select(numbered_when_repeated(pl.col("ref")))["ref"].to_list()
    assert out == ["a", "b", "a#2", "a#3", "b#2"]
