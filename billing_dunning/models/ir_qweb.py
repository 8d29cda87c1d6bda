# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from contextlib import contextmanager
from uuid import uuid4

from lxml import etree

from odoo import models

COMPILE_ONCE = "billing_qweb_compile_once"


class IrQweb(models.AbstractModel):
    _inherit = "ir.qweb"

    @contextmanager
    def _billing_compile_once(self):
        """Within the block, a model whose context is ``with_context(**key)`` (the yielded
        dict) has each inline QWeb template (e.g. a mail template's body, which Odoo
        compiles again for each record it renders) compiled once per source and rendering
        context, then run for each record: the same compiled code Odoo runs, so the same
        output. The compiled code is kept until the block ends."""
        token = uuid4().hex
        self.env.cr.cache.setdefault(COMPILE_ONCE, {})[token] = {}
        try:
            yield {COMPILE_ONCE: token}
        finally:
            self.env.cr.cache[COMPILE_ONCE].pop(token, None)

    def _compile(self, template):
        token = self.env.context.get(COMPILE_ONCE)
        memo = token and self.env.cr.cache.get(COMPILE_ONCE, {}).get(token)
        if memo is None or not isinstance(template, etree._Element):
            return super()._compile(template)
        # everything the compiled code may depend on: the source and the context
        key = (
            etree.tostring(template),
            tuple(sorted((k, repr(v)) for k, v in self.env.context.items() if k != COMPILE_ONCE)),
        )
        if key not in memo:
            memo[key] = super()._compile(template)
        return memo[key]
