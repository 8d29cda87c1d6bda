from . import (
    test_credit_note,
    test_demo,
    test_demo_platform,
    test_facturx,
    test_gate,
    test_gate_queries,
    test_history,
    test_identity,
    test_install,
    test_legal_snapshot,
    test_non_french,
    test_notify_without_email,
    test_numbering,
    test_out_of_scope,
    test_pa_status,
    test_pa_status_out,
    test_partner_rules,
    test_report,
    test_security,
    test_tour,
)

# isort: split
# e-invoicing through a PA (paclient)
from . import test_billing_pa

# isort: split
# e-reporting (flux 10, issue 20)
from . import test_ereport, test_ereport_tour, test_pa_poll, test_pa_send_workers

# isort: split
# training: help texts of the legal identity and of the gate (issue 22)
from . import test_legal_help, test_pa_status_workers, test_quality
