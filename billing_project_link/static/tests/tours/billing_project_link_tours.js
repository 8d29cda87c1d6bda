/** @odoo-module **/
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
// A French clerk invoices a delivery from the delivery form, and bills a building contract
// by situations. Data: tests/test_tour.py (TestDeliveryTour, TestSituationTour).
import { registry } from "@web/core/registry";

// the test machines are shared and can be slow: each step may wait 30 s for the server
const patient = (steps) => steps.map((step) => ({ timeout: 30000, ...step }));

registry.category("web_tour.tours").add("billing_project_link_delivery_tour", {
    steps: () =>
        patient([
            {
                content: "the web client speaks French: Facturer cette livraison",
                trigger: ".o_form_view .o_statusbar_buttons button[name=action_invoice_delivery]:contains(Facturer cette livraison)",
                run: "click",
            },
            {
                content: "confirm the invoicing of this delivery's quantities",
                trigger: ".modal .modal-footer .btn-primary",
                run: "click",
            },
            {
                content: "the draft invoice opens",
                trigger: "body:not(:has(.modal)) .o_form_view .o_statusbar_status button.o_arrow_button_current[data-value=draft]",
            },
            {
                content: "it bills the delivered product",
                trigger: ".o_form_view .o_field_widget[name=invoice_line_ids] .o_data_row .o_data_cell:contains(Parpaing)",
            },
            {
                content: "and links back to its delivery",
                trigger: ".o_form_view button[name=action_view_delivery_pickings]",
            },
        ]),
});

registry.category("web_tour.tours").add("billing_project_link_situation_tour", {
    steps: () =>
        patient([
            {
                content: "the web client speaks French: Nouvelle situation",
                trigger: ".o_form_view .o_statusbar_buttons button[name=action_new_situation]:contains(Nouvelle situation)",
                run: "click",
            },
            {
                content: "the situation opens as a draft",
                trigger: ".o_form_view .o_field_widget[name=state] button.o_arrow_button_current[data-value=draft]",
            },
            {
                content: "30 % of progress on the whole contract",
                trigger: ".o_form_view .o_field_widget[name=global_percent] input",
                run: "edit 30",
            },
            {
                content: "applied to all lines",
                trigger: ".o_form_view button[name=action_apply_global_percent]",
                run: "click",
            },
            {
                content: "the situation bills 30 % of 100,000 (French number format)",
                trigger: ".o_form_view .o_field_widget[name=amount_situation]:contains(/30.000,00/)",
            },
            {
                content: "create its invoice",
                trigger: ".o_form_view .o_statusbar_buttons button[name=action_create_invoice]",
                run: "click",
            },
            {
                content: "the draft situation invoice opens; post it",
                trigger: ".o_form_view .o_statusbar_buttons button[name=action_post]:contains(Confirmer)",
                run: "click",
            },
            {
                content: "the invoice is posted",
                trigger: ".o_form_view .o_statusbar_status button.o_arrow_button_current[data-value=posted]",
            },
            {
                content: "open the Sales app",
                trigger: ".o_navbar_apps_menu button",
                run: "click",
            },
            {
                trigger: ".o_app[data-menu-xmlid='sale.sale_menu_root']",
                run: "click",
            },
            {
                content: "Commandes > Affaires",
                trigger: ".o_main_navbar [data-menu-xmlid='sale.sale_order_menu']",
                run: "click",
            },
            {
                trigger: ".dropdown-item[data-menu-xmlid='billing_project_link.billing_affaire_report_menu']",
                run: "click",
            },
            {
                content: "the affaires view shows the order with what is left to invoice",
                trigger: ".o_list_view .o_data_row .o_data_cell[name=amount_to_invoice]:contains(/70.000,00/)",
            },
        ]),
});
