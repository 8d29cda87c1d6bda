from . import (
    account_move_reversal,
    billing_fr_numbering_check,
    billing_pa_status_answer,
    validate_account_move,
)
