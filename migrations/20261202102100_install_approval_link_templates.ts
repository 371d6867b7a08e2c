import type { Knex } from 'knex';

/**
 * A new active version of the two approval-needed templates, whose email and SMS carry the
 * recipient's own approve-from-the-message link (`approvalUrl`). The in-app copy is rendered with
 * the link blanked out, so its title and message do not use it. The SMS puts the link before the
 * unit number: with the longest unit (50 characters) it still fits 160 characters, and should a
 * long brand name or address make it longer, the cut falls on the unit, never on the link.
 */
const unit = '{{repair.unitNumber}}';
const view = '<p><a href="{{actionUrl}}">View repair #{{repair.id}}</a></p>';
const decide = '<p><a href="{{approvalUrl}}">Approve or deny repair #{{repair.id}}</a> (no login needed; the link works once).</p>';

const DRAFTS = [
  {
    name: 'approval_requested',
    title: 'Approval needed for unit ' + unit,
    message: 'Repair #{{repair.id}} on unit ' + unit + ' needs your approval (estimate: {{estimatedCost}}).',
    email_subject: 'Please approve repair #{{repair.id}} on unit ' + unit,
    email_html:
      '<p>A technician found damage on unit <strong>' + unit + '</strong>. Estimated cost: {{estimatedCost}}.</p>' + decide + view,
    sms: '{{brand.companyName}}: approve #{{repair.id}} at {{approvalUrl}} (unit ' + unit + ')',
  },
  {
    name: 'approval_reminder',
    title: 'Reminder: approval needed for unit ' + unit,
    message: 'Repair #{{repair.id}} on unit ' + unit + ' is still waiting for your approval.',
    email_subject: 'Reminder: please approve repair #{{repair.id}}',
    email_html: '<p>Repair #{{repair.id}} on unit <strong>' + unit + '</strong> is still waiting for your approval.</p>' + decide + view,
    sms: 'Reminder: approve #{{repair.id}} at {{approvalUrl}} (unit ' + unit + ')',
  },
];
const REQUIRED = ['repair.id', 'repair.unitNumber', 'actionUrl', 'approvalUrl'];

const toText = (html: string) =>
  html
    .replace(/<\/p>/g, '\n\n')
    .replace(/<a href="([^"]+)">([^<]*)<\/a>/g, '$2: $1')
    .replace(/<[^>]+>/g, '')
    .trim();

export async function up(knex: Knex): Promise<void> {
  for (const d of DRAFTS) {
    const { max } = (await knex('notification_templates').where('name', d.name).max('version as max').first()) as { max: number };
    // Off first: a partial unique index allows one active version per name.
    await knex('notification_templates').where({ name: d.name, is_active: true }).update({ is_active: false });
    await knex('notification_templates').insert({
      ...d,
      version: max + 1,
      email_text: toText(d.email_html),
      required_context: JSON.stringify(REQUIRED),
      is_active: true,
    });
  }
}

/** Removes these versions and makes the newest remaining version of each template the active one. */
export async function down(knex: Knex): Promise<void> {
  for (const d of DRAFTS) {
    await knex('notification_templates').where({ name: d.name, sms: d.sms, email_html: d.email_html }).delete();
    if (await knex('notification_templates').where({ name: d.name, is_active: true }).first()) continue;
    const newest = await knex('notification_templates')
      .where('name', d.name)
      .orderBy('version', 'desc')
      .first<{ id: number } | undefined>('id');
    if (newest) await knex('notification_templates').where('id', newest.id).update({ is_active: true });
  }
}
