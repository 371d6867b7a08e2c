import { createInterface } from 'node:readline';

/**
 * Reads one secret line from stdin. At a terminal it prompts on stderr and echoes nothing (so
 * the password stays out of scroll-back and screen recordings); piped, it takes the first line.
 */
export function readStdinSecret(prompt: string): Promise<string> {
  const input = process.stdin;
  return new Promise((resolve, reject) => {
    const muted = { write: () => true } as unknown as NodeJS.WritableStream;
    const rl = createInterface({ input, output: input.isTTY ? muted : undefined, terminal: Boolean(input.isTTY) });
    if (input.isTTY) process.stderr.write(prompt);
    let answered = false;
    rl.once('line', (line) => {
      answered = true;
      if (input.isTTY) process.stderr.write('\n');
      rl.close();
      resolve(line);
    });
    rl.once('close', () => {
      if (!answered) reject(new Error('no password on stdin (pipe one, or set ADMIN_PASSWORD)'));
    });
  });
}
