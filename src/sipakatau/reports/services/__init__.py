"""Every write of the reports app: ``monthly`` (the monthly report the SK Lurah orders)
and ``exports`` (files that leave the system, each audited)."""
