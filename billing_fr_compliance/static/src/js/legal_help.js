/** @odoo-module **/
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
// User menu (your name, top right) > Help on French Invoice Mentions: the help page of the
// legal identity fields and of the mentions the posting gate checks, named by its refusal.
import {browser} from "@web/core/browser/browser";
import {_t} from "@web/core/l10n/translation";
import {registry} from "@web/core/registry";

registry.category("user_menuitems").add("billing_fr_compliance.legal_help", () => ({
    type: "item",
    id: "billing_fr_compliance.legal_help",
    description: _t("Help on French Invoice Mentions"),
    href: "/billing_fr_compliance/help",
    callback: () => browser.open("/billing_fr_compliance/help", "_blank"),
    sequence: 25,
}));
