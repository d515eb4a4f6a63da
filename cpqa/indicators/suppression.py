"""Small-number suppression for aggregate-only readers (councillors), as pure functions.

Primary suppression: a count from 1 to 4 is not shown ("fewer than 5"). 0 is
shown. For a percentage, a denominator from 1 to 4 suppresses the denominator,
the numerator and the percentage; a numerator from 1 to 4 suppresses the
numerator and the percentage (the percentage and the denominator would give it
back).

Complementary suppression: figures are tied together by sums (the whole
authority is the sum of its teams and of the records with no team; the counts by
category add up to the count of plans started; ...). A suppressed figure that is
the only unknown in such a sum could be worked out from the others, so another
figure of the sum is suppressed too: the smallest non-zero one (then the smallest,
then the total). This is repeated until no sum has exactly one unknown.

The records with no team are never shown as a row, but they are conservatively
treated as known to the reader unless their number is from 1 to 4, when they
are an unknown that must not be worked out either.

`suppress_rows` applies all of this to the engine's rows; the other functions
are its parts, kept separate so they can be checked by hand.
"""

from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass

FEWER_THAN_5 = "fewer than 5"
WITHHELD = "withheld"  # suppressed so that a small number cannot be worked out

SMALLEST, LARGEST = 1, 4

Cell = Hashable


def is_small(value: int | None) -> bool:
    """A count from 1 to 4."""
    return value is not None and SMALLEST <= value <= LARGEST


@dataclass(frozen=True)
class Relation:
    """total = sum(parts) + residual, where the residual is not shown as a cell."""

    total: Cell
    parts: tuple[Cell, ...]
    residual: int = 0


def _unknowns(relation: Relation, hidden: set[Cell]) -> int:
    members = (relation.total, *relation.parts)
    return sum(1 for cell in members if cell in hidden) + (1 if is_small(relation.residual) else 0)


def _complement(relation: Relation, values: Mapping[Cell, int | None], hidden: set[Cell]) -> Cell:
    """The figure to suppress as well: the smallest non-zero part, else the smallest, else
    the total."""
    shown = [cell for cell in relation.parts if cell not in hidden]
    non_zero = [cell for cell in shown if (values.get(cell) or 0) > 0]
    for candidates in (non_zero, shown):
        if candidates:
            return min(candidates, key=lambda cell: values.get(cell) or 0)
    return relation.total


def complementary(
    values: Mapping[Cell, int | None],
    hidden: Iterable[Cell],
    relations: Sequence[Relation],
    *,
    also: Mapping[Cell, Sequence[Cell]] | None = None,
) -> set[Cell]:
    """Suppress more figures until none that is suppressed can be worked out.

    `also` couples figures: when a cell is hidden, the cells listed for it are
    hidden too (e.g. a denominator takes its numerator with it).
    """
    result = set(hidden)
    also = also or {}

    def hide(cell: Cell) -> None:
        stack = [cell]
        while stack:
            current = stack.pop()
            if current in result:
                continue
            result.add(current)
            stack.extend(also.get(current, ()))

    for cell in list(result):
        result.discard(cell)
        hide(cell)
    changed = True
    while changed:
        changed = False
        for relation in relations:
            if _unknowns(relation, result) == 1:
                complement = _complement(relation, values, result)
                if complement in result:
                    continue
                hide(complement)
                changed = True
    return result


def primary(rows: Sequence[Mapping], kinds: Mapping[str, str]) -> set[Cell]:
    """The figures suppressed because they are small, as cells (row key, "n" or "d")."""
    hidden: set[Cell] = set()
    for row in rows:
        key = row_key(row)
        kind = kinds[row["indicator"]]
        if kind in ("count", "percentage", "rate") and is_small(row["numerator"]):
            hidden.add((key, "n"))
        if kind in ("percentage", "mean") and is_small(row["denominator"]):
            hidden.add((key, "d"))
    return hidden


def row_key(row: Mapping) -> tuple:
    return (
        row["indicator"],
        row["period_start"],
        row["period_end"],
        row["team_ref"],
        row["breakdown"],
    )


