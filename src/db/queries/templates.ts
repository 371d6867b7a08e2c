import { ApplicationFailure } from '@temporalio/common';
import type { Knex } from 'knex';
import type { BrandSettings, NotificationTemplate } from '../../domain/notifications/templates';
import type { Db } from '../index';

/** The active version of a named template; its absence is a set-up fault that retrying cannot fix. */
export async function activeTemplate(db: Db, trx: Knex | Knex.Transaction, name: string): Promise<NotificationTemplate> {
  const t = await db.models.NotificationTemplate.query(trx).findOne({ name, isActive: true });
  if (!t) throw ApplicationFailure.nonRetryable(`no active template "${name}"`, 'TemplateMissing');
  return t;
}

const DEFAULT_BRAND: BrandSettings = {
  companyName: 'RS Systems',
  logoUrl: null,
  primaryColor: '#0b5394',
  accentColor: '#f1c232',
  footerText: '',
};

export async function brandSettings(trx: Knex | Knex.Transaction): Promise<BrandSettings> {
  const b = await trx('brand_settings').where('id', 1).first<BrandSettings | undefined>();
  return b ?? DEFAULT_BRAND;
}
