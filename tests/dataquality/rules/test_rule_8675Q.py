from datetime import date

from cpqa.core.workdays import working_days_between
from cpqa.dataquality.rules import rule_8675Q
from cpqa.dataquality.rules.base import RuleContext
from tests.dataquality.frames import refs, run


def enquiry(ref, start, **extra):
    return {"ref": ref, "child": f"C{ref}", "start_date": start, **extra}


def test_15_working_days_before_the_reference_date_is_the_limit():
    # Reference date Monday 31 March 2025: 11 to 31 March holds 15 working days.
    assert working_days_between(date(2025, 3, 10), date(2025, 3, 31), region="england") == 15
    found = run(
        rule_8675Q,
        section47=[
            enquiry("S1", "2025-03-10"),  # Monday: 15 working days, passes
            enquiry("S2", "2025-03-09"),  # Sunday: 16, as the Monday is counted
            enquiry("S3", "2025-03-07"),  # Friday: 16
            enquiry("S4", "2025-03-28"),  # 1 working day
        ],
        conference=[],
    )
    assert refs(found) == ["S2", "S3"]
    assert found.filter(found["ref"] == "S3")["detail"].item() == (
        "16 working days before 2025-03-31 and no initial conference"
    )


def test_bank_holidays_are_not_working_days():
    # Reference date Sunday 31 March 2024, Good Friday 29 March 2024.
    context = RuleContext(reference_date=date(2024, 3, 31), region="england")
    found = run(
        rule_8675Q,
        context,
        section47=[enquiry("S1", "2024-03-07"), enquiry("S2", "2024-03-06")],
        conference=[],
    )
    # 8 to 28 March less Good Friday: 15 working days from 7 March, 16 from 6 March.
    assert refs(found) == ["S2"]


def test_a_conference_held_or_not_needed_passes():
    found = run(
        rule_8675Q,
        section47=[
            enquiry("S1", "2024-06-03"),
            enquiry("S2", "2024-06-03", icpc_not_required=True),
            enquiry("S3", "2024-06-03", outcome="nfa"),  # flag not recorded: read from outcome
            enquiry("S4", "2024-06-03", outcome="icpc"),  # a conference should be held
            enquiry("S5", "2024-06-03", icpc_not_required=False, outcome="nfa"),
            enquiry("S6", None),
        ],
        conference=[
            {"ref": "CF1", "child": "CS1", "kind": "initial", "section47": "S1",
             "date_held": "2024-06-20"},
        ],
    )  # fmt: skip
    # S5: the recorded flag wins over the outcome. S6: no start date.
    assert refs(found) == ["S4", "S5"]


def test_while_the_year_is_running_working_days_are_counted_to_the_day_the_data_stands_at():
    context = RuleContext(reference_date=date(2025, 3, 31), as_at=date(2024, 11, 29))
    found = run(
        rule_8675Q,
        context,
        section47=[enquiry("S1", "2024-11-08"), enquiry("S2", "2024-11-07")],
        conference=[],
    )
    # Friday 8 to Friday 29 November 2024: 15 working days; from 7 November, 16.
    assert refs(found) == ["S2"]
