/** @odoo-module **/
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
// A French billing clerk opens the receivables schedule (Échéancier), groups it by bucket,
// opens an old open line, then its customer, whose Print menu offers the customer statement.
// Data: tests/test_dunning_receivable_tour.py (TestDunningReceivableTour).
import { registry } from "@web/core/registry";

// the test machines are shared and can be slow: each step may wait 30 s for the server
const patient = (steps) => steps.map((step) => ({ timeout: 30000, ...step }));

registry.category("web_tour.tours").add("billing_dunning_receivable_tour", {
    steps: () =>
        patient([
            {
                content: "the schedule is open, in French, grouped by customer",
                trigger: ".o_breadcrumb:contains(Échéancier)",
            },
            {
                content: "remove the grouping by customer",
                trigger: ".o_searchview_facet .o_facet_remove",
                run: "click",
            },
            {
                content: "open the search options",
                trigger: "body:not(:has(.o_searchview_facet)) .o_searchview_dropdown_toggler",
                run: "click",
            },
            {
                content: "group by bucket",
                trigger: ".o_group_by_menu .o_menu_item:contains(Tranche)",
                run: "click",
            },
            {
                content: "the oldest bucket",
                trigger: ".o_list_view .o_group_name:contains(Plus de 90 jours)",
                run: "click",
            },
            {
                content: "open its line",
                trigger: ".o_list_view .o_data_row .o_data_cell[name=partner_id]:contains(Lenoir SA)",
                run: "click",
            },
            {
                content: "the line says when it is expected and why",
                trigger: ".o_form_view .o_field_widget[name=expected_explanation]:contains(médiane)",
            },
            {
                content: "open the customer",
                trigger: ".o_form_view .o_field_widget[name=partner_id] a",
                run: "click",
            },
            {
                content: "the customer's form",
                trigger: ".o_form_view .o_field_widget[name=name]:contains(Lenoir SA), .o_form_view .o_field_widget[name=name] input",
            },
            {
                content: "open the actions menu (the cog), where Odoo lists the reports",
                trigger: ".o_control_panel .o_cp_action_menus button.dropdown-toggle",
                run: "click",
            },
            {
                content: "the customer statement can be printed",
                trigger: ".o-dropdown--menu .o-dropdown-item:contains(Relevé de compte)",
            },
        ]),
});
