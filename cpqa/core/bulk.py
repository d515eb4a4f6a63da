"""Writing many rows at once, the fastest way each database offers.

SQLite: `executemany` of one INSERT over the rows, in slices. PostgreSQL:
`COPY ... FROM STDIN` of the rows as CSV written by polars (no Python work per
row); where rows may already be held, COPY into a temporary table and one
`INSERT ... SELECT ... ON CONFLICT`. Both run in the caller's transaction.
"""

import polars as pl
from django.db import connection

SLICE = 50_000


def _csv_ready(frame: pl.DataFrame) -> pl.DataFrame:
    """Timestamps as ISO text with their offset, which COPY reads exactly."""
    return frame.with_columns(
        pl.col(name).dt.to_string("%Y-%m-%d %H:%M:%S%.f%:z")
        for name, dtype in frame.schema.items()
        if isinstance(dtype, pl.Datetime) and dtype.time_zone is not None
    )


def _copy(cursor, *, table: str, columns: str, frame: pl.DataFrame) -> None:
    frame = _csv_ready(frame)
    # Django's cursor wraps psycopg's, which has copy(); its errors are raised as
    # Django's (IntegrityError, DataError, ...), as for any other query.
    with (
        connection.wrap_database_errors,
        cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN (FORMAT csv)") as copy,
    ):
        for piece in frame.iter_slices(SLICE):
            copy.write(piece.write_csv(include_header=False))


def _staged(cursor, *, table: str, names: str, frame: pl.DataFrame) -> str:
    """COPY the frame into a new temporary table of `table`'s columns; return its name."""
    quote = connection.ops.quote_name
    staging = quote(f"cpqa_load_{table}")
    cursor.execute(f"DROP TABLE IF EXISTS {staging}")
    cursor.execute(
        f"CREATE TEMPORARY TABLE {staging} AS "  # noqa: S608
        f"SELECT {names} FROM {quote(table)} WITH NO DATA"
    )
    _copy(cursor, table=staging, columns=names, frame=frame)
    return staging


def rows_insert(*, table: str, frame: pl.DataFrame, conflict: str = "") -> None:
    """Insert the frame's rows into `table`, its columns named as the table's columns.

    `conflict`, if given, is the clause for rows already held, e.g.
    "ON CONFLICT (authority_id, ref) DO UPDATE SET name = excluded.name".
    Table and column names come from the models, never from input.
    """
    if frame.height == 0:
        return
    quote = connection.ops.quote_name
    names = ", ".join(quote(name) for name in frame.columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            if not conflict:
                _copy(cursor, table=quote(table), columns=names, frame=frame)
                return
            staging = _staged(cursor, table=table, names=names, frame=frame)
            cursor.execute(
                f"INSERT INTO {quote(table)} ({names}) SELECT {names} FROM {staging} {conflict}"  # noqa: S608
            )
            cursor.execute(f"DROP TABLE {staging}")
            return
        placeholders = ", ".join(["%s"] * frame.width)
        sql = f"INSERT INTO {quote(table)} ({names}) VALUES ({placeholders}) {conflict}"  # noqa: S608
        for piece in frame.iter_slices(SLICE):
            cursor.executemany(sql, piece.rows())


def rows_update(*, table: str, frame: pl.DataFrame, key: str, where: str) -> None:
    """Set the frame's columns of the rows whose `key` column matches the frame's `key`.

    `where` narrows the rows (e.g. "authority_id = 3"); it and the names come
    from the code, never from input. The frame's keys are distinct (the loader
    checks). SQLite: `executemany` of one UPDATE. PostgreSQL: COPY into a
    temporary table and one `UPDATE ... FROM`.
    """
    columns = [name for name in frame.columns if name != key]
    if frame.height == 0 or not columns:
        return
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            names = ", ".join(quote(name) for name in frame.columns)
            staging = _staged(cursor, table=table, names=names, frame=frame)
            assignments = ", ".join(f"{quote(name)} = s.{quote(name)}" for name in columns)
            cursor.execute(
                f"UPDATE {quote(table)} AS t SET {assignments} FROM {staging} s "  # noqa: S608
                f"WHERE t.{quote(key)} = s.{quote(key)} AND t.{where}"
            )
            cursor.execute(f"DROP TABLE {staging}")
            return
        assignments = ", ".join(f"{quote(name)} = %s" for name in columns)
        sql = f"UPDATE {quote(table)} SET {assignments} WHERE {where} AND {quote(key)} = %s"  # noqa: S608
        rows = frame.select(*columns, key)
        for piece in rows.iter_slices(SLICE):
            cursor.executemany(sql, piece.rows())


def rows_fetch(*, sql: str, params: list, schema: dict[str, pl.DataType]) -> pl.DataFrame:
    """The rows of a query as a frame of `schema` (one name per selected column, in order).

    The query selects dates as ISO text (CAST(... AS TEXT)); polars parses them
    over whole columns. SQLite: `fetchall`. PostgreSQL: `COPY (query) TO STDOUT`
    as CSV read by polars, with no Python object per value.
    """
    postgres = connection.vendor == "postgresql"
    read_as = {
        name: pl.String
        if dtype == pl.Date or (postgres and dtype == pl.Boolean)
        else (pl.Int64 if dtype == pl.Boolean else dtype)
        for name, dtype in schema.items()
    }
    with connection.cursor() as cursor:
        if postgres:
            query = connection.ops.compose_sql(sql, params)
            with (
                connection.wrap_database_errors,
                cursor.cursor.copy(f"COPY ({query}) TO STDOUT (FORMAT csv)") as copy,
            ):
                data = b"".join(bytes(block) for block in copy)
            frame = pl.read_csv(data, has_header=False, schema=read_as) if data else None
        else:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
            frame = pl.DataFrame(rows, schema=read_as, orient="row") if rows else None
    if frame is None:
        return pl.DataFrame(schema=schema)
    converted = []
    for name, dtype in schema.items():
        if dtype == pl.Date:
            converted.append(pl.col(name).str.slice(0, 10).str.to_date("%Y-%m-%d"))
        elif dtype == pl.Boolean:
            # PostgreSQL writes t and f in CSV; SQLite holds 1 and 0.
            converted.append(pl.col(name) == "t" if postgres else pl.col(name).cast(pl.Boolean))
    return frame.with_columns(converted)
