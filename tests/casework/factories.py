import datetime as dt

import factory
from django.utils import timezone

from cpqa.casework import models
from tests.core.factories import AuthorityFactory


class FactFactory(factory.django.DjangoModelFactory):
    authority = factory.SubFactory(AuthorityFactory)
    recorded_at = factory.LazyFunction(timezone.now)


class TeamFactory(FactFactory):
    class Meta:
        model = models.Team

    ref = factory.Sequence(lambda n: f"T{n}")
    name = factory.Sequence(lambda n: f"Team {n}")
    service = "Localities"


class ChildFactory(FactFactory):
    class Meta:
        model = models.Child

    ref = factory.Sequence(lambda n: f"C{n:05d}")
    date_of_birth = dt.date(2016, 5, 1)
    sex = "F"
    team = factory.SubFactory(TeamFactory, authority=factory.SelfAttribute("..authority"))


class ProtectionPlanFactory(FactFactory):
    class Meta:
        model = models.ProtectionPlan

    ref = factory.Sequence(lambda n: f"P{n:05d}")
    child = factory.SubFactory(ChildFactory, authority=factory.SelfAttribute("..authority"))
    team = factory.SelfAttribute("child.team")
    start_date = dt.date(2025, 1, 6)
    initial_category = "NEG"
    latest_category = "NEG"
    previous_plans = 0


class Section47Factory(FactFactory):
    class Meta:
        model = models.Section47

    ref = factory.Sequence(lambda n: f"S{n:05d}")
    child = factory.SubFactory(ChildFactory, authority=factory.SelfAttribute("..authority"))
    team = factory.SelfAttribute("child.team")
    start_date = dt.date(2025, 1, 6)
