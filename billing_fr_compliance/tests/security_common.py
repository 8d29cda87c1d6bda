# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Helpers of each billing addon's tests/test_security.py: the rights each role really has,
the models without a record rule, the relations without a company check, and the isolation
of a company's records. Each addon installs alone, so each carries the same copy of this
file (tests/test_shared_copies.py keeps them identical)."""

from odoo import Command
from odoo.exceptions import AccessError, MissingError
from odoo.tests import new_test_user

# the columns of the role matrix (MATRIX of test_security.py, table of docs/security.md)
ROLES = ("internal", "billing_user", "billing_manager", "stock_user", "portal")
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
    # a stored field is read from the table: the company, or the creator of a model without
    # one of its own (a wizard); refused, or (an SQL report built for the user's own
    # companies: A's rows are not in it, and read() leaves out missing records) empty:
    # either way nothing of A is read
    company = Model._fields.get("company_id")
    stored = "company_id" if company and company.store else "create_uid"
    try:
        rows = Model.browse(records.ids).read([stored, "display_name"])
    except (AccessError, MissingError):
        rows = []
    case.assertFalse(rows, f"{model}: a user of another company read these records")
    groups = Model.read_group([("id", "in", records.ids)], ["__count"], [])
    case.assertEqual(sum(group["__count"] for group in groups), 0, model)
