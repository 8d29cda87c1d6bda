from . import test_delivery_invoice, test_install
