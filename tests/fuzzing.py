"""Hypothesis settings shared by the property-based tests (mark them `fuzz`).

The number of generated cases comes from CPQA_FUZZ_EXAMPLES: a few hundred in
the normal suite, 10,000 or more under `make fuzz`. No example database is kept.
"""

import os

from hypothesis import HealthCheck, settings

EXAMPLES = int(os.environ.get("CPQA_FUZZ_EXAMPLES", "200"))

FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    derandomize=False,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)
