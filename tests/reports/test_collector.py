"""The garbage collector paused while a report is built or drawn, and on again after."""

import gc

import pytest
import weasyprint

from cpqa.reports.builders import report_for_operator
from cpqa.reports.collector import collector_paused
from cpqa.reports.render import report_pdf

from .conftest import SEPTEMBER, TODAY


@pytest.fixture(autouse=True)
def _collector_on():
    was = gc.isenabled()
    gc.enable()
    yield
    if not was:
        gc.disable()


def test_paused_inside_and_on_again_after():
    with collector_paused:
        assert not gc.isenabled()
    assert gc.isenabled()


def test_nested_pauses_end_with_the_outer_one():
    with collector_paused:
        with collector_paused:
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()


def test_on_again_after_an_error():
    with pytest.raises(ValueError), collector_paused:
        raise ValueError("a broken report")
    assert gc.isenabled()


def test_left_off_if_it_was_off_before():
    gc.disable()
    with collector_paused:
        pass
    assert not gc.isenabled()


@pytest.mark.django_db
def test_a_report_built_and_drawn_leaves_the_collector_on(loaded, monkeypatch):
    report = report_for_operator(
        name="health-check", period=SEPTEMBER, authority=loaded, operator="t", today=TODAY
    )
    assert gc.isenabled()
    seen = []
    original = weasyprint.HTML.write_pdf

    def spy(self, *args, **kwargs):
        seen.append(gc.isenabled())
        return original(self, *args, **kwargs)

    monkeypatch.setattr(weasyprint.HTML, "write_pdf", spy)
    assert report_pdf(report).startswith(b"%PDF-")
    assert seen == [False]  # paused while WeasyPrint worked
    assert gc.isenabled()
