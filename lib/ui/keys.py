"""Session-state keys of the sidebar filters and their URL query parameters, in one place."""

from __future__ import annotations

# Session-state keys, in one place.
KEY_YEAR = "filter_year"
KEY_PROGRAM = "filter_program"
KEY_REGION = "filter_region"
KEY_PROJECT = "filter_project"
KEY_FILTERS = "filters"
# The searches that narrow the program and project lists (not in the URL: the choice is).
KEY_PROGRAM_SEARCH = "filter_program_search"
KEY_PROJECT_SEARCH = "filter_project_search"
KEY_REGION_SEARCH = "filter_region_search"
# URL query parameter for each filter key.
URL_PARAMS = {KEY_YEAR: "year", KEY_PROGRAM: "program", KEY_REGION: "region", KEY_PROJECT: "project"}
# The 年度口径 of every headline (lib/ui/years.py), kept across pages and for the brief.
KEY_YEAR_BASIS = "year_basis"
