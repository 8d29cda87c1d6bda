/** @odoo-module **/
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
// The posting gate's refusal opens, like a RedirectWarning, the record to fix.
import {RedirectWarningDialog} from "@web/core/errors/error_dialogs";
import {registry} from "@web/core/registry";

registry
    .category("error_dialogs")
    .add("odoo.addons.billing_fr_compliance.exceptions.FrGateRefusal", RedirectWarningDialog);
