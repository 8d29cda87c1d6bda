from . import legal_help
