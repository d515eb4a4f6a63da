import datetime as dt

import pytest

from cpqa.casework.selectors import fact_frame
from cpqa.dataquality.engine import COLUMNS_READ
from cpqa.dataquality.rules.base import registry
from cpqa.dataquality.selectors import check_frame, check_frames
from tests.dataquality.factories import (
    CINEpisodeFactory,
    ConferenceFactory,
    ProtectionPlanFactory,
    Section47Factory,
)


def test_the_checks_read_every_field_the_rules_declare():
    for rule in registry().values():
        for qualified in rule.fields:
            table, _, field = qualified.partition(".")
            assert field in COLUMNS_READ[table], (rule.code, qualified)


@pytest.mark.django_db
def test_check_frames_read_the_same_values_as_fact_frames(authority):
    episode = CINEpisodeFactory(authority=authority, referral_nfa=True, closure_reason="")
    enquiry = Section47Factory(
        authority=authority,
        child=episode.child,
        episode=episode,
        icpc_not_required=False,
        outcome="",
        icpc_target_date=dt.date(2025, 2, 28),
    )
    plan = ProtectionPlanFactory(authority=authority, child=episode.child, end_date=None)
    ConferenceFactory(
        authority=authority,
        child=episode.child,
        kind="initial",
        section47=enquiry,
        plan=plan,
        date_held=dt.date(2024, 12, 31),
        quorate=True,
    )
    frames = check_frames(authority=authority)
    assert set(frames) == set(COLUMNS_READ)
    for table, columns in COLUMNS_READ.items():
        expected = fact_frame(authority=authority, table=table).select(columns).sort("ref")
        assert frames[table].sort("ref").equals(expected), table
    enquiries = check_frame(
        authority=authority, table="section47", columns=COLUMNS_READ["section47"]
    )
    row = enquiries.row(0, named=True)
    # Blank text is null, dates are dates and false is false, not null.
    assert row["outcome"] is None
    assert row["icpc_target_date"] == dt.date(2025, 2, 28)
    assert row["icpc_not_required"] is False
    assert row["episode"] == episode.ref
