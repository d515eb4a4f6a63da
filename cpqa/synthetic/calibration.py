"""The volumes and rates the synthetic authority is calibrated to.

England's figures for the year ending 31 March 2025 (the CIN census 2025),
worked out once from the DfE and ONS files copied under
/work/shared/reference/dfe-statistics/ and hard-coded here, since a fresh
clone has no /work/shared. Each constant names its file and the row it came
from. "National row" means geographic_level == "National"; the LAIT extract
(lait_bds_child_protection_cin_extract_2016_2025.csv) rows are
area_name == "England", year == 2025 and the measure_short given.

A few figures are not in those files; their comments say where they came
from instead, or that they are modelling assumptions. Some constants are inputs
to the generator; the others (ICPC_PER_10K, PLANS_OPEN_PER_10K, the shares of
plans by duration, REVIEWS_IN_TIME, UNBORN_AT_ANY_TIME_SHARE) are the targets its
output is checked against (tests/synthetic).
"""

# --- Population ----------------------------------------------------------------

# ons_mid-year_population_estimates_2012_to_2024.csv, National row, time_period 2024,
# age_group "Children aged 0 to 17 years": the denominator DfE uses for the 2025 rates.
ENGLAND_CHILD_POPULATION = 12_183_016

# A shire-sized authority (modelling choice). Scale 1 has this many children aged 0 to 17;
# scale ~200 is all of England (200 x 60,000 = 12.0 million, cf. the figure above).
CHILD_POPULATION_PER_SCALE = 60_000

# --- Section 47 enquiries and initial conferences ----------------------------

# c4_children_in_need_section_47s_and_icpcs_2013_to_2025.csv, National row, 2025:
# Section47 = 230,590 / 12,183,016 x 10,000 = 189.3 (LAIT Section_47 gives 189.3 too).
SECTION47_PER_10K = 189.3

# Same row: ICPC = 72,100 / 12,183,016 x 10,000 = 59.2 (LAIT ISCP_Conf: 59.2).
ICPC_PER_10K = 59.2

# Same row: ICPC / Section47 = 72,100 / 230,590.
ICPC_PER_SECTION47 = 0.3127

# Same row: working days from the strategy discussion to the ICPC,
# Duration_0-10_days 6,240, Duration_11-15_days 52,430, Duration_16-20_days 6,430,
# Duration_21+_days 6,990 (of 72,090); quartiles 13 and 15, median 14. (The generator
# caps the open band at 45 working days.)
ICPC_DAYS_BANDS = ((0, 10), (11, 15), (16, 20), (21, 45))
ICPC_DAYS_SHARES = (0.0866, 0.7273, 0.0892, 0.0970)
# (6,240 + 52,430) / 72,090 = 81.4% within 15 working days (LAIT CP_conf_15days: 81.4).
ICPC_WITHIN_15_DAYS = 0.814

# Modelling choice: one team in six is clearly worse, so that monitoring has something
# to find; the other teams are better than England so that the whole matches it.
ICPC_WITHIN_15_DAYS_WORST_TEAM = 0.60

# --- Child protection plans ---------------------------------------------------

# d3_cpps_subsequent_plan_2013_to_2025.csv, National row, 2025: CPP_start = 61,840,
# / 12,183,016 x 10,000 = 50.8 (LAIT CPP_Abuse_Rate: 50.8).
PLANS_STARTING_PER_10K = 50.8

# 61,840 plans started / 72,100 ICPCs (c4) = 0.858 (some plans start at transfer-in
# conferences; see TRANSFER_IN_SHARE).
PLANS_PER_ICPC = 0.858

# d3, National row, 2025: CPP_subsequent_percent = 24.5 (15,130 of 61,840 plans were a
# second or subsequent plan; LAIT PrevRegCPR: 24.5).
SUBSEQUENT_PLAN_SHARE = 0.245

# d5_cpps_at31march_by_duration_2013_to_2025.csv, National row, 2025:
# CPP_At31 = 49,420 / 12,183,016 x 10,000 = 40.6 (LAIT CPP_rate: 40.6).
PLANS_OPEN_PER_10K = 40.6

# d5, National row, 2025: plans open at 31 March by time on the plan,
# 3 months or less 31.5%, 3-6 months 25.5%, 6 months-1 year 26.3%, 1-2 years 14.4%,
# 2 years or more 2.3%.
PLANS_OPEN_DURATION_SHARES = (0.315, 0.255, 0.263, 0.144, 0.023)

# LAIT CPPlans2yrs, 2025: 4.4% of the plans that ended in the year had lasted 2 years
# or more (CPRDuration: 2,710 plans).
PLANS_ENDING_2_YEARS_OR_MORE = 0.044

# The survival function of plan durations, S(months) = share of plans still open,
# fitted so that a steady flow of plans gives d5's open-plan shares above, with
# S(24) = 4.4% from LAIT: piecewise linear through these points, then an exponential
# tail of mean PLAN_DURATION_TAIL_MONTHS. Its mean is 9.2 months; CPP_At31 / CPP_start
# x 12 = 49,420 / 61,840 x 12 = 9.6 months, which agrees. The shares of plans
# ending are then: under 3 months 6%, 3-6 months 31%, 6-12 months 45%,
# 1-2 years 13%, 2 years or more 4.4%.
PLAN_SURVIVAL = ((0.0, 1.0), (3.0, 0.937), (6.0, 0.631), (12.0, 0.177), (24.0, 0.044))
PLAN_DURATION_TAIL_MONTHS = 4.82

