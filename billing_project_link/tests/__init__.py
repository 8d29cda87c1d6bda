from . import (
    test_delivery_batch,
    test_delivery_downpayment,
    test_delivery_invoice,
    test_delivery_race,
    test_install,
)
