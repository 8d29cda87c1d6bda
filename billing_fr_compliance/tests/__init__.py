from . import test_facturx, test_identity, test_install, test_legal_snapshot
