"""Record identifiers for formats that carry none.

The CIN census and Annex A identify a child but not their enquiries, plans
or reviews. cpqa derives an identifier for each from the child and the date
that defines it, the same way in every importer, so that the same enquiry
from a CIN census and from an Annex A workbook is one record, and a later
extract updates it rather than adding a copy.
"""

import polars as pl

SEPARATOR = "/"


def derived_ref(*parts: pl.Expr | str) -> pl.Expr:
    """Join parts with '/'; dates are written YYYY-MM-DD; a missing part reads 'unknown'."""
    exprs = []
    for part in parts:
        if isinstance(part, str):
            exprs.append(pl.lit(part))
        else:
            exprs.append(part.cast(pl.String).fill_null("unknown"))
    return pl.concat_str(exprs, separator=SEPARATOR)


def child_event_ref(child: pl.Expr, kind: str, day: pl.Expr) -> pl.Expr:
    """e.g. 'C123/s47/2025-03-01', 'C123/cpp/2025-04-02', 'C123/icpc/2025-03-20'."""
    return derived_ref(child, kind, day)


def numbered_when_repeated(ref: pl.Expr) -> pl.Expr:
    """Make refs unique by numbering repeats: 'x', 'x#2', 'x#3' in the order given."""
    occurrence = pl.int_range(pl.len()).over(ref) + 1
    return (
        pl.when(occurrence == 1)
        .then(ref)
        .otherwise(pl.concat_str([ref, pl.lit("#"), occurrence.cast(pl.String)]))
    )


# The kinds used in derived identifiers, one per fact.
KINDS = {
    "cin_episode": "cin",
    "assessment": "assessment",
    "cin_plan": "cinplan",
    "section47": "s47",
    "protection_plan": "cpp",
    "initial_conference": "icpc",
    "review_conference": "review",
    "visit": "visit",
    "looked_after_episode": "cla",
    "involvement": "allocation",
}
