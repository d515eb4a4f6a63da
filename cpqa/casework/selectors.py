"""Reads of the casework facts, scoped to what the reader may see.

Every function that returns child-level records takes the reader and the
page, export or API address it is reading for, and writes an access-log
entry for the records returned. Aggregates (counts) are not child-level and
are not logged; they are what councillors see.
"""

from dataclasses import dataclass

import polars as pl
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet

from cpqa.accounts.models import AccessKind
from cpqa.accounts.scope import Scope, user_scope
from cpqa.accounts.services import access_log_record
from cpqa.core.bulk import rows_fetch
from cpqa.core.models import Authority

from .models import (
    Child,
    Conference,
    LookedAfterEpisode,
    ProtectionPlan,
    Section47,
    Team,
    UnallocatedEpisode,
    Visit,
)
from .schema import Column, fact_table, fact_tables

NOT_YOUR_TEAM = "This child is not in one of your teams."


def team_list(*, authority_id: int | None) -> QuerySet[Team]:
    return Team.objects.filter(authority_id=authority_id).order_by("name")


def child_queryset(*, scope: Scope) -> QuerySet[Child]:
    """The children a scope may see: none, its teams' children, or the authority's."""
    if not scope.child_level or scope.authority_id is None:
        return Child.objects.none()
    children = Child.objects.filter(authority_id=scope.authority_id)
    if scope.team_ids is not None:
        children = children.filter(team_id__in=scope.team_ids)
    return children


def child_list(
    *,
    user,
    via: str,
    kind: str = AccessKind.PAGE,
    search: str = "",
    team_id: int | None = None,
    on_plan_only: bool = False,
    offset: int = 0,
    limit: int = 50,
) -> tuple[list[Child], int]:
    """A page of the children the user may see, and how many there are in all."""
    scope = user_scope(user)
    if not scope.child_level:
        raise PermissionDenied
    children = child_queryset(scope=scope).select_related("team")
    if search:
        children = children.filter(ref__icontains=search.strip())
    if team_id is not None:
        children = children.filter(team_id=team_id)
    if on_plan_only:
        children = children.filter(
            Q(protectionplan__start_date__isnull=False) & Q(protectionplan__end_date__isnull=True)
        ).distinct()
    total = children.count()
    page = list(children.order_by("ref")[offset : offset + limit])
    if page:
        access_log_record(
            user=user,
            kind=kind,
            via=via,
            record_type="child list",
            child_refs=[child.ref for child in page],
        )
    return page, total


@dataclass
class ChildRecord:
    child: Child
    plans: list[ProtectionPlan]
    enquiries: list[Section47]
    conferences: list[Conference]
    visits: list[Visit]
    looked_after: list[LookedAfterEpisode]
    unallocated: list[UnallocatedEpisode]


def child_get(*, user, ref: str, via: str, kind: str = AccessKind.PAGE) -> ChildRecord:
    """One child's record with its facts, if the user may see it; logged."""
    scope = user_scope(user)
    if not scope.child_level:
        raise PermissionDenied
    child = Child.objects.select_related("team").get(authority_id=scope.authority_id, ref=ref)
    if not scope.allows_team(child.team_id):
        raise PermissionDenied(NOT_YOUR_TEAM)
    record = ChildRecord(
        child=child,
        plans=list(
            ProtectionPlan.objects.filter(child=child)
            .select_related("team")
            .order_by("-start_date")
        ),
        enquiries=list(
            Section47.objects.filter(child=child).select_related("team").order_by("-start_date")
        ),
        conferences=list(
            Conference.objects.filter(child=child).select_related("chair").order_by("-date_held")
        ),
        visits=list(Visit.objects.filter(child=child).order_by("-date")[:20]),
        looked_after=list(LookedAfterEpisode.objects.filter(child=child).order_by("-start_date")),
        unallocated=list(UnallocatedEpisode.objects.filter(child=child).order_by("-from_date")),
    )
    access_log_record(user=user, kind=kind, via=via, record_type="child record", child_refs=[ref])
    return record


def fact_frame(*, authority: Authority, table: str) -> pl.DataFrame:
    """One fact table from the database as a canonical frame (see schema.py).

    Columns are the table's fields; a foreign key column holds the ref of the
    record it points to, as in the frames the importers produce, so rules and
    indicators run the same on either. The child frame also has `team`, the
    child's current team. Not child-level output in itself: whatever shows
    its rows to a person must log that.
    """
    spec = fact_table(table)
    select: list[str] = []
    joins: list[str] = []
    schema: dict[str, pl.DataType] = {}
    columns = list(spec.columns)
    if table == "child":
        columns.append(Column("team", pl.String, False, "team", None, None, "", "team_id"))
    for index, column in enumerate(columns):
        if column.references is None:
            select.append(f"t.{column.db_column}")
        else:
            alias = f"r{index}"
            target = fact_table(column.references).db_table
            joins.append(f"LEFT JOIN {target} {alias} ON {alias}.id = t.{column.db_column}")
            select.append(f"{alias}.ref")
        if column.dtype == pl.Date:
            select[-1] = f"CAST({select[-1]} AS TEXT)"
        schema[column.name] = column.dtype
    sql = (
        f"SELECT {', '.join(select)} FROM {spec.db_table} t {' '.join(joins)} "  # noqa: S608
        "WHERE t.authority_id = %s"
    )
    frame = rows_fetch(sql=sql, params=[authority.pk], schema=schema)
    # Blank text is stored as "" but means "not recorded": null, as in imported frames.
    blanks = [
        pl.col(name).replace("", None) for name, dtype in schema.items() if dtype == pl.String
    ]
    return frame.with_columns(blanks)


def fact_frames(
    *, authority: Authority, tables: tuple[str, ...] | None = None
) -> dict[str, pl.DataFrame]:
    """Several fact tables as canonical frames, keyed by table name."""
    names = tables or tuple(spec.name for spec in fact_tables())
    return {name: fact_frame(authority=authority, table=name) for name in names}
