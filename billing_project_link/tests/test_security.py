# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Access: the role matrix of the README, company isolation of every model (the delivery
invoicing wizard included)."""

from odoo import Command
from odoo.exceptions import AccessError, MissingError
from odoo.tests import new_test_user, tagged

from .common_situation import SituationCommon

# The "Security" table of README.md: per model, what each role may do (r read, w write,
# c create, d delete; "-" nothing). Roles: internal user, billing user (Accounting:
# Invoicing), billing manager (Accounting: Administrator), stock user (Inventory: User),
# portal user.
ROLES = ("internal", "billing_user", "billing_manager", "stock_user", "portal")
MATRIX = {
    "billing.situation": ("-", "rwcd", "rwcd", "-", "-"),
    "billing.situation.line": ("-", "rwcd", "rwcd", "-", "-"),
    "billing.affaire.report": ("-", "r", "r", "-", "-"),
    "stock.picking.invoice": ("-", "rwcd", "rwcd", "-", "-"),
    "billing.lead.time.report": ("-", "r", "r", "-", "-"),
}
# models without a company: none here
SHARED = set()
# relations without a company check, and why: the wizard has no company (a user of several
# companies invoices their deliveries at once; each invoice takes its delivery's company)
NO_COMPANY_CHECK = ["stock.picking.invoice.picking_ids"]
OPERATIONS = (("r", "read"), ("w", "write"), ("c", "create"), ("d", "unlink"))


def role_groups(env):
    stock = env.ref("stock.group_stock_user", raise_if_not_found=False)
    return {
        "internal": "base.group_user",
        "billing_user": "account.group_account_invoice",
        "billing_manager": "account.group_account_manager",
        "stock_user": "stock.group_stock_user" if stock else "base.group_user",
        "portal": "base.group_portal",
    }


def actual_matrix(case, addon, company):
    """The rights each role's user really has (ir.model.access), per model of ``addon``."""
    users = {
        role: new_test_user(
            case.env,
            login=f"{addon}_matrix_{role}",
            groups=groups,
            company_id=company.id,
            company_ids=[Command.set(company.ids)],
        )
        for role, groups in role_groups(case.env).items()
    }
    # the models ``addon`` defines (not those it extends)
    models = sorted(
        name
        for name, Model in case.env.registry.items()
        if Model._original_module == addon and not Model._abstract
    )
    matrix = {}
    for model in models:
        matrix[model] = tuple(
            "".join(
                letter
                for letter, operation in OPERATIONS
                if case.env[model].with_user(users[role]).browse().has_access(operation)
            )
            or "-"
            for role in ROLES
        )
    return matrix


def unchecked_relations(env, addon):
    """Relations of the models ``addon`` defines to company-bound records without
    ``check_company`` (a model's parent, whose company it takes, and SQL views aside)."""
    found = []
    for name, Model in env.registry.items():
        if Model._original_module != addon or Model._abstract or not Model._auto:
            continue
        company = Model._fields.get("company_id")
        parent = company.related.split(".")[0] if company and company.related else None
        for fname, field in Model._fields.items():
            if (
                field.type not in ("many2one", "many2many")
                or field.related
                or field.compute
                or field.check_company
                or fname == parent
                or field.comodel_name in ("res.company", "res.users", "res.currency")
            ):
                continue
            if "company_id" in env[field.comodel_name]._fields:
                found.append(f"{name}.{fname}")
    return sorted(found)


def models_without_rule(env, addon, shared):
    """The models ``addon`` defines (national data ``shared`` aside) without a record rule."""
    return sorted(
        name
        for name, Model in env.registry.items()
        if Model._original_module == addon
        and not Model._abstract
        and name not in shared
        and not env["ir.rule"].search_count([("model_id.model", "=", name)])
    )


def assert_isolated(case, user_b, records):
    """``user_b`` finds, reads and counts none of ``records`` (of another company)."""
    model = records._name
    Model = case.env[model].with_user(user_b)
    case.assertTrue(records, f"{model}: the test has no record of company A")
    case.assertFalse(Model.search([("id", "in", records.ids)]), model)
    # refused, or (an SQL report built for the user's own companies: A's rows are not in
    # it, and read() leaves out missing records) empty: either way nothing of A is read
    try:
        rows = Model.browse(records.ids).read(["display_name"])
    except (AccessError, MissingError):
        rows = []
    case.assertFalse(rows, f"{model}: a user of another company read these records")
    groups = Model.read_group([("id", "in", records.ids)], ["__count"], [])
    case.assertEqual(sum(group["__count"] for group in groups), 0, model)


@tagged("post_install", "-at_install")
class TestProjectLinkSecurity(SituationCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.company_b = cls.setup_other_company(name="Project Security B")["company"]
        cls.user_a = new_test_user(
            cls.env,
            login="sec_project_user_a",
            groups="account.group_account_invoice,stock.group_stock_user",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )
        cls.manager_b = new_test_user(
            cls.env,
            login="sec_project_manager_b",
            groups="account.group_account_manager,sales_team.group_sale_manager",
            company_id=cls.company_b.id,
            company_ids=[Command.set(cls.company_b.ids)],
        )
        warehouse = cls.env["stock.warehouse"].search(
            [("company_id", "=", cls.company.id)], limit=1
        )
        cls.picking = cls.env["stock.picking"].create(
            {"picking_type_id": warehouse.out_type_id.id, "partner_id": cls.customer.id}
        )

    def _picking_wizard(self, user):
        return (
            self.env["stock.picking.invoice"]
            .with_user(user)
            .create({"picking_ids": [Command.set(self.picking.ids)]})
        )

    def test_role_matrix_is_the_readme(self):
        self.assertEqual(actual_matrix(self, "billing_project_link", self.company), MATRIX)

    def test_every_model_has_a_record_rule(self):
        self.assertEqual(models_without_rule(self.env, "billing_project_link", SHARED), [])

    def test_relations_to_company_records_are_checked(self):
        self.assertEqual(unchecked_relations(self.env, "billing_project_link"), NO_COMPANY_CHECK)

    def test_company_b_sees_nothing_of_company_a(self):
        # a posted situation invoice: a row of the billing lead time
        self._situation(self._create_order(), [10, 10]).invoice_id.action_post()
        self._picking_wizard(self.user_a)
        for model in MATRIX:
            assert_isolated(self, self.manager_b, self.env[model].sudo().search([]))

    def test_picking_wizard_is_its_user_s_own(self):
        other_a = new_test_user(
            self.env,
            login="sec_project_other_a",
            groups="account.group_account_manager,stock.group_stock_user",
            company_id=self.company.id,
            company_ids=[Command.set(self.company.ids)],
        )
        wizard = self._picking_wizard(self.user_a)
        assert_isolated(self, other_a, wizard.sudo())
        with self.assertRaises(AccessError):
            wizard.with_user(other_a).action_create_invoices()
