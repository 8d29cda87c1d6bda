/** @odoo-module **/
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
// Onboarding tour of the day's reminders, shown once to each new billing user (web_tour.tour
// record, data/web_tour_tour_data.xml) and restartable from the user menu (avatar, top
// right): Payment Follow-up, a customer due, preview, send. Steps with isActive ["auto"]
// only check the result when a test runs the tour (tests/test_onboarding_tour.py).
import {_t} from "@web/core/l10n/translation";
import {registry} from "@web/core/registry";
import {user} from "@web/core/user";
import {stepUtils} from "@web_tour/tour_service/tour_utils";

const TOUR = "billing_dunning_onboarding_reminders";

registry.category("web_tour.tours").add(TOUR, {
    url: "/odoo",
    steps: () => [
        ...stepUtils.goToAppSteps(
            "account.menu_finance",
            _t("Open Invoicing: the day's payment reminders start there.")
        ),
        {
            trigger: ".o_main_navbar [data-menu-xmlid='account.menu_finance_receivables']",
            content: _t("Open Customers."),
            tooltipPosition: "bottom",
            run: "click",
        },
        {
            trigger: ".dropdown-item[data-menu-xmlid='billing_dunning.billing_dunning_followup_menu']",
            content: _t(
                "Payment Follow-up: the customers with overdue invoices, their next reminder " +
                    "and its date."
            ),
            tooltipPosition: "right",
            run: "click",
        },
        {
            trigger: ".o_list_view .o_data_row .o_data_cell[name=partner_id]",
            content: _t("Open a customer whose next reminder is due today."),
            tooltipPosition: "bottom",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_statusbar_buttons button[name=action_preview]",
            content: _t(
                "Preview: the reminder as the customer will read it, with the late invoices, " +
                    "the interest and the 40 EUR indemnity."
            ),
            tooltipPosition: "bottom",
            run: "click",
        },
        {
            trigger: ".modal .modal-footer button.btn-secondary",
            content: _t("Close the preview."),
            tooltipPosition: "top",
            run: "click",
        },
        {
            trigger:
                "body:not(:has(.modal)) .o_form_view .o_statusbar_buttons button[name=action_send_now]",
            content: _t(
                "Send Now: the reminder goes out by its level's channel (e-mail, letter or " +
                    "phone call) and is kept in the history."
            ),
            tooltipPosition: "bottom",
            run: "click",
        },
        {
            isActive: ["auto"],
            trigger: ".o_form_view .o_field_widget[name=level_id]",
        },
    ],
});

// Restart the tour from the user menu (avatar, top right), next to Odoo's Onboarding switch,
// for billing users.
registry.category("services").add("billing_dunning_onboarding", {
    dependencies: ["tour_service"],
    async start(env, {tour_service}) {
        if (!(await user.hasGroup("account.group_account_invoice"))) {
            return;
        }
        registry.category("user_menuitems").add(`billing_tour.${TOUR}`, () => ({
            type: "item",
            id: `billing_tour.${TOUR}`,
            description: _t("Guided tour: the day's reminders"),
            callback: () => tour_service.startTour(TOUR, {mode: "manual"}),
            sequence: 33,
        }));
    },
});
