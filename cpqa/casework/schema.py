"""The canonical frames: the one contract between importers, the generator and the loader.

Each fact table has a polars frame whose columns are the model's field names.
A foreign key column holds the `ref` (source identifier) of the record it
points to, so a frame can be built from any source before anything is in the
database. The schema is read from the models, so it cannot drift from them.
"""

from dataclasses import dataclass
from functools import cache

import polars as pl
from django.db import models

from . import models as m

# Load order: every table comes after the tables it points to.
FACT_MODELS: tuple[type[m.Fact], ...] = (
    m.Team,
    m.Professional,
    m.Child,
    m.CINEpisode,
    m.Assessment,
    m.CINPlan,
    m.Section47,
    m.ProtectionPlan,
    m.Conference,
    m.ConferenceAttendance,
    m.CoreGroupMeeting,
    m.Visit,
    m.LookedAfterEpisode,
    m.UnallocatedEpisode,
    m.StaffingSnapshot,
    m.SupervisionRecord,
    m.Involvement,
)

TABLE_NAMES: dict[type[m.Fact], str] = {
    m.Team: "team",
    m.Professional: "professional",
    m.Child: "child",
    m.CINEpisode: "cin_episode",
    m.Assessment: "assessment",
    m.CINPlan: "cin_plan",
    m.Section47: "section47",
    m.ProtectionPlan: "protection_plan",
    m.Conference: "conference",
    m.ConferenceAttendance: "conference_attendance",
    m.CoreGroupMeeting: "core_group_meeting",
    m.Visit: "visit",
    m.LookedAfterEpisode: "looked_after_episode",
    m.UnallocatedEpisode: "unallocated_episode",
    m.StaffingSnapshot: "staffing_snapshot",
    m.SupervisionRecord: "supervision_record",
    m.Involvement: "involvement",
}

# Provenance columns are set by the loader, not carried in frames.
PROVENANCE = frozenset({"id", "authority", "import_run", "entered_by", "recorded_at"})
# Columns the loader works out itself.
DERIVED = frozenset({("child", "team")})


@dataclass(frozen=True)
class Column:
    name: str
    dtype: type[pl.DataType] | pl.DataType
    required: bool
    references: str | None  # the table a foreign key points to
    choices: tuple[str, ...] | None
    max_length: int | None
    help_text: str
    db_column: str


@dataclass(frozen=True)
class Table:
    name: str
    model: type[m.Fact]
    columns: tuple[Column, ...]

    @property
    def db_table(self) -> str:
        return self.model._meta.db_table

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(column.name for column in self.columns)

    def column(self, name: str) -> Column:
        for column in self.columns:
            if column.name == name:
                return column
        raise KeyError(name)

    def polars_schema(self) -> dict[str, pl.DataType]:
        return {column.name: column.dtype for column in self.columns}


def _dtype(field: models.Field):
    if isinstance(field, models.ForeignKey):
        return pl.String
    if isinstance(field, models.DateField):
        return pl.Date
    if isinstance(field, models.BooleanField):
        return pl.Boolean
    if isinstance(field, models.IntegerField):
        return pl.Int64
    if isinstance(field, models.FloatField):
        return pl.Float64
    if isinstance(field, (models.CharField, models.TextField)):
        return pl.String
    raise TypeError(f"no frame type for {field!r}")


def _column(table_name: str, field: models.Field) -> Column:
    is_fk = isinstance(field, models.ForeignKey)
    required = field.name == "ref" or (
        not field.null and not field.blank and not field.has_default()
    )
    references = TABLE_NAMES[field.related_model] if is_fk else None
    return Column(
        name=field.name,
        dtype=_dtype(field),
        required=required,
        references=references,
        choices=tuple(value for value, _ in field.choices) if field.choices else None,
        max_length=getattr(field, "max_length", None) if not is_fk else None,
        help_text=str(field.help_text or ""),
        db_column=field.column,
    )


@cache
def fact_tables() -> tuple[Table, ...]:
    tables = []
    for model in FACT_MODELS:
        name = TABLE_NAMES[model]
        columns = tuple(
            _column(name, field)
            for field in model._meta.concrete_fields
            if field.name not in PROVENANCE and (name, field.name) not in DERIVED
        )
        tables.append(Table(name=name, model=model, columns=columns))
    return tuple(tables)


def fact_table(name: str) -> Table:
    for table in fact_tables():
        if table.name == name:
            return table
    raise KeyError(f"no fact table called {name!r}")


def empty_frame(name: str) -> pl.DataFrame:
    return pl.DataFrame(schema=fact_table(name).polars_schema())
