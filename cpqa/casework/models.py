"""The casework facts that the quality-assurance framework monitors.

Names and meanings follow the Standard Safeguarding Dataset (SSD) and the DfE
CIN census, so that each importer maps its fields one to one. Every fact
belongs to an authority, carries its identifier in the source system (`ref`,
unique per authority and table) and records where it came from: the import
run that loaded it, or the user who entered it, and when.

The field names here are also the column names of the canonical frames that
importers and the generator produce (see schema.py): a foreign key column in
a frame holds the `ref` of the record it points to.
"""

from django.conf import settings
from django.db import models


class Fact(models.Model):
    # No index of its own: the unique (authority, ref) index serves lookups by
    # authority, and each index less is a B-tree less to write on import.
    authority = models.ForeignKey(
        "core.Authority", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    ref = models.CharField(max_length=100, help_text="The record's identifier in its source.")
    import_run = models.ForeignKey(
        "ingest.ImportRun", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    recorded_at = models.DateTimeField()

    class Meta:
        abstract = True
        constraints = [
            models.UniqueConstraint(
                fields=["authority", "ref"], name="%(app_label)s_%(class)s_unique_ref"
            )
        ]

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} {self.ref}"


class Team(Fact):
    """An area team (SSD ssd_department), with the service it belongs to."""

    name = models.CharField(max_length=200)
    service = models.CharField(max_length=200, blank=True, help_text="Parent service or area.")

    class Meta(Fact.Meta):
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ProfessionalRole(models.TextChoices):
    SOCIAL_WORKER = "social_worker", "Social worker"
    ASSISTANT_TEAM_MANAGER = "assistant_team_manager", "Assistant team manager"
    TEAM_MANAGER = "team_manager", "Team manager"
    CONFERENCE_CHAIR = "conference_chair", "Conference chair"
    REVIEWING_OFFICER = "reviewing_officer", "Reviewing officer"
    FAMILY_SUPPORT_WORKER = "family_support_worker", "Family support worker"
    OTHER = "other", "Other"


class Professional(Fact):
    """A worker (SSD ssd_professionals)."""

    name = models.CharField(max_length=200)
    role = models.CharField(max_length=40, choices=ProfessionalRole.choices)
    team = models.ForeignKey(Team, on_delete=models.PROTECT, null=True, blank=True)
    fte = models.FloatField(null=True, blank=True, help_text="Full-time equivalent")
    agency = models.BooleanField(default=False, help_text="Agency (not employed) worker")

    def __str__(self) -> str:
        return self.name


class Sex(models.TextChoices):
    MALE = "M", "Male"
    FEMALE = "F", "Female"
    UNKNOWN = "U", "Unknown or not recorded"


class Child(Fact):
    """A child (SSD ssd_person; CIN census ChildIdentifiers and ChildCharacteristics).

    Unborn children have an expected date of birth and no date of birth.
    `team` is the team currently responsible, kept up to date by the loader
    from the child's latest plan, enquiry, episode or allocation.
    """

    date_of_birth = models.DateField(null=True, blank=True)
    expected_date_of_birth = models.DateField(null=True, blank=True)
    sex = models.CharField(max_length=1, choices=Sex.choices, default=Sex.UNKNOWN)
    ethnicity = models.CharField(max_length=4, blank=True, help_text="CIN census ethnicity code")
    disabilities = models.CharField(
        max_length=100, blank=True, help_text="CIN census disability codes, comma-separated"
    )
    date_of_death = models.DateField(null=True, blank=True)
    team = models.ForeignKey(Team, on_delete=models.SET_NULL, null=True, blank=True)

    class Meta(Fact.Meta):
        verbose_name_plural = "children"


class Involvement(Fact):
    """A worker allocated to a child (SSD ssd_involvements)."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE)
    professional = models.ForeignKey(Professional, on_delete=models.CASCADE)
    team = models.ForeignKey(Team, on_delete=models.PROTECT, null=True, blank=True)
    role = models.CharField(max_length=100, blank=True, help_text="e.g. Allocated social worker")
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)


class CINEpisode(Fact):
    """A referral and the child-in-need episode it opens (CIN census CINdetails)."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE)
    referral_date = models.DateField(null=True, blank=True)
    referral_source = models.CharField(max_length=4, blank=True)
    primary_need = models.CharField(max_length=4, blank=True, help_text="N0 to N9")
    referral_nfa = models.BooleanField(null=True, blank=True)
    closure_date = models.DateField(null=True, blank=True)
    closure_reason = models.CharField(max_length=5, blank=True, help_text="RC1 to RC9")
    team = models.ForeignKey(Team, on_delete=models.PROTECT, null=True, blank=True)
    worker = models.ForeignKey(Professional, on_delete=models.SET_NULL, null=True, blank=True)

    class Meta(Fact.Meta):
        verbose_name = "CIN episode"


class Assessment(Fact):
    """A child and family assessment (CIN census Assessments)."""

    episode = models.ForeignKey(CINEpisode, on_delete=models.CASCADE)
    child = models.ForeignKey(Child, on_delete=models.CASCADE)
    start_date = models.DateField(null=True, blank=True)
    authorisation_date = models.DateField(null=True, blank=True)
    factors = models.CharField(max_length=200, blank=True)


class CINPlan(Fact):
    """A child-in-need plan (CIN census CINPlanDates)."""

    episode = models.ForeignKey(CINEpisode, on_delete=models.CASCADE)
    child = models.ForeignKey(Child, on_delete=models.CASCADE)
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)

    class Meta(Fact.Meta):
        verbose_name = "CIN plan"