# LAIT RevCP, 2025: 90.6% of children on a plan for 3 months or more at 31 March had
# every review in time (CPP_Reviewed_InReqTimeScl 30,780 of CPP_31March_3MnthorMore
# 33,960). A child has one to three reviews, so about 6% of review conferences are late.
REVIEWS_IN_TIME = 0.906
REVIEW_LATE_SHARE = 0.065

# Initial category of abuse of the plans starting. Not in the files above: from DfE,
# "Children in need: a focus on sexual abuse and exploitation", 2025 (explore-education-
# statistics): sexual abuse 2,190 of 61,840 plans (3.5%), neglect "around half",
# emotional abuse "around a third"; the rest split between physical abuse and multiple
# as in DfE table A6 at 31 March 2020 (physical 3,820 : multiple 1,330).
CATEGORY_SHARES = {"NEG": 0.50, "EMO": 0.33, "PHY": 0.10, "SAB": 0.035, "MUL": 0.035}
# Modelling assumption: the latest category differs from the initial one on 8% of plans.
CATEGORY_CHANGE_SHARE = 0.08

# Unborn children. DfE table A5, 31 March 2020: 1,220 of the 51,510 children on a plan
# were unborn (2.4%). A pre-birth plan starts about 12 weeks before the birth and the
# child is born during it, so about 8% of plans must start before birth for 2.4% of
# open plans to be for unborn children (modelling assumption).
UNBORN_AT_ANY_TIME_SHARE = 0.024
UNBORN_PLAN_START_SHARE = 0.08

# Modelling assumptions: transfer-in conferences start 3% of plans; plans end because
# the child became looked after (10%) or moved away (4%); otherwise at a review
# conference once the risk has reduced.
TRANSFER_IN_SHARE = 0.03
PLAN_END_LOOKED_AFTER_SHARE = 0.10
PLAN_END_MOVED_SHARE = 0.04
# A child may be looked after while still on a plan for a while (the CIN census allows
# it): this share of plans has a looked-after episode starting mid-plan.
LOOKED_AFTER_DURING_PLAN_SHARE = 0.015

# --- Referrals, CIN episodes and assessments ---------------------------------

# LAIT CPP_Total_Rateper10,000, 2025: 519.4 referrals per 10,000 children
# (CPP_Total_NumRef 632,830).
REFERRALS_PER_10K = 519.4
# LAIT CIN_Refferals_NFA, 2025: 6.5% of referrals were no further action.
REFERRAL_NFA_SHARE = 0.065
# LAIT Referrals_AssessedNotNeed, 2025: 30.8% assessed and found not to be in need.
ASSESSED_NOT_IN_NEED_SHARE = 0.308
# LAIT Continue_Assess_Comp, 2025: 85.7% (read as assessments completed within
# 45 working days).
ASSESSMENTS_WITHIN_45_DAYS = 0.857

# --- Timeliness not published nationally (modelling assumptions) ------------

# Working Together 2023: the first core group within 10 working days of the ICPC,
# then regularly; the authority's own standard: statutory visits every 10 working days,
# decisions out the next working day, minutes within 15 working days.
CORE_GROUP_FIRST_IN_TIME = 0.85
VISIT_IN_TIME = 0.82
DECISION_NEXT_DAY = 0.88
MINUTES_IN_TIME = 0.78
SUPERVISION_EVERY_DAYS = 28

# --- Seasonality (modelling assumption) ---------------------------------------
# No monthly series is published. Referrals from schools stop in the summer holiday
# and at Christmas, so August and December are below the average month and the
# autumn term is above it. Multipliers by calendar month (January first), mean 1.
MONTH_FACTORS = (1.02, 1.04, 1.03, 0.96, 1.02, 1.05, 1.00, 0.80, 0.98, 1.08, 1.10, 0.92)
# Strategy discussions out of hours (emergency duty team) on a weekend or holiday.
WEEKEND_STRATEGY_SHARE = 0.02

# --- Data quality (deliberate gaps, modelling assumptions) ------------------
# Rates of the gaps and census errors the generator leaves for validation to find.
GAP_DECISION_PUBLISHED = 0.03
GAP_MINUTES_PUBLISHED = 0.04
GAP_VISIT_DATE = 0.01
GAP_NON_ATTENDANCE_REASON = 0.05
GAP_REVIEW_DATE_HELD = 0.015
GAP_PREVIOUS_PLANS = 0.01
# Of the children whose earlier plan is in the data, this share has previous_plans 0.
ERROR_PREVIOUS_PLANS_ZERO = 0.10
ERROR_ICPC_ON_WEEKEND = 0.005
ERROR_REVIEW_ON_START_DATE = 0.005

# --- Workforce (modelling assumptions for a six-team service) ----------------
TEAMS_PER_SCALE = 6
SOCIAL_WORKER_POSTS_PER_TEAM = 8
ASSISTANT_TEAM_MANAGER_POSTS_PER_TEAM = 2
CONFERENCE_CHAIRS_PER_SCALE = 4
AGENCY_SHARE = 0.15
AGENCY_SHARE_WORST_TEAM = 0.40
PART_TIME_SHARE = 0.2
