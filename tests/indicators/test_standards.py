"""The standards catalogue: seeded defaults, versions and bands."""

from datetime import date
from decimal import Decimal

import pytest

from cpqa.indicators.admin import StandardForm, StandardVersionFormSet
from cpqa.indicators.models import Standard, StandardVersion
from cpqa.indicators.registry import indicators
from cpqa.indicators.selectors import standards_get
from cpqa.indicators.standards import (
    AMBER,
    AMBER_ABOVE_GREEN,
    ENDS_BEFORE_START,
    GREEN,
    OVERLAPPING_VERSIONS,
    RED,
    SEEDED,
    StandardTerms,
    default_standards,
    rag,
    version_problems,
)


@pytest.mark.django_db
def test_the_migration_seeds_the_defaults():
    assert standards_get() == default_standards()
    quorum = Standard.objects.get(slug="conference-quorum")
    assert quorum.indicator_ids == ["conference_quorate"]
    assert quorum.versions.get().threshold == 2


def test_every_seeded_standard_is_read_by_the_indicators_it_names():
    registered = {indicator.id: indicator for indicator in indicators()}
    for info, _ in SEEDED:
        for indicator_id in info.indicators:
            assert info.slug in registered[indicator_id].standards


def test_seeded_thresholds():
    expected = {
        "icpc-within-15-working-days": 15,
        "first-review-within-3-months": 3,
        "later-reviews-within-6-months": 6,
        "first-core-group-within-10-working-days": 10,
        "visits-every-10-working-days": 10,
        "decision-within-1-working-day": 1,
        "minutes-within-15-working-days": 15,
        "supervision-every-4-weeks": 4,
        "conference-quorum": 2,
    }
    assert {terms.slug: terms.threshold for _, terms in SEEDED} == expected


def terms(start, end=None):
    return StandardTerms("x", start, end, 15, Decimal(85), Decimal(85), Decimal(75))


def test_a_version_is_in_force_from_its_first_to_its_last_day():
    version = terms(date(2025, 4, 1), date(2026, 3, 31))
    assert not version.in_force(date(2025, 3, 31))
    assert version.in_force(date(2025, 4, 1))
    assert version.in_force(date(2026, 3, 31))
    assert not version.in_force(date(2026, 4, 1))
    assert terms(date(2025, 4, 1)).in_force(date(2099, 1, 1))


@pytest.mark.parametrize(
    ("value", "band"), [(None, None), (85.0, GREEN), (84.9, AMBER), (75.0, AMBER), (74.9, RED)]
)
def test_bands(value, band):
    assert rag(value, terms(date(2000, 1, 1))) == band


def test_version_problems():
    assert version_problems([(date(2025, 4, 1), date(2026, 3, 31), None, None),
                             (date(2026, 4, 1), None, None, None)]) == []  # fmt: skip
    overlapping = version_problems(
        [(date(2025, 4, 1), None, None, None), (date(2026, 4, 1), None, None, None)]
    )
    assert overlapping == [
        OVERLAPPING_VERSIONS.format(first=date(2025, 4, 1), second=date(2026, 4, 1))
    ]
    backwards = version_problems([(date(2025, 4, 1), date(2025, 3, 1), None, None)])
    assert backwards == [ENDS_BEFORE_START.format(start=date(2025, 4, 1), end=date(2025, 3, 1))]
    bands = version_problems([(date(2025, 4, 1), None, Decimal(80), Decimal(90))])
    assert bands == [AMBER_ABOVE_GREEN]


@pytest.mark.django_db
def test_the_admin_refuses_overlapping_versions():
    standard = Standard.objects.get(slug="icpc-within-15-working-days")
    data = {
        "versions-TOTAL_FORMS": "2",
        "versions-INITIAL_FORMS": "1",
        "versions-MIN_NUM_FORMS": "0",
        "versions-MAX_NUM_FORMS": "1000",
        "versions-0-id": str(standard.versions.get().pk),
        "versions-0-standard": str(standard.pk),
        "versions-0-effective_from": "2000-01-01",
        "versions-0-effective_to": "",
        "versions-0-threshold": "15",
        "versions-0-target": "85",
        "versions-0-green_from": "85",
        "versions-0-amber_from": "75",
        "versions-1-standard": str(standard.pk),
        "versions-1-effective_from": "2026-04-01",
        "versions-1-effective_to": "",
        "versions-1-threshold": "10",
        "versions-1-target": "85",
        "versions-1-green_from": "85",
        "versions-1-amber_from": "75",
    }
    from django.forms import inlineformset_factory

    formset_class = inlineformset_factory(
        Standard, StandardVersion, formset=StandardVersionFormSet, exclude=(), extra=0
    )
    formset = formset_class(data, instance=standard, prefix="versions")
    assert not formset.is_valid()
    assert OVERLAPPING_VERSIONS.format(first=date(2000, 1, 1), second=date(2026, 4, 1)) in (
        formset.non_form_errors()
    )
    data["versions-0-effective_to"] = "2026-03-31"
    formset = formset_class(data, instance=standard, prefix="versions")
    assert formset.is_valid(), formset.errors
    formset.save()
    catalogue = standards_get()
    assert catalogue.in_force("icpc-within-15-working-days", date(2026, 3, 31)).threshold == 15
    assert catalogue.in_force("icpc-within-15-working-days", date(2026, 4, 1)).threshold == 10


@pytest.mark.django_db
def test_the_admin_refuses_unknown_indicators():
    form = StandardForm(
        data={
            "slug": "x",
            "title": "X",
            "source": "local_procedure",
            "measure": "m",
            "unit": "weeks",
            "indicators": "cpp_repeat, nonsense",
        }
    )
    assert not form.is_valid()
    assert "nonsense" in str(form.errors["indicators"])
