import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const INLINE_MAP = /\/\/# sourceMappingURL=data:application\/json;charset=utf-8;base64,([A-Za-z0-9+/=]+)\s*$/;

/**
 * Under `npm run coverage` (c8 sets NODE_V8_COVERAGE) the workflow code runs from the webpack
 * bundle in Temporal's vm, and V8 reports it against the file the bundle's source map names
 * (workflow-bundle-<hash>.js in the working directory), which does not exist, so c8 would drop it.
 * Written to coverage/workflows/ and named so, it is read by c8 and mapped back to src/workflows
 * through its inline source map. The code before the map is untouched: V8's offsets still fit.
 * Outside a coverage run the bundle is returned as it is.
 */
export function coverableBundle(bundle: { code: string }): { code: string } {
  if (!process.env.NODE_V8_COVERAGE) return bundle;
  const m = INLINE_MAP.exec(bundle.code);
  if (!m) return bundle;
  const map = JSON.parse(Buffer.from(m[1]!, 'base64').toString('utf8')) as { file: string };
  const file = path.resolve('coverage', 'workflows', path.basename(map.file));
  const encoded = Buffer.from(JSON.stringify({ ...map, file })).toString('base64');
  const code = `${bundle.code.slice(0, m.index)}//# sourceMappingURL=data:application/json;charset=utf-8;base64,${encoded}`;
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, code);
  return { code };
}
