import type { Knex } from 'knex';

/**
 * Version 1 of the daily digest. The list of notifications is built by code (each item escaped)
 * and placed after the body, so the template only words the greeting.
 */
export async function up(knex: Knex): Promise<void> {
  await knex('notification_templates').insert({
    name: 'daily_digest',
    version: 1,
    title: 'Your daily summary for {{date}}',
    message: 'You have {{count}} unread notifications from the last 24 hours.',
    email_subject: '{{brand.companyName}} daily summary: {{count}} unread notifications',
    email_html:
      '<p>Hello {{recipient.username}},</p><p>You have <strong>{{count}}</strong> unread notifications from the last 24 hours:</p>',
    email_text: 'Hello {{recipient.username}},\n\nYou have {{count}} unread notifications from the last 24 hours:',
    sms: '{{brand.companyName}}: {{count}} unread notifications.',
    required_context: JSON.stringify(['recipient.username', 'count', 'date']),
    is_active: true,
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex('notification_templates').where({ name: 'daily_digest', version: 1 }).delete();
}
