import type { ActivityDeps } from './deps';

export function createHousekeepingActivities({ db }: ActivityDeps) {
  return {
    /**
     * Deletes up to `batchSize` delivery logs created before `cutoff` (ISO), oldest first, and
     * returns how many went. Small batches keep each transaction and its locks short, so sending
     * goes on while a large backlog is cleared; the workflow loops until a batch comes back short.
     */
    async deleteDeliveryLogsBefore(cutoff: string, batchSize: number): Promise<number> {
      const oldest = db
        .knex('delivery_logs')
        .select('id')
        .where('created_at', '<', new Date(cutoff))
        .orderBy('created_at')
        .limit(batchSize);
      return db.knex('delivery_logs').whereIn('id', oldest).delete();
    },
  };
}
