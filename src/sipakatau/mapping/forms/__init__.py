"""Ready XLSForm questionnaires, built in code so a change is reviewed like code."""
