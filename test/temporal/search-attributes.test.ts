import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { Metadata, status } from '@grpc/grpc-js';
import { Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';
import { ensureSearchAttributes } from '../../src/temporal/client';
import { ALL_SEARCH_ATTRIBUTES } from '../../src/workflows/definitions';
import { eventually } from '../support/eventually';
import { stack } from '../support/stack';

/** A gRPC error as @grpc/grpc-js hands it to the Temporal client. */
function grpcError(code: status, details: string): Error {
  return Object.assign(new Error(`${code} ${status[code]}: ${details}`), { code, details, metadata: new Metadata() });
}

describe('temporal: search attribute registration by processes starting together', () => {
  let connection: Connection;
  let namespace: string;

  beforeEach(async () => {
    const s = await stack();
    connection = await Connection.connect({ address: s.temporal.address });
    // A new namespace has none of our search attributes, as on a first deployment.
    namespace = `sa-${randomUUID()}`;
    await connection.workflowService.registerNamespace({ namespace, workflowExecutionRetentionPeriod: msToTs('1 day') });
    await eventually(
      () =>
        connection.operatorService.listSearchAttributes({ namespace }).then(
          () => true,
          () => undefined,
        ),
      'the new namespace to be visible',
    );
  });
  afterEach(() => connection?.close());

  type AddRequest = Parameters<Connection['operatorService']['addSearchAttributes']>[0];
  /** Puts `fake` in front of the server's AddSearchAttributes; `real` still reaches the server. */
  const interceptAdd = (fake: (req: AddRequest, real: (req: AddRequest) => Promise<unknown>) => Promise<unknown>) => {
    const service = connection.operatorService;
    const real = service.addSearchAttributes.bind(service) as (req: AddRequest) => Promise<unknown>;
    (service as unknown as { addSearchAttributes: (req: AddRequest) => Promise<unknown> }).addSearchAttributes = (req) => fake(req, real);
  };

  const registered = async () =>
    Object.keys((await connection.operatorService.listSearchAttributes({ namespace })).customAttributes ?? {}).sort();

  it('counts a registration refused because another process registered them meanwhile as done', async () => {
    // Another process's add lands first; the server then refuses ours the way a namespace update
    // that lost the race is refused (UNAVAILABLE, not ALREADY_EXISTS).
    let calls = 0;
    interceptAdd(async (req, real) => {
      if (++calls === 1) {
        await real(req);
        throw grpcError(status.UNAVAILABLE, 'Unable to save search attributes: namespace update conflict');
      }
      return real(req);
    });

    const names = await ensureSearchAttributes(connection, namespace);
    assert.deepEqual(names.sort(), ALL_SEARCH_ATTRIBUTES.map((k) => k.name).sort());
    assert.deepEqual(await registered(), names.sort());
    assert.equal(calls, 1, 'listed again and found them all, instead of registering twice');
  });

  it('waits for a registration still in progress elsewhere, then finds it done', async () => {
    // The server refuses ours while another registration is in flight; that one lands a moment later.
    let calls = 0;
    let other: Promise<unknown> | undefined;
    interceptAdd((req, real) => {
      calls++;
      other ??= new Promise((resolve) => setTimeout(resolve, 150)).then(() => real(req));
      return Promise.reject(
        grpcError(status.UNAVAILABLE, 'Unable to start temporal-sys-add-search-attributes-workflow workflow: already running'),
      );
    });

    await ensureSearchAttributes(connection, namespace);
    await other;
    assert.deepEqual(await registered(), ALL_SEARCH_ATTRIBUTES.map((k) => k.name).sort());
    assert.ok(calls >= 1);
  });

  it('still fails, with the server error, when the attributes never appear', async () => {
    interceptAdd(() => Promise.reject(grpcError(status.INVALID_ARGUMENT, 'no more custom search attributes of type Keyword')));
    await assert.rejects(ensureSearchAttributes(connection, namespace), (err: Error & { code?: number }) => {
      assert.equal(err.code, status.INVALID_ARGUMENT);
      return true;
    });
    assert.deepEqual(await registered(), []);
  });
});
