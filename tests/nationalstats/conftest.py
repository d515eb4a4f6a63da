from pathlib import Path

import polars as pl
import pytest

from cpqa.nationalstats.services import BUNDLED_DIR

C4 = BUNDLED_DIR / "c4_children_in_need_section_47s_and_icpcs_2013_to_2025.csv"
D3 = BUNDLED_DIR / "d3_cpps_subsequent_plan_2013_to_2025.csv"
ONS = BUNDLED_DIR / "ons_mid-year_population_estimates_2012_to_2024.csv"
SN = BUNDLED_DIR / "sn_model_2025_wide.csv"
LAIT = BUNDLED_DIR / "lait_bds_child_protection_cin_extract_2016_2025.csv"


def published(path: Path) -> pl.DataFrame:
    """A bundled file as text columns, to make altered copies of in the same layout."""
    return pl.read_csv(path, infer_schema=False, encoding="utf8-lossy")


@pytest.fixture
def write_csv(tmp_path):
    def write(frame: pl.DataFrame, name: str) -> Path:
        path = tmp_path / name
        frame.write_csv(path)
        return path

    return write
