from cpqa.dataquality.rules import rule_8910
from tests.dataquality.frames import refs, run


def test_the_category_must_be_one_of_the_five_codes():
    codes = ["NEG", "PHY", "SAB", "EMO", "MUL", None, "XYZ", "neg", ""]
    found = run(
        rule_8910,
        protection_plan=[
            {"ref": f"P{n}", "child": f"C{n}", "latest_category": code}
            for n, code in enumerate(codes)
        ],
    )
    assert refs(found) == ["P5", "P6", "P7", "P8"]
    detail = dict(zip(found["ref"], found["detail"], strict=True))
    assert detail["P5"] == "missing"
    assert detail["P6"] == "not a CIN census category of abuse code"
