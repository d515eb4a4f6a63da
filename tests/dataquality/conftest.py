import datetime as dt
from types import SimpleNamespace

import pytest

from cpqa.dataquality.services import findings_refresh
from tests.dataquality.factories import (
    ChildFactory,
    InvolvementFactory,
    ProfessionalFactory,
    ProtectionPlanFactory,
    TeamFactory,
    VisitFactory,
)

TODAY = dt.date(2025, 1, 15)


def two_teams_checked(authority) -> SimpleNamespace:
    """Two teams, each with a child whose plan starts and ends the same day (8840)
    and has a visit with no date (and North's a visit with one); the checks run
    as on 15 January 2025."""
    north = TeamFactory(authority=authority, name="North Locality Team", ref="TN")
    south = TeamFactory(authority=authority, name="South Locality Team", ref="TS")
    north_worker = ProfessionalFactory(authority=authority, name="Nadia North", team=north)
    south_worker = ProfessionalFactory(authority=authority, name="Sam South", team=south)
    children = {}
    for name, team, worker in (("north", north, north_worker), ("south", south, south_worker)):
        child = ChildFactory(authority=authority, team=team, ref=f"CHILD-{name.upper()}")
        plan = ProtectionPlanFactory(
            authority=authority,
            child=child,
            start_date=dt.date(2024, 6, 3),
            end_date=dt.date(2024, 6, 3),
        )
        VisitFactory(authority=authority, plan=plan, child=child, date=None)
        if team == north:
            VisitFactory(authority=authority, plan=plan, child=child, date=dt.date(2024, 6, 3))
        InvolvementFactory(
            authority=authority, child=child, professional=worker, start_date=dt.date(2024, 1, 1)
        )
        children[name] = child
    summary = findings_refresh(authority=authority, today=TODAY, region="england")
    return SimpleNamespace(
        north=north,
        south=south,
        north_worker=north_worker,
        south_worker=south_worker,
        north_child=children["north"],
        south_child=children["south"],
        summary=summary,
    )


@pytest.fixture
def checked(authority) -> SimpleNamespace:
    return two_teams_checked(authority)
