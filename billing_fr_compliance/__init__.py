from . import controllers, models, wizards
from .hooks import post_init_hook, pre_init_hook
