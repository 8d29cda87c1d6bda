from . import test_identity, test_install, test_legal_snapshot
