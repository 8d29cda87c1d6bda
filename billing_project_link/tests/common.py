# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).


def switch_off_fr_gate(env):
    """billing_fr_compliance, when installed beside this addon, refuses to post invoices that
    lack a French legal mention. This addon's tests are about what gets invoiced, and the gate
    is tested in its own addon, so it is switched off for the test companies."""
    if "fr_gate_mode" in env["res.company"]._fields:
        env["res.company"].search([]).fr_gate_mode = "off"
