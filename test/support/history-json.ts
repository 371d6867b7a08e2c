import { createRequire } from 'node:module';
import * as proto from '@temporalio/proto';
import { patchProtobufRoot } from '@temporalio/proto/lib/patch-protobuf-root';

type History = proto.temporal.api.history.v1.IHistory;
interface ProtoJson {
  toJson(type: unknown, message: unknown): unknown;
  fromJson(type: unknown, json: unknown, options?: { ignoreUnknownFields?: boolean }): History;
}

// The SDK's historyToJSON/historyFromJSON (@temporalio/common) fail with "type must be a Type"
// here: npm gives common and proto a protobufjs copy each (grpc's 7.x holds the top level), and
// common's protojson rejects the types built by proto's copy. So the same conversion is done with
// the copy proto's types come from, wherever npm puts it.
const fromProto = createRequire(require.resolve('@temporalio/proto'));
const protojson = fromProto('protobufjs/ext/protojson') as ProtoJson;
const historyType = (patchProtobufRoot(proto) as unknown as { lookupType(name: string): unknown }).lookupType(
  'temporal.api.history.v1.History',
);

/** A history as the ProtoJSON object Temporal's CLI and UI export (and `temporal workflow show -o json` prints). */
export function historyToJson(history: History): unknown {
  return protojson.toJson(historyType, proto.temporal.api.history.v1.History.fromObject(history));
}

/** The reverse: a History message, which Worker.runReplayHistory takes as it is. */
export function historyFromJson(json: unknown): History {
  // Tolerates fields a newer server or SDK may add, as the SDK's own reader does.
  return protojson.fromJson(historyType, json, { ignoreUnknownFields: true });
}
