/** @odoo-module **/
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
// Onboarding tours of the two daily paths of this addon, shown once to each new billing user
// (web_tour.tour records, data/web_tour_tour_data.xml) and restartable from the user menu
// (avatar, top right): invoice a delivery from the unbilled backlog, post a situation.
// Steps with isActive ["auto"] only check the result when a test runs the tour
// (tests/test_onboarding_tour.py); the others point at what the clerk clicks.
import {_t} from "@web/core/l10n/translation";
import {registry} from "@web/core/registry";
import {user} from "@web/core/user";
import {stepUtils} from "@web_tour/tour_service/tour_utils";

export const BILLING_PROJECT_LINK_TOURS = {
    billing_project_link_onboarding_delivery: () => _t("Guided tour: invoice a delivery"),
    billing_project_link_onboarding_situation: () => _t("Guided tour: post a situation"),
};

registry.category("web_tour.tours").add("billing_project_link_onboarding_delivery", {
    url: "/odoo",
    steps: () => [
        ...stepUtils.goToAppSteps(
            "account.menu_finance",
            _t("Open Invoicing: what is delivered and not invoiced yet is listed there.")
        ),
        {
            trigger: ".o_main_navbar [data-menu-xmlid='account.menu_finance_reports']",
            content: _t("Open Reporting."),
            tooltipPosition: "bottom",
            run: "click",
        },
        {
            trigger:
                ".dropdown-item[data-menu-xmlid='billing_project_link.billing_backlog_report_menu']",
            content: _t(
                "Unbilled Backlog: the deliveries done, milestones reached and situations due " +
                    "that are not invoiced yet, the oldest first."
            ),
            tooltipPosition: "right",
            run: "click",
        },
        {
            trigger:
                ".o_list_view .o_data_row:has(.text-bg-info) button[name=action_open_item]",
            content: _t("Open a delivery (blue badge) to invoice."),
            tooltipPosition: "left",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_statusbar_buttons button[name=action_invoice_delivery]",
            content: _t(
                "Invoice this Delivery: the invoice bills exactly what this delivery note " +
                    "delivered, and names it."
            ),
            tooltipPosition: "bottom",
            run: "click",
        },
        {
            trigger: ".modal .modal-footer .btn-primary",
            content: _t("Confirm."),
            tooltipPosition: "top",
            run: "click",
        },
        {
            trigger:
                "body:not(:has(.modal)) .o_form_view .o_statusbar_buttons button[name=action_post]",
            content: _t(
                "Check the draft invoice, then Confirm it: the French mandatory mentions are " +
                    "checked when it is posted."
            ),
            tooltipPosition: "bottom",
            run: "click",
        },
        {
            isActive: ["auto"],
            trigger:
                ".o_form_view .o_statusbar_status button.o_arrow_button_current[data-value=posted]",
        },
    ],
});

registry.category("web_tour.tours").add("billing_project_link_onboarding_situation", {
    url: "/odoo",
    steps: () => [
        ...stepUtils.goToAppSteps(
            "sale.sale_menu_root",
            _t("Open Sales: a situation bills the progress of a confirmed order.")
        ),
        {
            trigger: ".o_main_navbar [data-menu-xmlid='sale.sale_order_menu']",
            content: _t("Open Orders."),
            tooltipPosition: "bottom",
            run: "click",
        },
        {
            trigger: ".dropdown-item[data-menu-xmlid='sale.menu_sale_order']",
            content: _t("The confirmed orders."),
            tooltipPosition: "right",
            run: "click",
        },
        {
            trigger: ".o_list_view .o_data_row .o_data_cell[name=name]",
            content: _t("Open the order of the works to bill."),
            tooltipPosition: "bottom",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_statusbar_buttons button[name=action_new_situation]",
            content: _t(
                "New Situation: the situation of the month, numbered, with each line at its " +
                    "previous progress."
            ),
            tooltipPosition: "bottom",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_field_widget[name=global_percent] input",
            content: _t("Enter the overall progress reached, cumulative, in % (for instance 30)."),
            tooltipPosition: "bottom",
            run: "edit 30",
        },
        {
            trigger: ".o_form_view button[name=action_apply_global_percent]",
            content: _t("Apply it to every line (or set the progress of each line below)."),
            tooltipPosition: "bottom",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_statusbar_buttons button[name=action_create_invoice]",
            content: _t(
                "Create Invoice: it bills this situation minus the previous ones, deducts the " +
                    "down payments and holds the retention."
            ),
            tooltipPosition: "bottom",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_statusbar_buttons button[name=action_post]",
            content: _t("Check the situation invoice, then Confirm it."),
            tooltipPosition: "bottom",
            run: "click",
        },
        {
            isActive: ["auto"],
            trigger:
                ".o_form_view .o_statusbar_status button.o_arrow_button_current[data-value=posted]",
        },
    ],
});

// Restart a tour: one item per tour in the user menu, next to Odoo's Onboarding switch, for
// billing users (the users these tours are for).
registry.category("services").add("billing_project_link_onboarding", {
    dependencies: ["tour_service"],
    async start(env, {tour_service}) {
        if (!(await user.hasGroup("account.group_account_invoice"))) {
            return;
        }
        let sequence = 31;
        for (const [name, label] of Object.entries(BILLING_PROJECT_LINK_TOURS)) {
            const itemSequence = sequence++;
            registry.category("user_menuitems").add(`billing_tour.${name}`, () => ({
                type: "item",
                id: `billing_tour.${name}`,
                description: label(),
                callback: () => tour_service.startTour(name, {mode: "manual"}),
                sequence: itemSequence,
            }));
        }
    },
});
