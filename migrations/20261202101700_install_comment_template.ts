import type { Knex } from 'knex';

/**
 * Version 1 of the template a comment's notices render with (domain/comments.ts). They are LOW,
 * in-app only, so the email and SMS texts are there for an admin who previews or re-words them.
 */
const link = '<p><a href="{{actionUrl}}">View repair #{{repair.id}}</a></p>';

export async function up(knex: Knex): Promise<void> {
  await knex('notification_templates').insert({
    name: 'repair_comment',
    version: 1,
    title: 'New comment on unit {{repair.unitNumber}}',
    message: '{{author.username}} on repair #{{repair.id}}: {{comment.excerpt}}',
    email_subject: 'New comment on repair #{{repair.id}} (unit {{repair.unitNumber}})',
    email_html:
      '<p><strong>{{author.username}}</strong> commented on repair #{{repair.id}} (unit <strong>{{repair.unitNumber}}</strong>):</p>' +
      '<p style="white-space:pre-line;">{{comment.excerpt}}</p>' +
      link,
    email_text:
      '{{author.username}} commented on repair #{{repair.id}} (unit {{repair.unitNumber}}):\n\n{{comment.excerpt}}\n\n{{actionUrl}}',
    sms: '{{brand.companyName}}: new comment on repair #{{repair.id}} (unit {{repair.unitNumber}}). {{actionUrl}}',
    required_context: JSON.stringify(['repair.id', 'repair.unitNumber', 'author.username', 'comment.excerpt', 'actionUrl']),
    is_active: true,
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex('notification_templates').where({ name: 'repair_comment' }).delete();
}