class Section47(Fact):
    """A section 47 enquiry (SSD ssd_s47_enquiry; CIN census Section47).

    The start date is the date of the strategy discussion that started it.
    """

    child = models.ForeignKey(Child, on_delete=models.CASCADE)
    episode = models.ForeignKey(CINEpisode, on_delete=models.CASCADE, null=True, blank=True)
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    outcome = models.CharField(
        max_length=40, blank=True, help_text="e.g. icpc, nfa, cin_plan, other"
    )
    icpc_target_date = models.DateField(null=True, blank=True)
    icpc_not_required = models.BooleanField(null=True, blank=True)
    team = models.ForeignKey(Team, on_delete=models.PROTECT, null=True, blank=True)
    worker = models.ForeignKey(Professional, on_delete=models.SET_NULL, null=True, blank=True)

    class Meta(Fact.Meta):
        verbose_name = "section 47 enquiry"
        verbose_name_plural = "section 47 enquiries"


class CategoryOfAbuse(models.TextChoices):
    NEGLECT = "NEG", "Neglect"
    PHYSICAL = "PHY", "Physical abuse"
    SEXUAL = "SAB", "Sexual abuse"
    EMOTIONAL = "EMO", "Emotional abuse"
    MULTIPLE = "MUL", "Multiple"


