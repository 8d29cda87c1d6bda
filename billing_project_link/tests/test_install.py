# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import tagged
from odoo.tests.common import TransactionCase


@tagged("post_install", "-at_install")
class TestInstall(TransactionCase):
    def test_installed_with_dependencies(self):
        names = ["billing_project_link", "sale_stock", "sale_project", "sale_timesheet"]
        modules = self.env["ir.module.module"].search([("name", "in", names)])
        self.assertEqual(len(modules), 4)
        self.assertEqual(set(modules.mapped("state")), {"installed"})
