"""Every write to a referral. Each service checks who may act, validates, writes in one
transaction with its audit event (field names, never values), and queues its
notifications in that transaction (register number, link, unit name and due time only).

    sent ──accept──▶ accepted ──start──▶ in_service ──complete──▶ completed
      └──decline──▶ declined
    sent / accepted / in_service ──cancel (sender)──▶ cancelled
                                 ──consent withdrawn──▶ withdrawn

Import the service you need from its module:

- ``creating``: the preview, the deadline, making a referral
- ``answering``: the recipient's answers (accept, decline, start, complete)
- ``ending``: cancelling, and withdrawing what rested on a withdrawn consent
- ``escalation``: telling both sides about an unanswered referral past its deadline
- ``common``: who may act, who is told, and the one status-change step they all use
"""
