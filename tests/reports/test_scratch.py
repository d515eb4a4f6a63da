import pytest
from cpqa.reports.builders import report_for_operator
from .conftest import SEPTEMBER, QUARTER, TODAY

pytestmark = pytest.mark.django_db

def dump(report):
    for t in report.tables():
        print("==", t.sheet, "|", t.title)
        print("   ", [c.header for c in t.columns])
        for row in t.rows[:12]:
            print("   ", [c.text + (f"[{c.tag}]" if c.tag else "") for c in row])

@pytest.mark.parametrize("name,period", [("monthly", SEPTEMBER), ("health-check", SEPTEMBER), ("quarterly", QUARTER), ("members", QUARTER)])
def test_dump(loaded, name, period):
    r = report_for_operator(name=name, period=period, authority=loaded, operator="t", today=TODAY)
    print(r.as_at, r.summary)
    dump(r)
    for s in r.sections:
        for b in s.blocks:
            if getattr(b, "block", "") == "bullets":
                print(b.items)
