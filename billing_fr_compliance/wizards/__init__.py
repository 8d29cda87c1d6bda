from . import account_move_reversal, billing_fr_numbering_check, validate_account_move
