"""Needs mapping (issue 15): questionnaires in XLSForm, submissions entered in the app or
imported from KoBoToolbox / ODK Central, and their analysis."""