def _relations(
    rows: Sequence[Mapping],
    kinds: Mapping[str, str],
    part_of: Mapping[str, str],
    denominator_of: Mapping[str, str],
    shares: Iterable[str],
) -> list[Relation]:
    shares = set(shares)
    values: dict[Cell, int | None] = {}
    for row in rows:
        values[(row_key(row), "n")] = row["numerator"]
        values[(row_key(row), "d")] = row["denominator"]
    relations: list[Relation] = []

    # The whole authority is the sum of its teams (and of the records with no team).
    teams: dict[tuple, list[tuple]] = defaultdict(list)
    for row in rows:
        if row["team_ref"] is not None:
            indicator, start, end, _, breakdown = row_key(row)
            teams[(indicator, start, end, breakdown)].append(row_key(row))
    for (indicator, start, end, breakdown), keys in teams.items():
        total_key = (indicator, start, end, None, breakdown)
        fields = ["n"] if kinds[indicator] in ("count", "rate") else ["n", "d"]
        for field in fields:
            total = values.get((total_key, field))
            if total is None:
                continue
            parts = tuple((key, field) for key in keys)
            residual = total - sum(values.get(part) or 0 for part in parts)
            relations.append(Relation((total_key, field), parts, residual))

    by_group: dict[tuple, list[tuple]] = defaultdict(list)  # (indicator, period, team) -> keys
    for row in rows:
        indicator, start, end, team, _ = row_key(row)
        by_group[(indicator, start, end, team)].append(row_key(row))

    # Parts of a parent: by breakdown value, or as sibling indicators.
    siblings: dict[str, list[str]] = defaultdict(list)
    for child, parent in part_of.items():
        siblings[parent].append(child)
    periods_teams = {(start, end, team) for (_, start, end, team) in by_group}
    for parent, children in siblings.items():
        for start, end, team in periods_teams:
            total = ((parent, start, end, team, None), "n")
            if total not in values:
                continue
            flat: list[Cell] = []
            for child in children:
                keys = by_group.get((child, start, end, team), [])
                if any(key[4] is not None for key in keys):
                    parts = tuple((key, "n") for key in keys)
                    residual = (values[total] or 0) - sum(values.get(p) or 0 for p in parts)
                    relations.append(Relation(total, parts, residual))
                else:
                    flat.extend((key, "n") for key in keys)
            if flat:
                residual = (values[total] or 0) - sum(values.get(p) or 0 for p in flat)
                relations.append(Relation(total, tuple(flat), residual))

    # A denominator that is another indicator's count.
    for child, parent in denominator_of.items():
        for (indicator, start, end, team), keys in by_group.items():
            if indicator != child:
                continue
            total = ((parent, start, end, team, None), "n")
            if total not in values:
                continue
            for key in keys:
                relations.append(Relation(total, ((key, "d"),)))

    # Shares by breakdown value: the numerators add up to the (common) denominator.
    for (indicator, _start, _end, _team), keys in by_group.items():
        if indicator not in shares or not keys:
            continue
        first = (keys[0], "d")
        parts = tuple((key, "n") for key in keys)
        relations.append(Relation(first, parts))
        relations.extend(Relation(first, ((key, "d"),)) for key in keys[1:])
    return relations


def suppress_rows(
    rows: Sequence[Mapping],
    *,
    kinds: Mapping[str, str],
    part_of: Mapping[str, str] | None = None,
    denominator_of: Mapping[str, str] | None = None,
    shares: Iterable[str] = (),
) -> list[dict]:
    """The rows with small numbers, and what would give them away, suppressed.

    rows: the engine's rows (indicator, period_start, period_end, team_ref,
    breakdown, numerator, denominator, value), for every team and the whole
    authority, so that sums can be checked. kinds: indicator id -> kind.
    part_of: indicator -> the count its numerators make up (by breakdown value,
    or with its sibling indicators). denominator_of: indicator -> the count its
    denominator equals. shares: indicators whose numerators by breakdown value
    add up to their denominator.

    Returns copies of the rows with the withheld figures set to None,
    `suppressed` (True if any figure is withheld) and `small` (True if the
    row's own count, or its denominator, is from 1 to 4: shown as "fewer than 5").
    """
    values: dict[Cell, int | None] = {}
    also: dict[Cell, list[Cell]] = {}
    for row in rows:
        key = row_key(row)
        values[(key, "n")] = row["numerator"]
        values[(key, "d")] = row["denominator"]
        if kinds[row["indicator"]] in ("percentage", "mean"):
            also[(key, "d")] = [(key, "n")]
    relations = _relations(rows, kinds, part_of or {}, denominator_of or {}, shares)
    small = primary(rows, kinds)
    hidden = complementary(values, small, relations, also=also)
    result = []
    for row in rows:
        key = row_key(row)
        numerator_hidden = (key, "n") in hidden
        denominator_hidden = (key, "d") in hidden
        value_hidden = numerator_hidden or denominator_hidden
        copy = dict(row)
        if numerator_hidden:
            copy["numerator"] = None
        if denominator_hidden:
            copy["denominator"] = None
        if value_hidden:
            copy["value"] = None
        copy["suppressed"] = value_hidden
        copy["small"] = (key, "n") in small or (key, "d") in small
        result.append(copy)
    return result


def suppressed_label(row: Mapping) -> str:
    """How a withheld figure is shown: "fewer than 5" when it is itself small."""
    if not row.get("suppressed"):
        return ""
    return FEWER_THAN_5 if row.get("small") else WITHHELD
