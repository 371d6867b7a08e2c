import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';

/**
 * Bundles the workflow code once at build time, so production workers start without webpack
 * (src/worker/worker.ts picks up dist/workflow-bundle.js when it exists).
 */
async function main() {
  const outFile = path.join(__dirname, '..', 'dist', 'workflow-bundle.js');
  const { code } = await bundleWorkflowCode({ workflowsPath: require.resolve('../src/workflows') });
  await mkdir(path.dirname(outFile), { recursive: true });
  await writeFile(outFile, code);
  console.log(`workflow bundle written to ${path.relative(process.cwd(), outFile)} (${Buffer.byteLength(code)} bytes)`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
