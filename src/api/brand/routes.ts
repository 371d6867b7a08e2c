import type { Knex } from 'knex';
import { z } from 'zod';
import type { BrandSettings } from '../../domain/notifications/templates';
import { brandSettings } from '../../db/queries/templates';
import { defineRoute } from '../route';

const hexColor = z
  .string()
  .trim()
  .regex(/^#(?:[0-9a-f]{3}|[0-9a-f]{6})$/i, 'must be a hex colour such as #0b5394 or #fc0');

// A logo is fetched by mail clients: https only, so no javascript:, data: or mixed-content http.
const isHttpsUrl = (s: string): boolean => {
  if (/\s/.test(s)) return false;
  try {
    const url = new URL(s);
    return url.protocol === 'https:' && url.hostname !== '' && url.username === '' && url.password === '';
  } catch {
    return false;
  }
};

// Lengths are those of brand_settings' columns.
const brandBody = z.object({
  companyName: z.string().trim().min(1, 'must not be empty').max(200),
  logoUrl: z.string().trim().max(500).refine(isHttpsUrl, 'must be an https URL such as https://example.com/logo.png').nullable(),
  primaryColor: hexColor,
  accentColor: hexColor,
  footerText: z.string().trim().max(1_000),
});

const brandSchema = brandBody.extend({ updatedAt: z.iso.datetime().nullable() });

// The stored row, or the defaults the senders fall back to before any brand is saved.
async function currentBrand(knex: Knex): Promise<z.infer<typeof brandSchema>> {
  const row = await knex('brand_settings').where('id', 1).first<(BrandSettings & { updatedAt: Date }) | undefined>();
  const b = row ?? (await brandSettings(knex));
  return {
    companyName: b.companyName,
    logoUrl: b.logoUrl,
    primaryColor: b.primaryColor,
    accentColor: b.accentColor,
    footerText: b.footerText,
    updatedAt: row ? row.updatedAt.toISOString() : null,
  };
}

export const brandRoutes = [
  defineRoute({
    method: 'get',
    path: '/admin/brand',
    tag: 'admin',
    summary: 'The brand every email is laid out with',
    access: ['admin'],
    response: brandSchema,
    handler: async (_req, { db }) => currentBrand(db.knex),
  }),
  defineRoute({
    method: 'put',
    path: '/admin/brand',
    tag: 'admin',
    summary: 'Replace the brand (company name, https logo URL or null, hex colours, footer); emails rendered from now on use it',
    access: ['admin'],
    body: brandBody,
    response: brandSchema,
    handler: async ({ body }, { db }) => {
      await db
        .knex('brand_settings')
        .insert({ id: 1, ...body, updatedAt: new Date() })
        .onConflict('id')
        .merge();
      return currentBrand(db.knex);
    },
  }),
];
