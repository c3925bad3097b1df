"""What the social pages share."""

from django.utils.translation import gettext_lazy as _

from sipakatau.accounts.permissions import DECIDE_PROPOSALS, SEE_HOUSEHOLDS

# Who opens the social pages at all (the fetchers then decide what each one sees).
SOCIAL_ROLES = tuple(sorted(SEE_HOUSEHOLDS | DECIDE_PROPOSALS))

# The tabs at the top of every social page: (url name, label).
TABS = [
    ("social:household_list", _("Households")),
    ("social:worklist", _("Worklist")),
    ("social:batch_list", _("Proposals")),
    ("social:rule_list", _("Rules")),
]
