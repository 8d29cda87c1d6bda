"""Pure invoicing rules: no Odoo import here (tested by the repo-root pytest)."""
