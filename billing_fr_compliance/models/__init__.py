from . import billing_fr_rate
