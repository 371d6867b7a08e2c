import type { Knex } from 'knex';

/**
 * Version 1 of a template for every event of the spec's notification table, and the brand.
 * New wording is a new version (insert, then move is_active), so sent messages stay explainable.
 */
interface Draft {
  name: string;
  title: string;
  message: string;
  subject: string;
  html: string;
  sms: string;
  required: string[];
}

const unit = '{{repair.unitNumber}}';
const link = '<p><a href="{{actionUrl}}">View repair #{{repair.id}}</a></p>';

const DRAFTS: Draft[] = [
  {
    name: 'approval_requested',
    title: 'Approval needed for unit ' + unit,
    message: 'Repair #{{repair.id}} on unit ' + unit + ' needs your approval (estimate: {{estimatedCost}}).',
    subject: 'Please approve repair #{{repair.id}} on unit ' + unit,
    html: '<p>A technician found damage on unit <strong>' + unit + '</strong>. Estimated cost: {{estimatedCost}}.</p>' + link,
    sms: '{{brand.companyName}}: repair #{{repair.id}} on unit ' + unit + ' needs your approval. {{actionUrl}}',
    required: ['repair.id', 'repair.unitNumber', 'actionUrl'],
  },
  {
    name: 'repair_approved',
    title: 'Repair #{{repair.id}} approved',
    message: 'The customer approved repair #{{repair.id}} on unit ' + unit + '. You can start.',
    subject: 'Approved: repair #{{repair.id}} on unit ' + unit,
    html: '<p>The customer approved repair #{{repair.id}} on unit <strong>' + unit + '</strong>.</p>' + link,
    sms: 'Approved: repair #{{repair.id}} on unit ' + unit + '. You can start.',
    required: ['repair.id', 'repair.unitNumber', 'actionUrl'],
  },
  {
    name: 'repair_denied',
    title: 'Repair #{{repair.id}} denied',
    message: 'The customer denied repair #{{repair.id}} on unit ' + unit + ': {{reason}}',
    subject: 'Denied: repair #{{repair.id}} on unit ' + unit,
    html: '<p>The customer denied repair #{{repair.id}} on unit <strong>' + unit + '</strong>.</p><p>Reason: {{reason}}</p>' + link,
    sms: 'Denied: repair #{{repair.id}} on unit ' + unit + ': {{reason}}',
    required: ['repair.id', 'repair.unitNumber', 'reason', 'actionUrl'],
  },
  {
    name: 'technician_assigned',
    title: 'New repair assigned: unit ' + unit,
    message: 'Repair #{{repair.id}} on unit ' + unit + ' is assigned to you.',
    subject: 'Assigned to you: repair #{{repair.id}} on unit ' + unit,
    html: '<p>Repair #{{repair.id}} on unit <strong>' + unit + '</strong> is assigned to you.</p>' + link,
    sms: 'New repair #{{repair.id}} on unit ' + unit + ' assigned to you.',
    required: ['repair.id', 'repair.unitNumber', 'actionUrl'],
  },
  {
    name: 'technician_unassigned',
    title: 'Repair #{{repair.id}} reassigned',
    message: 'Repair #{{repair.id}} on unit ' + unit + ' was reassigned to another technician.',
    subject: 'Reassigned: repair #{{repair.id}}',
    html: '<p>Repair #{{repair.id}} on unit <strong>' + unit + '</strong> was reassigned to another technician.</p>',
    sms: 'Repair #{{repair.id}} on unit ' + unit + ' was reassigned.',
    required: ['repair.id', 'repair.unitNumber'],
  },
  {
    name: 'work_started',
    title: 'Work started on unit ' + unit,
    message: 'Our technician started repair #{{repair.id}} on unit ' + unit + '.',
    subject: 'Work started: repair #{{repair.id}} on unit ' + unit,
    html: '<p>Our technician started repair #{{repair.id}} on unit <strong>' + unit + '</strong>.</p>' + link,
    sms: 'Work started on unit ' + unit + ' (repair #{{repair.id}}).',
    required: ['repair.id', 'repair.unitNumber', 'actionUrl'],
  },
  {
    name: 'work_completed',
    title: 'Repair completed: unit ' + unit,
    message: 'Repair #{{repair.id}} on unit ' + unit + ' is complete. Cost: {{cost}}, to pay: {{discountedCost}}.',
    subject: 'Completed: repair #{{repair.id}} on unit ' + unit,
    html:
      '<p>Repair #{{repair.id}} on unit <strong>' +
      unit +
      '</strong> is complete.</p><p>Cost: {{cost}}. To pay: {{discountedCost}}.</p>' +
      link,
    sms: 'Repair #{{repair.id}} on unit ' + unit + ' is complete. To pay: {{discountedCost}}.',
    required: ['repair.id', 'repair.unitNumber', 'cost', 'discountedCost', 'actionUrl'],
  },
  {
    name: 'batch_approved',
    title: 'Batch {{batchId}} approved',
    message: 'The customer approved the repairs of batch {{batchId}}.',
    subject: 'Approved: batch {{batchId}}',
    html: '<p>The customer approved the repairs of batch <strong>{{batchId}}</strong>.</p>',
    sms: 'Batch {{batchId}} approved. You can start.',
    required: ['batchId'],
  },
  {
    name: 'batch_denied',
    title: 'Batch {{batchId}} denied',
    message: 'The customer denied the repairs of batch {{batchId}}: {{reason}}',
    subject: 'Denied: batch {{batchId}}',
    html: '<p>The customer denied the repairs of batch <strong>{{batchId}}</strong>.</p><p>Reason: {{reason}}</p>',
    sms: 'Batch {{batchId}} denied: {{reason}}',
    required: ['batchId', 'reason'],
  },
  {
    name: 'reward_applied',
    title: 'Reward applied to repair #{{repair.id}}',
    message: 'The customer redeemed "{{rewardName}}" on repair #{{repair.id}}: {{cost}} becomes {{discountedCost}}.',
    subject: 'Reward applied: repair #{{repair.id}}',
    html: '<p>The customer redeemed <strong>{{rewardName}}</strong> on repair #{{repair.id}}: {{cost}} becomes {{discountedCost}}.</p>',
    sms: 'Reward "{{rewardName}}" applied to repair #{{repair.id}}.',
    required: ['repair.id', 'rewardName', 'cost', 'discountedCost'],
  },
  {
    name: 'approval_reminder',
    title: 'Reminder: approval needed for unit ' + unit,
    message: 'Repair #{{repair.id}} on unit ' + unit + ' is still waiting for your approval.',
    subject: 'Reminder: please approve repair #{{repair.id}}',
    html: '<p>Repair #{{repair.id}} on unit <strong>' + unit + '</strong> is still waiting for your approval.</p>' + link,
    sms: 'Reminder: repair #{{repair.id}} on unit ' + unit + ' awaits your approval. {{actionUrl}}',
    required: ['repair.id', 'repair.unitNumber', 'actionUrl'],
  },
  {
    name: 'approval_escalation',
    title: 'Approval overdue: repair #{{repair.id}}',
    message: 'Repair #{{repair.id}} on unit ' + unit + ' has waited too long for customer approval.',
    subject: 'Escalation: repair #{{repair.id}} awaits approval',
    html: '<p>Repair #{{repair.id}} on unit <strong>' + unit + '</strong> has waited too long for customer approval.</p>' + link,
    sms: 'Escalation: repair #{{repair.id}} awaits customer approval.',
    required: ['repair.id', 'repair.unitNumber', 'actionUrl'],
  },
];

const toText = (html: string) =>
  html
    .replace(/<a href="([^"]+)">([^<]*)<\/a>/g, '$2: $1')
    .replace(/<[^>]+>/g, '')
    .trim();

export async function up(knex: Knex): Promise<void> {
  await knex('notification_templates').insert(
    DRAFTS.map((d) => ({
      name: d.name,
      version: 1,
      title: d.title,
      message: d.message,
      email_subject: d.subject,
      email_html: d.html,
      email_text: toText(d.html),
      sms: d.sms,
      required_context: JSON.stringify(d.required),
      is_active: true,
    })),
  );
  await knex('brand_settings').insert({
    id: 1,
    company_name: 'RS Systems',
    logo_url: null,
    primary_color: '#0b5394',
    accent_color: '#f1c232',
    footer_text: 'RS Systems windshield repair. You receive this because of your notification preferences.',
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex('brand_settings').where({ id: 1 }).delete();
  await knex('notification_templates')
    .whereIn(
      'name',
      DRAFTS.map((d) => d.name),
    )
    .andWhere({ version: 1 })
    .delete();
}
