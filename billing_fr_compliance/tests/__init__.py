from . import (
    test_credit_note,
    test_facturx,
    test_gate,
    test_gate_queries,
    test_identity,
    test_install,
    test_legal_snapshot,
    test_numbering,
    test_report,
    test_tour,
)
