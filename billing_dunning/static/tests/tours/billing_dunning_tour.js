/** @odoo-module **/
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
// A French billing clerk opens a customer's payment follow-up from the customer form,
// previews the reminder, sends it and finds it in the history.
// Data: tests/test_tour.py (TestDunningTour).
import { registry } from "@web/core/registry";

// the test machines are shared and can be slow: each step may wait 30 s for the server
const patient = (steps) => steps.map((step) => ({ timeout: 30000, ...step }));

registry.category("web_tour.tours").add("billing_dunning_tour", {
    steps: () =>
        patient([
            {
                content: "the web client speaks French: open the customer's Suivi des paiements",
                trigger: ".o_form_view button[name=action_open_dunning_followup]:contains(Suivi des paiements)",
                run: "click",
            },
            {
                content: "the follow-up shows the overdue invoice",
                trigger: ".o_form_view .o_field_widget[name=overdue_count]:contains(1)",
            },
            {
                content: "preview the next reminder",
                trigger: ".o_form_view .o_statusbar_buttons button[name=action_preview]:contains(Aperçu)",
                run: "click",
            },
            {
                content: "the preview lists the late invoice",
                trigger: ".modal .o_field_widget[name=line_ids] .o_data_row",
            },
            {
                content: "close the preview",
                trigger: ".modal .modal-footer button.btn-secondary",
                run: "click",
            },
            {
                content: "send the reminder now",
                trigger: "body:not(:has(.modal)) .o_form_view .o_statusbar_buttons button[name=action_send_now]:contains(Envoyer maintenant)",
                run: "click",
            },
            {
                content: "the reminder that went out is shown",
                trigger: ".o_form_view .o_field_widget[name=level_id]:contains(Friendly reminder)",
            },
            {
                content: "back to the follow-up",
                trigger: ".o_breadcrumb .breadcrumb-item.o_back_button a",
                run: "click",
            },
            {
                content: "its history shows the reminder",
                trigger: ".o_form_view .o_field_widget[name=reminder_ids] .o_data_row .o_data_cell:contains(Friendly reminder)",
            },
        ]),
});
