from . import (
    account_move,
    billing_dunning_followup,
    billing_dunning_level,
    billing_dunning_outcome,
    billing_dunning_policy,
    billing_dunning_rate,
    billing_dunning_reminder,
    billing_dunning_reminder_line,
    ir_module_module,
    res_lang,
    res_partner,
)
