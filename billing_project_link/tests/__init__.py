from . import (
    test_delivery_batch,
    test_delivery_downpayment,
    test_delivery_invoice,
    test_delivery_race,
    test_install,
    test_situation_access,
    test_situation_affaires,
    test_situation_concurrency,
    test_situation_invoicing,
    test_situation_milestones_timesheets,
    test_situation_retention,
    test_tour,
)
