"""The social-protection pages: households, worklist and rules, proposal batches."""
