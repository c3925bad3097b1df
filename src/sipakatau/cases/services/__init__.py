"""Every write to a case. Import the service you need from its module:

- ``intake``: open a case, add people (``party_create``: a new person in one step), record
  what happened
- ``incident_intake``: intake screen 3 in one step (incident, perpetrator, consent)
- ``consents``: one consent for several victims, with its proof and a child's guardian
- ``classification``: SIMFONI and GBVIMS classification, TPKS offences
- ``gbvims_details``: the GBVIMS intake fields of an incident, checked for intake and edits
- ``edits``: correcting particulars, a perpetrator's relation and the GBVIMS fields after
  intake (caseworkers and coordinators)
- ``care``: assessment, consent, service plan, follow-ups, notes, attachments
- ``workflow``: status moves, assignment, closure and reopening
- ``deadlines``: due actions and their escalation
"""
