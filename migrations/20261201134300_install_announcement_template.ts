import type { Knex } from 'knex';

/**
 * Version 1 of the announcement template: the admin's title and message as written, plain text
 * everywhere (escaped in the HTML, line breaks kept by `pre-line`), inside the brand's layout.
 */
export async function up(knex: Knex): Promise<void> {
  await knex('notification_templates').insert({
    name: 'announcement',
    version: 1,
    title: '{{title}}',
    message: '{{message}}',
    email_subject: '{{title}}',
    email_html: '<h2 style="margin:0 0 12px;">{{title}}</h2><p style="white-space:pre-line;margin:0;">{{message}}</p>',
    email_text: '{{title}}\n\n{{message}}',
    sms: '{{brand.companyName}}: {{title}} - {{message}}',
    required_context: JSON.stringify(['title', 'message']),
    is_active: true,
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex('notification_templates').where({ name: 'announcement' }).delete();
}
