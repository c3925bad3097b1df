"""Every write to a case. Import the service you need from its module:

- ``intake``: open a case, add people, record what happened
- ``classification``: SIMFONI and GBVIMS classification, TPKS offences
- ``care``: assessment, consent, service plan, follow-ups, notes, attachments
- ``workflow``: status moves, assignment, closure and reopening
- ``deadlines``: due actions and their escalation
"""
