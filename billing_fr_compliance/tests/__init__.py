from . import test_identity, test_install
