"""The importers, one module per format. Importing this package registers them."""

from . import (
    annex_a,  # noqa: F401
    cin_census,  # noqa: F401
    local,  # noqa: F401
    ssd,  # noqa: F401
)
