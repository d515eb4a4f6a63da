"""The pages each role sees: home pages, indicator pages, early warnings.

- /dashboard/<role>/: a home page per role, for a month (the latest complete one by
  default) with the trend of the 24 months to it (homes.py);
- /indicator/<id>/: an indicator's trend with an SPC chart, its standard and RAG status,
  the teams side by side and as a funnel plot (indicator_pages.py);
- /warnings/ and /warnings/<list>/: due and overdue work, as at the day the data stands
  at (warnings.py);
- filters (month, team, category of abuse, age band) in the query string (forms.py,
  filters.py).

A conference chair's account is linked to the casework by name: the professional
recorded as a conference chair whose name is the user's first and last names
(homes.chair_for_user). No mapping table is kept.
"""
