"""What each indicator means in plain words, why it matters, and which way is better.

The technical definitions are in cpqa/indicators/definitions/ (and on the
definitions page); these words are for the reports, councillors first. The
polarity decides whether a special-cause signal is an improvement or a concern
(see spc.reading_describe); "neither" where more or fewer is not better in
itself (more enquiries may mean better recognition of harm, or more harm).
"""

from dataclasses import dataclass

from .spc import Polarity

HIGHER = Polarity.HIGHER_IS_BETTER
LOWER = Polarity.LOWER_IS_BETTER
NEITHER = Polarity.NEITHER


@dataclass(frozen=True)
class Plain:
    name: str
    means: str
    matters: str
    polarity: Polarity = NEITHER


PLAIN: dict[str, Plain] = {
    "s47_started": Plain(
        "Child protection enquiries started",
        "How many child protection (section 47) enquiries began: the enquiries social "
        "workers make, with the police and health services, when they suspect that a child "
        "is suffering, or is likely to suffer, significant harm.",
        "It shows how much concern about children reaches the point of a formal enquiry, "
        "and the demand on social workers. A sudden change can follow a change in how "
        "referrals are handled, or a change in need.",
    ),
    "icpc_held": Plain(
        "Initial child protection conferences",
        "How many first meetings of the family and the professionals were held to decide "
        "whether a child needs a child protection plan.",
        "A conference is where a plan to keep a child safe is agreed; the number of "
        "conferences drives the work of conference chairs and social workers.",
    ),
    "icpc_within_15_working_days": Plain(
        "Initial conferences held on time",
        "Of the initial conferences held, the share held within 15 working days of the "
        "strategy discussion that started the enquiry, as national guidance (Working "
        "Together to Safeguard Children) requires.",
        "Delay leaves a child at risk of harm without an agreed plan to keep them safe.",
        HIGHER,
    ),
    "core_group_within_10_working_days": Plain(
        "First core group meetings on time",
        "Of the children who became subject to a plan, the share whose core group (the "
        "professionals who carry out the plan with the family) first met within 10 working "
        "days of the conference.",
        "The core group turns the plan into action; a late start delays the help agreed.",
        HIGHER,
    ),
    "cpp_started": Plain(
        "Child protection plans started",
        "How many children became subject to a child protection plan.",
        "Each plan is a judgement that a child is at continuing risk of significant harm; "
        "the number starting shows the flow of children into the most intensive help.",
    ),
    "cpp_ended": Plain(
        "Child protection plans ended",
        "How many children stopped being subject to a child protection plan.",
        "Plans should end when the child is safe; together with plans started it shows "
        "whether the number of children on a plan is growing or shrinking.",
    ),
    "cpp_open_at_end": Plain(
        "Children on a child protection plan",
        "How many children were on a child protection plan on the last day of the period.",
        "The main measure of how many children the council judges to be at continuing "
        "risk of significant harm, and of the work that follows for every agency.",
    ),
    "cpp_rate_per_10000": Plain(
        "Children on a plan per 10,000 children",
        "The number of children on a child protection plan for every 10,000 children living "
        "in the area, so that areas of different sizes can be compared.",
        "Compared with similar areas it shows whether the council uses plans more or less "
        "than others; neither is right or wrong in itself, but a large difference needs "
        "explaining.",
    ),
    "cpp_repeat": Plain(
        "Repeat plans",
        "Of the plans started, the share for children who had been on a plan before.",
        "A high share can mean that earlier plans ended before the child was safe for good.",
        LOWER,
    ),
    "cpp_ended_3_months_or_less": Plain(
        "Plans ended within 3 months",
        "Of the plans that ended, the share that had lasted 3 months or less.",
        "Very short plans can mean that a plan was not needed, or that it ended too soon.",
    ),
    "cpp_ended_3_to_6_months": Plain(
        "Plans ended after 3 to 6 months",
        "Of the plans that ended, the share that had lasted more than 3 and up to 6 months.",
        "Part of the picture of how long children stay on a plan.",
    ),
    "cpp_ended_6_to_12_months": Plain(
        "Plans ended after 6 to 12 months",
        "Of the plans that ended, the share that had lasted more than 6 months and less "
        "than a year.",
        "Part of the picture of how long children stay on a plan.",
    ),
    "cpp_ended_1_to_2_years": Plain(
        "Plans ended after 1 to 2 years",
        "Of the plans that ended, the share that had lasted a year and less than 2 years.",
        "Part of the picture of how long children stay on a plan.",
    ),
    "cpp_ended_2_years_or_more": Plain(
        "Plans that lasted 2 years or more",
        "Of the plans that ended, the share that had lasted 2 years or more.",
        "A plan lasting this long may mean that the help is not bringing about change and "
        "that other action should be considered.",
        LOWER,
    ),
    "cpp_reviewed_in_time": Plain(
        "Plans reviewed on time",
        "Of the children on a plan for at least 3 months, the share whose review "
        "conferences were all held on time: the first within 3 months of the plan "
        "starting, then at least every 6 months.",
        "Reviews check that the plan is working and that the child is safer.",
        HIGHER,
    ),
    "cpp_seen_within_standard": Plain(
        "Children on a plan seen on time",
        "Of the children on a plan, the share seen by their social worker within the last "
        "10 working days, as the council's procedure requires.",
        "Seeing the child regularly is the most direct way to know that they are safe.",
        HIGHER,
    ),
    "cpp_seen_alone_within_standard": Plain(
        "Children on a plan seen alone on time",
        "Of the children on a plan, the share seen alone by their social worker within the "
        "last 10 working days.",
        "Children may only be able to say what is happening to them when they are seen "
        "away from the adults they live with.",
        HIGHER,
    ),
    "decision_published_in_time": Plain(
        "Conference decisions shared on time",
        "Of the conferences held, the share whose decision was sent out within 1 working day.",
        "The family and the professionals need to know straight away what was decided and "
        "what they must do.",
        HIGHER,
    ),
    "minutes_published_in_time": Plain(
        "Conference minutes shared on time",
        "Of the conferences held, the share whose full minutes were sent out within 15 "
        "working days.",
        "The minutes are the record of the plan that everyone works to.",
        HIGHER,
    ),
    "conference_quorate": Plain(
        "Conferences with enough agencies present",
        "Of the conferences held, the share that were quorate: children's social care and "
        "at least two other agencies took part.",
        "Decisions about a child's safety should rest on what more than one agency knows.",
        HIGHER,
    ),
    "conference_parents_attended": Plain(
        "Conferences attended by parents",
        "Of the conferences held, the share that the parents attended.",
        "Plans work best when parents understand and take part in them.",
        HIGHER,
    ),
    "conference_parents_participated": Plain(
        "Conferences in which parents took part",
        "Of the conferences held, the share in which the parents took part.",
        "Plans work best when parents understand and take part in them.",
        HIGHER,
    ),
    "conference_child_participation": Plain(
        "How children took part in conferences",
        "Of the conferences held, how the child took part (the DfE's participation codes).",
        "The child's own views should be heard in decisions about their safety.",
    ),
    "agency_attendance": Plain(
        "Agencies attending conferences",
        "Of the agencies invited to conferences, the share that attended.",
        "Conferences depend on every agency that knows the child sharing what it knows.",
        HIGHER,
    ),
    "agency_reports_on_time": Plain(
        "Agencies' reports on time",
        "Of the agencies invited, the share that sent their report to the conference on time.",
        "Reports read in advance make for better decisions.",
        HIGHER,
    ),
    "unallocated_at_end": Plain(
        "Children on a plan without a social worker",
        "How many children on a child protection plan had no allocated social worker on "
        "the last day of the period.",
        "Every child on a plan should have a named social worker; a child without one "
        "relies on others to keep the plan going.",
        LOWER,
    ),
    "unallocated_days": Plain(
        "Days without a social worker (average)",
        "For the children on a plan without an allocated social worker, the average number "
        "of days they had been without one.",
        "The longer a child is without a social worker, the greater the risk that the plan drifts.",
        LOWER,
    ),
    "unallocated_by_risk": Plain(
        "Children without a social worker, by risk",
        "The children on a plan without an allocated social worker, by the risk the "
        "manager recorded.",
        "Children at higher risk should be the first to be allocated.",
    ),
    "unallocated_others_involved": Plain(
        "Children without a social worker with other professionals involved",
        "Of the children on a plan without an allocated social worker, the share with "
        "other staff or agencies actively involved.",
        "Someone must still be seeing the child and carrying out the plan.",
        HIGHER,
    ),
    "cpp_and_looked_after": Plain(
        "Children both on a plan and looked after",
        "How many children were on a child protection plan and in the council's care at "
        "the same time.",
        "A child in care is usually safe from the harm that led to the plan; plans that "
        "continue should be checked.",
    ),
    "cpp_started_by_category": Plain(
        "Plans started by category of abuse",
        "The plans started, by the main kind of harm recorded at the start: neglect, "
        "physical, sexual or emotional abuse, or more than one.",
        "It shows what children are being protected from.",
    ),
    "supervision_within_standard": Plain(
        "Social workers' supervision on time",
        "Of the supervision sessions held, the share held within 4 weeks of the previous one.",
        "Regular supervision keeps social workers' judgement sharp and their caseloads safe.",
        HIGHER,
    ),
    "data_completeness": Plain(
        "Completeness of the data",
        "Of the records that should hold an item the figures depend on (a date of a visit, "
        "a conference, a publication), the share that do.",
        "Figures are only as good as the records behind them.",
        HIGHER,
    ),
}

# The indicators of the members' report, in its order.
MEMBERS_INDICATORS: tuple[str, ...] = (
    "s47_started",
    "icpc_held",
    "icpc_within_15_working_days",
    "core_group_within_10_working_days",
    "cpp_started",
    "cpp_open_at_end",
    "cpp_repeat",
    "cpp_ended_2_years_or_more",
    "cpp_reviewed_in_time",
    "cpp_seen_within_standard",
    "cpp_seen_alone_within_standard",
    "decision_published_in_time",
    "minutes_published_in_time",
    "conference_quorate",
    "conference_parents_attended",
    "unallocated_at_end",
    "supervision_within_standard",
)


def plain(indicator_id: str, title: str = "") -> Plain:
    """The plain words for an indicator (its title when none are written)."""
    return PLAIN.get(indicator_id, Plain(title or indicator_id, "", ""))


def polarity(indicator_id: str) -> Polarity:
    return plain(indicator_id).polarity
