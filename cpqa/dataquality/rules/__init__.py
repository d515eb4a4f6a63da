"""The 29 DfE CIN census validation rules about child protection, one module each.

`registry()` (in base.py) gives them by code, in the order of the DfE list.
"""

from . import (  # noqa: F401  (ALL below gathers them)
    rule_1104,
    rule_1105,
    rule_2883,
    rule_2884,
    rule_2885,
    rule_2889,
    rule_4003,
    rule_8565,
    rule_8615,
    rule_8675Q,
    rule_8715,
    rule_8720,
    rule_8730,
    rule_8740,
    rule_8832,
    rule_8839,
    rule_8840,
    rule_8841,
    rule_8842Q,
    rule_8870Q,
    rule_8875,
    rule_8905,
    rule_8910,
    rule_8915,
    rule_8920,
    rule_8925,
    rule_8930,
    rule_8935,
    rule_8940,
)

# Every rule module imported above (each registers its rule when imported).
ALL = tuple(module for name, module in list(globals().items()) if name.startswith("rule_"))
