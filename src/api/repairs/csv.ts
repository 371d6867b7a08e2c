import { cursorStream } from '../../db/queries/cursor';
import { defineRoute, type AnyRoute } from '../route';
import { repairCsvQuery, visibleRepairs } from './list-query';

type Kind = 'text' | 'int' | 'money' | 'instant';
type Row = Record<string, string | number | Date | null>;

/** The repair fields, in the API's names and order; `column` is the table's. */
const COLUMNS: readonly { header: string; column: string; kind: Kind }[] = [
  { header: 'id', column: 'id', kind: 'int' },
  { header: 'customerId', column: 'customer_id', kind: 'int' },
  { header: 'technicianId', column: 'technician_id', kind: 'int' },
  { header: 'unitNumber', column: 'unit_number', kind: 'text' },
  { header: 'description', column: 'description', kind: 'text' },
  { header: 'damageType', column: 'damage_type', kind: 'text' },
  { header: 'status', column: 'status', kind: 'text' },
  { header: 'estimatedCost', column: 'estimated_cost', kind: 'money' },
  { header: 'cost', column: 'cost', kind: 'money' },
  { header: 'discountedCost', column: 'discounted_cost', kind: 'money' },
  { header: 'denialReason', column: 'denial_reason', kind: 'text' },
  { header: 'batchId', column: 'batch_id', kind: 'text' },
  { header: 'workflowId', column: 'workflow_id', kind: 'text' },
  { header: 'createdAt', column: 'created_at', kind: 'instant' },
  { header: 'updatedAt', column: 'updated_at', kind: 'instant' },
  { header: 'startedAt', column: 'started_at', kind: 'instant' },
  { header: 'completedAt', column: 'completed_at', kind: 'instant' },
  { header: 'completionNotes', column: 'completion_notes', kind: 'text' },
];

/**
 * A spreadsheet runs a cell that starts with = + - @ (or a tab / CR before one) as a formula, so a
 * description such as `=HYPERLINK(...)` typed by anyone would run on the fleet manager's machine.
 * A leading apostrophe makes the cell text (OWASP's advice); what follows is kept as typed.
 */
export const neutralise = (text: string): string => (/^[=+\-@\t\r]/.test(text) ? `'${text}` : text);

/** RFC 4180: a field with a comma, a quote or a line break is quoted, its quotes doubled. */
export const quote = (text: string): string => (/[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text);

function cell(value: string | number | Date | null | undefined, kind: Kind): string {
  if (value === null || value === undefined) return '';
  if (kind === 'money') return Number(value).toFixed(2);
  if (value instanceof Date) return value.toISOString();
  if (kind === 'int') return String(value);
  return quote(neutralise(String(value)));
}

export const csvLine = (cells: readonly string[]): string => `${cells.join(',')}\r\n`;
export const CSV_HEADER = csvLine(COLUMNS.map((c) => c.header));
export const csvRow = (row: Row): string => csvLine(COLUMNS.map((c) => cell(row[c.column], c.kind)));

export const repairCsvRoutes: AnyRoute[] = [
  defineRoute({
    method: 'get',
    path: '/repairs.csv',
    tag: 'repairs',
    summary:
      'Every repair the caller may see that matches the filters of GET /api/repairs (no paging), as CSV with a header row, ' +
      "in the list's order. Streamed: rows are read from the database as the client takes them",
    access: ['customer', 'technician', 'admin'],
    query: repairCsvQuery,
    produces: 'text/csv',
    handler: async ({ query, user, ctx }, { db }) => {
      const rows = visibleRepairs(db.models.Repair.query(), user, query)
        .select(COLUMNS.map((c) => `repairs.${c.column}`))
        .toKnexQuery();
      const body = await cursorStream<Row>(db.knex, rows, {
        head: CSV_HEADER,
        format: (batch) => batch.map(csvRow).join(''),
      });
      ctx.attachment('repairs.csv');
      ctx.type = 'text/csv; charset=utf-8; header=present';
      // Another fleet's data must not be served from a shared cache.
      ctx.set('Cache-Control', 'private, no-store');
      return body;
    },
  }),
];
