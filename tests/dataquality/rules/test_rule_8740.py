from cpqa.dataquality.rules import rule_8740
from tests.dataquality.frames import refs, run


def enquiry(ref, start, **extra):
    return {"ref": ref, "child": f"C{ref}", "start_date": start, **extra}


def icpc(ref, enquiry_ref, day):
    return {"ref": ref, "child": f"C{enquiry_ref}", "kind": "initial", "section47": enquiry_ref,
            "date_held": day}  # fmt: skip


def test_with_no_conference_the_start_must_be_in_the_census_year():
    found = run(
        rule_8740,
        section47=[
            enquiry("S1", "2024-03-31"),
            enquiry("S2", "2024-04-01"),
            enquiry("S3", "2025-03-31"),
            enquiry("S4", "2025-04-01"),
            enquiry("S5", None),
        ],
        conference=[],
    )
    assert refs(found) == ["S1", "S4"]


def test_a_conference_held_by_the_end_of_the_year_or_one_not_needed_passes():
    found = run(
        rule_8740,
        section47=[
            enquiry("S1", "2024-03-20"),
            enquiry("S2", "2024-03-20"),
            enquiry("S3", "2024-03-20", icpc_not_required=True),
            enquiry("S4", "2024-03-20", outcome="nfa"),
            enquiry("S5", "2024-03-20", outcome="icpc"),
        ],
        conference=[icpc("CF1", "S1", "2024-04-02"), icpc("CF2", "S2", "2025-04-03")],
    )
    # S2's conference was after the end of the census year.
    assert refs(found) == ["S2", "S5"]
