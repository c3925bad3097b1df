"""The reports pages: ``statistics`` (dashboards, monthly reports, anonymised exports),
``exports`` (identifiable exports through a request) and ``case_summary`` (one case as a
PDF for the file)."""