class ProtectionPlan(Fact):
    """A child protection plan (SSD ssd_cp_plans; CIN census ChildProtectionPlans)."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE)
    episode = models.ForeignKey(CINEpisode, on_delete=models.CASCADE, null=True, blank=True)
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    initial_category = models.CharField(max_length=3, blank=True)
    latest_category = models.CharField(max_length=3, blank=True)
    previous_plans = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="CIN census NumberOfPreviousCPP"
    )
    end_reason = models.CharField(max_length=5, blank=True)
    team = models.ForeignKey(Team, on_delete=models.PROTECT, null=True, blank=True)

    class Meta(Fact.Meta):
        verbose_name = "child protection plan"


class ConferenceKind(models.TextChoices):
    INITIAL = "initial", "Initial"
    REVIEW = "review", "Review"
    TRANSFER_IN = "transfer_in", "Transfer-in"


class ConferenceOutcome(models.TextChoices):
    PLAN_STARTED = "plan_started", "Plan started"
    PLAN_CONTINUED = "plan_continued", "Plan continued"
    PLAN_ENDED = "plan_ended", "Plan ended"
    NO_PLAN = "no_plan", "No plan"


class Participation(models.TextChoices):
    PN0 = "PN0", "PN0: child aged under 4 at the time of the conference"
    PN1 = "PN1", "PN1: child attended and spoke for themselves"
    PN2 = "PN2", "PN2: child attended and an advocate conveyed their views"
    PN3 = "PN3", "PN3: child attended and conveyed their views non-verbally"
    PN4 = "PN4", "PN4: child attended but did not convey their views"
    PN5 = "PN5", "PN5: child did not attend but briefed an advocate"
    PN6 = "PN6", "PN6: child did not attend but conveyed their views by another means"
    PN7 = "PN7", "PN7: child did not attend and their views were not conveyed"


class Conference(Fact):
    """A child protection conference: initial, review or transfer-in.

    An initial conference links to the section 47 enquiry that led to it (or,
    at referral level, to the CIN episode); a conference that starts or
    reviews a plan links to that plan. Reviews are the CIN census Reviews.
    """

    child = models.ForeignKey(Child, on_delete=models.CASCADE)
    kind = models.CharField(max_length=20, choices=ConferenceKind.choices)
    section47 = models.ForeignKey(Section47, on_delete=models.CASCADE, null=True, blank=True)
    episode = models.ForeignKey(CINEpisode, on_delete=models.CASCADE, null=True, blank=True)
    plan = models.ForeignKey(ProtectionPlan, on_delete=models.CASCADE, null=True, blank=True)
    target_date = models.DateField(null=True, blank=True)
    date_held = models.DateField(null=True, blank=True)
    chair = models.ForeignKey(
        Professional, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    team = models.ForeignKey(Team, on_delete=models.PROTECT, null=True, blank=True)
    quorate = models.BooleanField(null=True, blank=True)
    outcome = models.CharField(max_length=20, choices=ConferenceOutcome.choices, blank=True)
    participation = models.CharField(max_length=3, choices=Participation.choices, blank=True)
    parents_attended = models.BooleanField(null=True, blank=True)
    parents_participated = models.BooleanField(null=True, blank=True)
    decision_published = models.DateField(null=True, blank=True)
    minutes_published = models.DateField(null=True, blank=True)


class Agency(models.TextChoices):
    CHILDRENS_SOCIAL_CARE = "childrens_social_care", "Children's social care"
    POLICE = "police", "Police"
    HEALTH_VISITOR = "health_visitor", "Health visitor"
    SCHOOL_NURSE = "school_nurse", "School nurse"
    GP = "gp", "GP"
    MIDWIFE = "midwife", "Midwife"
    SCHOOL = "school", "School or education"
    EARLY_YEARS = "early_years", "Early years"
    ADULT_MENTAL_HEALTH = "adult_mental_health", "Adult mental health"
    CAMHS = "camhs", "Child and adolescent mental health"
    SUBSTANCE_MISUSE = "substance_misuse", "Substance misuse service"
    PROBATION = "probation", "Probation"
    HOUSING = "housing", "Housing"
    DOMESTIC_ABUSE = "domestic_abuse", "Domestic abuse service"
    OTHER = "other", "Other"


class ConferenceAttendance(Fact):
    """One agency at one conference: invited, attended, report and its timing."""

    conference = models.ForeignKey(Conference, on_delete=models.CASCADE)
    agency = models.CharField(max_length=40, choices=Agency.choices)
    invited = models.BooleanField(default=True)
    attended = models.BooleanField(null=True, blank=True)
    report_submitted = models.BooleanField(null=True, blank=True)
    report_on_time = models.BooleanField(null=True, blank=True)
    non_attendance_reason = models.CharField(max_length=200, blank=True)


class CoreGroupMeeting(Fact):
    plan = models.ForeignKey(ProtectionPlan, on_delete=models.CASCADE)
    date = models.DateField(null=True, blank=True)


class Visit(Fact):
    """A statutory visit to a child on a plan (SSD ssd_cp_visits)."""

    plan = models.ForeignKey(ProtectionPlan, on_delete=models.CASCADE)
    child = models.ForeignKey(Child, on_delete=models.CASCADE)
    date = models.DateField(null=True, blank=True)
    seen = models.BooleanField(null=True, blank=True)
    seen_alone = models.BooleanField(null=True, blank=True)
    bedroom_seen = models.BooleanField(null=True, blank=True)
    professional = models.ForeignKey(Professional, on_delete=models.SET_NULL, null=True, blank=True)


class LookedAfterEpisode(Fact):
    """A period of being looked after (SSD ssd_cla_episodes)."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE)
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)


class Risk(models.TextChoices):
    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"


class UnallocatedEpisode(Fact):
    """A time when a child on a plan had no allocated social worker."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE)
    team = models.ForeignKey(Team, on_delete=models.PROTECT, null=True, blank=True)
    from_date = models.DateField()
    to_date = models.DateField(null=True, blank=True)
    risk = models.CharField(max_length=10, choices=Risk.choices, blank=True)
    others_involved = models.BooleanField(
        null=True, blank=True, help_text="Other staff or agencies actively involved"
    )
    decision = models.TextField(blank=True, help_text="The assistant team manager's decision")
    decision_review_date = models.DateField(null=True, blank=True)


class StaffingSnapshot(Fact):
    """A team's staffing in one month."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE)
    month = models.DateField(help_text="The first day of the month")
    establishment_fte = models.FloatField()
    filled_fte = models.FloatField()
    vacant_social_worker = models.FloatField(default=0)
    vacant_assistant_team_manager = models.FloatField(default=0)
    vacant_team_manager = models.FloatField(default=0)
    agency_staff = models.FloatField(default=0)


class SupervisionRecord(Fact):
    worker = models.ForeignKey(Professional, on_delete=models.CASCADE, related_name="+")
    supervisor = models.ForeignKey(
        Professional, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    date = models.DateField()
    observed_practice = models.BooleanField(default=False)
