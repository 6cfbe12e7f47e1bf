import {registry} from "@web/core/registry";

function setFiles(selector, files) {
    const input = document.querySelector(selector);
    const transfer = new DataTransfer();
    for (const [name, content, type] of files) {
        transfer.items.add(new File([content], name, {type}));
    }
    input.files = transfer.files;
    input.dispatchEvent(new Event("change", {bubbles: true}));
}

/**
 * A customer opens a ticket from the portal (guided by its category, with a
 * CC and two files), answers in it and closes it.
 */
registry.category("web_tour.tours").add("support_ticket_portal_tour", {
    url: "/my/tickets",
    steps: () => [
        {
            content: "Open a new ticket",
            trigger: "a.o_support_portal_new",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "Choose the category",
            trigger: ".o_support_category_label:contains('Technical support')",
            run: "click",
        },
        {
            content: "Its hint and sub-reasons show",
            trigger: ".o_support_category_hint:not(.d-none) .o_support_reason:contains('Printer broken')",
            run: "click",
        },
        {
            content: "The sub-reason became the subject",
            trigger: "input[name=name]:value(Printer broken)",
        },
        {
            content: "Write the message in the editor",
            trigger: ".o_support_editor .odoo-editor-editable p",
            run: "editor The printer shows error E-13 since this morning.",
        },
        {
            content: "Copy a colleague",
            trigger: "input[name=email_cc]",
            run: "edit cesar@corp.example.com",
        },
        {
            content: "Attach two files",
            trigger: "input[name=attachments]",
            run() {
                setFiles("input[name=attachments]", [
                    ["error.txt", "E-13", "text/plain"],
                    // the server checks that a file is what its name says
                    [
                        "photo.png",
                        new Uint8Array([137, 80, 78, 71, 13, 10, 26, 10]),
                        "image/png",
                    ],
                ]);
            },
        },
        {
            content: "Send",
            trigger: "button.o_support_portal_submit",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The ticket is open",
            trigger: ".alert-success:contains('is open')",
        },
        {
            content: "With its files",
            trigger: ".o_support_portal_files a:contains('photo.png')",
        },
        {
            content: "Answer in the ticket",
            trigger: ".o_support_portal_reply .odoo-editor-editable p",
            run: "editor One more detail: it is the second floor printer.",
        },
        {
            content: "Send the answer",
            trigger: "button.o_support_portal_send",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The answer is in the conversation",
            trigger: ".o_support_message:contains('second floor printer')",
        },
        {
            content: "Close the ticket",
            trigger: "button.o_support_portal_close",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "It is closed and locked",
            trigger: ".o_support_locked",
        },
        {
            content: "Its status is completed",
            trigger: ".o_support_portal_status[data-status=completed]",
        },
    ],
});

/**
 * A visitor without an account opens a ticket with their email address.
 */
registry.category("web_tour.tours").add("support_ticket_visitor_tour", {
    url: "/support/new",
    steps: () => [
        {
            content: "Choose the category",
            trigger: ".o_support_category_label:contains('Question')",
            run: "click",
        },
        {
            content: "Subject",
            trigger: "input[name=name]",
            run: "edit Opening hours",
        },
        {
            content: "Message",
            trigger: ".o_support_editor .odoo-editor-editable p",
            run: "editor Are you open on Saturday?",
        },
        {
            content: "Email address",
            trigger: "input[name=email]",
            run: "edit vera@visitor.example.com",
        },
        {
            content: "Name",
            trigger: "input[name=contact]",
            run: "edit Vera Visitor",
        },
        {
            content: "Send",
            trigger: "button.o_support_portal_submit",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The ticket is open and its link was emailed",
            trigger: ".alert-success:contains('We emailed you a link')",
        },
        {
            content: "The message is there",
            trigger: ".o_support_message:contains('open on Saturday')",
        },
    ],
});

/**
 * The visitor comes back through the link of the acknowledgement.
 */
registry.category("web_tour.tours").add("support_ticket_visitor_follow_tour", {
    steps: () => [
        {
            content: "The ticket opens from the emailed link",
            trigger: ".o_support_portal_ticket:contains('Opening hours')",
        },
        {
            content: "The visitor answers",
            trigger: ".o_support_portal_reply .odoo-editor-editable p",
            run: "editor Also on Sunday?",
        },
        {
            content: "Send",
            trigger: "button.o_support_portal_send",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The answer is in the conversation",
            trigger: ".o_support_message:contains('Also on Sunday')",
        },
    ],
});
