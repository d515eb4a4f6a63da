import datetime as dt

import factory

from cpqa.casework import models
from tests.casework.factories import (  # noqa: F401  (re-exported for the data-quality tests)
    ChildFactory,
    FactFactory,
    ProtectionPlanFactory,
    Section47Factory,
    TeamFactory,
)


class ProfessionalFactory(FactFactory):
    class Meta:
        model = models.Professional

    ref = factory.Sequence(lambda n: f"W{n:04d}")
    name = factory.Sequence(lambda n: f"Worker {n}")
    role = "social_worker"


class CINEpisodeFactory(FactFactory):
    class Meta:
        model = models.CINEpisode

    ref = factory.Sequence(lambda n: f"E{n:05d}")
    child = factory.SubFactory(ChildFactory, authority=factory.SelfAttribute("..authority"))
    team = factory.SelfAttribute("child.team")
    referral_date = dt.date(2024, 5, 1)


class ConferenceFactory(FactFactory):
    class Meta:
        model = models.Conference

    ref = factory.Sequence(lambda n: f"CF{n:05d}")
    child = factory.SubFactory(ChildFactory, authority=factory.SelfAttribute("..authority"))
    team = factory.SelfAttribute("child.team")
    kind = "review"


class InvolvementFactory(FactFactory):
    class Meta:
        model = models.Involvement

    ref = factory.Sequence(lambda n: f"I{n:05d}")
    child = factory.SubFactory(ChildFactory, authority=factory.SelfAttribute("..authority"))
    professional = factory.SubFactory(
        ProfessionalFactory, authority=factory.SelfAttribute("..authority")
    )
    team = factory.SelfAttribute("child.team")
    role = "Allocated social worker"
    start_date = dt.date(2024, 1, 1)


class VisitFactory(FactFactory):
    class Meta:
        model = models.Visit

    ref = factory.Sequence(lambda n: f"V{n:05d}")
    plan = factory.SubFactory(ProtectionPlanFactory, authority=factory.SelfAttribute("..authority"))
    child = factory.SelfAttribute("plan.child")
    date = dt.date(2024, 6, 1)
