import polars as pl

from cpqa.casework.models import Agency

from ..common import agency_invitations, members, one_of
from ..context import Context, Frames
from ..registry import Indicator, register

AGENCIES = tuple(Agency.values)

DEFINITION = """\
Of the agencies invited to the child protection conferences (initial, review and \
transfer-in) held in P (attendance records with invited yes), the percentage \
that attended (recorded as yes; no or not recorded counts as not).
Team: the conference's team. Breakdown: the agency (a code not in the list counts as \
other)."""


def compute(frames: Frames, ctx: Context) -> pl.LazyFrame:
    return members(
        agency_invitations(frames, ctx),
        numerator=pl.col("attended").fill_null(False),
        breakdown=one_of(pl.col("agency"), AGENCIES, Agency.OTHER.value),
        extra=("conference", "date_held", "attended"),
    )


INDICATOR = register(
    Indicator(
        id="agency_attendance",
        title="Agencies attending conferences they were invited to",
        kind="percentage",
        definition=DEFINITION,
        compute=compute,
        tables=("conference", "conference_attendance"),
        breakdown="agency",
        breakdown_values=AGENCIES,
        columns=(("conference", "Conference"), ("date_held", "Held"), ("attended", "Attended")),
    )
)
