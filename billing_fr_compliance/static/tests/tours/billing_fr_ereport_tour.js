/** @odoo-module **/
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
// A French billing manager prepares a month's e-report, checks its content and its
// reconciliation to the ledger, and sends it. Data: tests/test_ereport_tour.py.
import { registry } from "@web/core/registry";

// the test machines are shared and can be slow: each step may wait 30 s for the server
const patient = (steps) => steps.map((step) => ({ timeout: 30000, ...step }));

registry.category("web_tour.tours").add("billing_fr_ereport_tour", {
    steps: () =>
        patient([
            {
                content: "the report is to prepare (À préparer); prepare it (Préparer)",
                trigger: ".o_form_view .o_statusbar_buttons button[name=action_prepare]:contains(Préparer)",
                run: "click",
            },
            {
                content: "it is ready (Prêt)",
                trigger: ".o_form_view .o_statusbar_status button.o_arrow_button_current[data-value=ready]:contains(Prêt)",
            },
            {
                content: "its content lists the invoice lines of the private customer (10.3)",
                trigger: ".o_form_view .o_field_widget[name=reported_line_ids] .o_data_row:contains(Claire Moreau)",
            },
            {
                content: "open the reconciliation to the ledger",
                trigger: ".o_form_view .o_notebook .nav-link:contains(Rapprochement avec la comptabilité)",
                run: "click",
            },
            {
                content: "per VAT rate, the report equals the ledger",
                trigger: ".o_form_view .o_field_widget[name=reconciliation_html] table:contains(Comptabilité):contains(20)",
            },
            {
                content: "the file can be downloaded",
                trigger: ".o_form_view .o_field_widget[name=file] a, .o_form_view .o_field_widget[name=file] button",
            },
            {
                content: "send it (Envoyer)",
                trigger: ".o_form_view .o_statusbar_buttons button[name=action_send]:contains(Envoyer)",
                run: "click",
            },
            {
                content: "it is queued for the platform",
                trigger: ".o-mail-Chatter .o-mail-Message:contains(Mis en file d'envoi vers la plateforme)",
            },
        ]),
});
