"""Whole SSD and local-table files, mutated cell by cell, column by column and row by row:
read to frames the loader accepts or rejected with problems naming the file, and imported
exactly as read or not at all.

The files are those the synthetic authority writes (cpqa/synthetic), so that most examples
start from a file that imports, and the mutations decide whether it still does.
"""

import csv
import io
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cpqa.ingest.base import importer_for
from cpqa.ingest.models import ImportRun
from cpqa.ingest.services import import_files, parsed_files_complete
from cpqa.ingest.writers.local import local_write
from cpqa.ingest.writers.ssd import ssd_write
from cpqa.synthetic.generator import authority_generate
from tests.fuzz.helpers import (
    assert_clean_problems,
    conformed,
    import_outcome_check,
    import_state,
    rolled_back,
)
from tests.fuzz.test_import_values import CELL
from tests.fuzzing import FUZZ_DATABASE, FUZZ_FILE

pytestmark = pytest.mark.fuzz

END = date(2025, 3, 31)
FOLDER = Path(__file__).parent


def _files_write(directory: Path) -> dict[str, str]:
    """The synthetic authority's SSD and local tables as CSV: file name to text."""
    frames = authority_generate(seed=5, scale=0.02, end=END, years=1)
    paths = [
        *ssd_write(frames=frames, directory=directory, format="csv"),
        *local_write(frames=frames, directory=directory, format="csv"),
    ]
    return {path.name: path.read_text(encoding="utf-8") for path in sorted(paths)}


class Written(dict):
    """File name to text; shown by its names only when an example fails."""

    def __repr__(self) -> str:
        return f"Written({sorted(self)})"


@pytest.fixture(scope="module")
def written(tmp_path_factory) -> Written:
    return Written(_files_write(tmp_path_factory.mktemp("synthetic")))


# A mutation of a table of text cells (the header is row 0).
MUTATION = st.one_of(
    st.tuples(st.just("cell"), st.integers(0, 10_000), st.integers(0, 100), CELL),
    st.tuples(st.just("drop_column"), st.integers(0, 100)),
    st.tuples(st.just("rename_column"), st.integers(0, 100), CELL),
    st.tuples(st.just("duplicate_row"), st.integers(0, 10_000)),
    st.tuples(st.just("drop_row"), st.integers(0, 10_000)),
    st.tuples(st.just("short_row"), st.integers(0, 10_000)),
    st.tuples(st.just("long_row"), st.integers(0, 10_000), CELL),
)


def mutated(text: str, mutations) -> bytes:
    rows = list(csv.reader(io.StringIO(text)))
    for kind, *args in mutations:
        body = len(rows) - 1
        if kind == "cell" and body:
            row = rows[1 + args[0] % body]
            if row:
                row[args[1] % len(row)] = args[2] or ""
        elif kind == "drop_column" and rows[0]:
            column = args[0] % len(rows[0])
            rows = [[c for i, c in enumerate(row) if i != column] for row in rows]
        elif kind == "rename_column" and rows[0]:
            rows[0][args[0] % len(rows[0])] = args[1] or ""
        elif kind == "duplicate_row" and body:
            rows.append(list(rows[1 + args[0] % body]))
        elif kind == "drop_row" and body:
            del rows[1 + args[0] % body]
        elif kind == "short_row" and body and rows[1 + args[0] % body]:
            rows[1 + args[0] % body].pop()
        elif kind == "long_row" and body:
            rows[1 + args[0] % body].append(args[1] or "")
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue().encode("utf-8", "surrogatepass")


def parsed_or_problems(name: str, path: Path):
    importer = importer_for(name=name, path=path)
    if importer is None:
        return None
    return importer.parse(name=name, path=path, region="england")


@FUZZ_FILE
@given(data=st.data(), mutations=st.lists(MUTATION, min_size=1, max_size=6))
def test_a_mutated_table_reads_to_frames_the_loader_accepts_or_to_problems(
    written, tmp_path_factory, data, mutations
):
    name = data.draw(st.sampled_from(sorted(written)), label="file")
    path = tmp_path_factory.mktemp("fuzz") / name
    path.write_bytes(mutated(written[name], mutations))
    parsed = parsed_or_problems(name, path)
    if parsed is None:
        return  # no importer recognises it: import_files rejects it (tested below)
    if parsed.problems:
        assert_clean_problems(parsed.problems, file=name)
        return
    conformed(parsed)  # asserts the loader accepts every frame without a problem


@pytest.mark.django_db
@FUZZ_DATABASE
@given(data=st.data(), mutations=st.lists(MUTATION, min_size=1, max_size=4))
def test_a_mutated_table_imports_exactly_as_read_or_not_at_all(
    authority, written, tmp_path_factory, data, mutations
):
    folder = tmp_path_factory.mktemp("fuzz")
    if not ImportRun.objects.filter(
        authority=authority
    ).exists():  # the synthetic authority, held for every example
        held = []
        for held_name, text in written.items():
            (folder / held_name).write_text(text, encoding="utf-8")
            held.append((held_name, folder / held_name))
        assert import_files(authority=authority, files=held).accepted
    name = data.draw(st.sampled_from(sorted(written)), label="file")
    path = folder / f"mutated-{name}"
    path.write_bytes(mutated(written[name], mutations))
    parsed = parsed_or_problems(name, path)
    with rolled_back():
        before = import_state()
        if parsed is not None and not parsed.problems:
            # What spans the import (names looked up among the records held) is
            # completed as import_files completes it.
            found = parsed_files_complete(authority=authority, parsed={0: parsed})
            parsed.problems.extend(found.get(0, []))
        result = import_files(authority=authority, files=[(name, path)])
        if parsed is None:
            assert result.problems and not result.accepted
        import_outcome_check(
            authority=authority,
            result=result,
            before=before,
            parsed_files=[] if parsed is None or parsed.problems else [parsed],
        )
