/** @odoo-module **/
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
// The posting gate's refusal: like a RedirectWarning, a button opening the record to fix
// (when the first missing mention is fixed elsewhere than on the document), Close, and Help
// opening the help page on the French mentions in a new tab.
import {RedirectWarningDialog} from "@web/core/errors/error_dialogs";
import {registry} from "@web/core/registry";

export class FrGateRefusalDialog extends RedirectWarningDialog {
    static template = "billing_fr_compliance.GateRefusalDialog";

    setup() {
        super.setup();
        this.helpUrl = this.props.data.arguments[4];
    }
}

registry
    .category("error_dialogs")
    .add("odoo.addons.billing_fr_compliance.exceptions.FrGateRefusal", FrGateRefusalDialog);
