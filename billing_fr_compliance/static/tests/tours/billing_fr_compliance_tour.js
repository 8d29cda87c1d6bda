/** @odoo-module **/
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
// A French billing clerk posts a compliant invoice, then tries an incomplete one and reads
// the list of the missing mentions. Data: tests/test_tour.py (TestComplianceTour).
import { registry } from "@web/core/registry";

// the test machines are shared and can be slow: each step may wait 30 s for the server
const patient = (steps) => steps.map((step) => ({ timeout: 30000, ...step }));

registry.category("web_tour.tours").add("billing_fr_compliance_tour", {
    steps: () =>
        patient([
            {
                content: "the web client speaks French: the invoice's post button reads Confirmer",
                trigger: ".o_form_view .o_statusbar_buttons button[name=action_post]:contains(Confirmer)",
                run: "click",
            },
            {
                content: "the invoice is posted (Comptabilisé)",
                trigger: ".o_form_view .o_statusbar_status button.o_arrow_button_current[data-value=posted]:contains(Comptabilisé)",
            },
            {
                content: "back to the list of invoices",
                trigger: ".o_breadcrumb .breadcrumb-item.o_back_button a",
                run: "click",
            },
            {
                content: "open the draft of the customer without address nor SIREN",
                trigger: ".o_list_view .o_data_row .o_data_cell:contains(Menuiserie Sans Adresse)",
                run: "click",
            },
            {
                trigger: ".o_form_view .o_field_widget[name=partner_id]:contains(Menuiserie Sans Adresse), .o_form_view .o_field_widget[name=partner_id] input:value(Menuiserie Sans Adresse)",
            },
            {
                content: "try to post it",
                trigger: ".o_form_view .o_statusbar_buttons button[name=action_post]",
                run: "click",
            },
            {
                content: "the refusal lists every missing mention, in French",
                trigger: ".modal .modal-body:contains(Adresse du client):contains(SIREN du client)",
            },
            {
                content: "the refusal offers to open the customer to fix",
                trigger: ".modal .modal-footer .btn-primary:contains(Ouvrir la fiche du client)",
            },
            {
                content: "the refusal links the help on the mentions, in a new tab",
                trigger: ".modal .modal-footer a.o_billing_fr_gate_help[href='/billing_fr_compliance/help'][target=_blank]:contains(Aide sur les mentions)",
            },
            {
                content: "close the error",
                trigger: ".modal .modal-footer .btn-secondary",
                run: "click",
            },
            {
                content: "the invoice stays a draft",
                trigger: "body:not(:has(.modal)) .o_form_view .o_statusbar_status button.o_arrow_button_current[data-value=draft]",
            },
        ]),
});
