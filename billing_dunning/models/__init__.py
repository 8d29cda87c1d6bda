from . import billing_dunning_level, billing_dunning_policy
