from . import models, wizards
from .hooks import uninstall_hook
