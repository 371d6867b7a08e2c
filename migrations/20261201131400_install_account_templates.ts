import type { Knex } from 'knex';

/**
 * Version 1 of the account messages. The link and the code belong in the email and SMS only: the
 * in-app copy (title, message) is rendered with them blanked out, whatever a later version says.
 */
const TEMPLATES = [
  {
    name: 'password_reset',
    version: 1,
    title: 'Password reset requested',
    message:
      'Someone asked to reset the password of your account. If it was you, use the link we emailed; if not, ignore it: your password stays the same.',
    email_subject: '{{brand.companyName}}: reset your password',
    email_html:
      '<p>Hello {{recipient.username}},</p>' +
      '<p>Someone asked to reset the password of your account. To choose a new one, open this link within {{expiresInMinutes}} minutes:</p>' +
      '<p><a href="{{resetUrl}}">Reset your password</a></p>' +
      '<p>If you did not ask for this, ignore this email: your password stays the same.</p>',
    email_text:
      'Hello {{recipient.username}},\n\n' +
      'Someone asked to reset the password of your account. To choose a new one, open this link within {{expiresInMinutes}} minutes:\n\n' +
      '{{resetUrl}}\n\n' +
      'If you did not ask for this, ignore this email: your password stays the same.',
    sms: '{{brand.companyName}}: reset your password at {{resetUrl}}',
    required_context: JSON.stringify(['recipient.username', 'resetUrl', 'expiresInMinutes']),
  },
  {
    name: 'address_verification',
    version: 1,
    title: 'Confirm your {{channelName}}',
    message: 'We sent a verification code to {{address}}. Enter it within {{expiresInMinutes}} minutes to confirm your {{channelName}}.',
    email_subject: '{{brand.companyName}}: confirm your {{channelName}}',
    email_html:
      '<p>Hello {{recipient.username}},</p>' +
      '<p>Your verification code is <strong>{{code}}</strong>. It expires in {{expiresInMinutes}} minutes.</p>' +
      '<p>If you did not ask for it, ignore this email.</p>',
    email_text:
      'Hello {{recipient.username}},\n\nYour verification code is {{code}}. It expires in {{expiresInMinutes}} minutes.\n\n' +
      'If you did not ask for it, ignore this email.',
    sms: '{{brand.companyName}} verification code: {{code}} (valid {{expiresInMinutes}} min). Do not share it.',
    required_context: JSON.stringify(['recipient.username', 'code', 'address', 'channelName', 'expiresInMinutes']),
  },
];

export async function up(knex: Knex): Promise<void> {
  await knex('notification_templates').insert(TEMPLATES.map((t) => ({ ...t, is_active: true })));
}

export async function down(knex: Knex): Promise<void> {
  await knex('notification_templates')
    .whereIn(
      'name',
      TEMPLATES.map((t) => t.name),
    )
    .delete();
}
