"""Every write to users, organisations and memberships, one module per concept: users,
memberships, organisations, second_factor, and setup (the operator's idempotent set-up, with
no acting membership yet).

Each service checks that the acting membership may do it (``accounts.queries``' ``may_…``
predicates), validates, writes the audit event (``audit.log``) in the same transaction,
and only then returns.
"""
