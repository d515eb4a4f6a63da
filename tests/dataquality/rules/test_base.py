import csv
from datetime import date

import pytest

from cpqa.dataquality.rules.base import RULES_FILE, RuleContext, dfe_rules, registry


def tsv_rows() -> list[dict[str, str]]:
    with RULES_FILE.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def test_all_29_rules_are_registered_in_the_dfe_order():
    assert len(tsv_rows()) == 29
    assert list(registry()) == [row["code"] for row in tsv_rows()]


def test_each_rule_carries_the_dfe_message_and_severity_exactly_as_written():
    rules = registry()
    for row in tsv_rows():
        rule = rules[row["code"]]
        assert rule.message == row["message"]
        assert rule.severity == row["type"]
        assert rule.census_table == row["table"]
        # A query's code ends in Q, an error's does not.
        assert rule.code.endswith("Q") == (rule.severity == "query")


def test_messages_keep_the_dfe_punctuation():
    assert dfe_rules()["8915"].message.endswith("the child’s Date of Death")
    assert dfe_rules()["1105"].message[-1] == "e"
    assert dfe_rules()["2889"].message.endswith("referral date.")


def test_each_rule_declares_the_tables_and_fields_it_reads():
    for rule in registry().values():
        assert rule.tables, rule.code
        for qualified in rule.fields:
            table, _, field = qualified.partition(".")
            assert table in rule.tables, (rule.code, qualified)
            assert field, (rule.code, qualified)


@pytest.mark.parametrize(
    ("reference_date", "start"),
    [
        (date(2025, 3, 31), date(2024, 4, 1)),
        (date(2024, 3, 31), date(2023, 4, 1)),
        # A leap day reference date: the year before has no 29 February.
        (date(2024, 2, 29), date(2023, 3, 1)),
    ],
)
def test_the_census_year_runs_from_the_day_after_a_year_before(reference_date, start):
    assert RuleContext(reference_date=reference_date).year_start == start


def test_counted_to_is_the_as_at_day_only_while_the_year_is_running():
    assert RuleContext(date(2025, 3, 31)).counted_to == date(2025, 3, 31)
    assert RuleContext(date(2025, 3, 31), as_at=date(2024, 12, 1)).counted_to == date(2024, 12, 1)
    assert RuleContext(date(2025, 3, 31), as_at=date(2025, 6, 1)).counted_to == date(2025, 3, 31)
