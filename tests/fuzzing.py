"""Hypothesis settings shared by the property-based tests (mark them `fuzz`).

The number of generated cases comes from CPQA_FUZZ_EXAMPLES: 200 in the normal
suite, 10,000 under `make fuzz`. Each property takes the settings of its cost,
so that `make fuzz` stays within about 20 minutes on a 2-core machine and the
normal suite's fuzz tests within about 2 minutes:

- `FUZZ`: every example. For properties of pure functions that cost about a
  millisecond an example (a column of cells converted, a form cleaned, a
  period read, a file's format detected).
- `FUZZ_FILE`: a tenth. A whole file written and read by an importer, with no
  database: tens of milliseconds an example, mostly polars' fixed cost per
  operation on small frames.
- `FUZZ_DATABASE`: a twentieth. Through the database: `import_files` (which
  loads the facts and runs the data-quality checks), `statistics_import`, or a
  page through the test client.

No example database is kept, so every run starts afresh.
"""

import os

from hypothesis import HealthCheck, settings

EXAMPLES = int(os.environ.get("CPQA_FUZZ_EXAMPLES", "200"))
FILE_EXAMPLES = max(10, EXAMPLES // 10)
DATABASE_EXAMPLES = max(10, EXAMPLES // 20)

FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    derandomize=False,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.filter_too_much,
    ],
)
FUZZ_FILE = settings(FUZZ, max_examples=FILE_EXAMPLES)
FUZZ_DATABASE = settings(FUZZ, max_examples=DATABASE_EXAMPLES)
