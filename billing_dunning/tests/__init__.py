from . import (
    test_dunning_interest_invoice,
    test_dunning_jobs,
    test_dunning_levels,
    test_dunning_multi_company,
    test_dunning_platform_e2e,
    test_dunning_platform_status,
    test_dunning_run,
    test_dunning_tools,
    test_dunning_workers,
    test_french_screens,
    test_install,
    test_tour,
)
