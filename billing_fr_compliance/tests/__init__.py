from . import (
    test_credit_note,
    test_demo,
    test_demo_platform,
    test_facturx,
    test_gate,
    test_gate_queries,
    test_identity,
    test_install,
    test_legal_snapshot,
    test_non_french,
    test_numbering,
    test_out_of_scope,
    test_pa_status,
    test_pa_status_out,
    test_partner_rules,
    test_report,
    test_tour,
)

# isort: split
# e-invoicing through a PA (paclient)
from . import test_billing_pa
