/**
 * One server under test = one child process. The bench parent only generates load; the server gets its own
 * event loop and heap, so a slow server cannot steal time from autocannon's timers inside one process and
 * a crash or leak in one server cannot colour the next one's numbers. Servers run one at a time (never two
 * side by side) because the machine has two cores shared with the load generator.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { createServer } from 'node:net';

// If the bench is interrupted, no server may outlive it and no temp database may stay behind.
const liveChildren = new Set<ChildProcess>();
const liveDirs = new Set<string>();
process.once('exit', () => {
  for (const child of liveChildren) child.kill('SIGKILL');
  for (const dir of liveDirs) rmSync(dir, { recursive: true, force: true });
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => process.exit(130));
}

/** Registers a temp directory to remove if the bench exits before its owner removes it. */
export function trackDir(dir: string): () => void {
  liveDirs.add(dir);
  return () => liveDirs.delete(dir);
}

export interface RunningServer {
  name: string;
  baseUrl: string; // http://127.0.0.1:PORT
  child: ChildProcess;
  /** Last lines the server wrote to stdout/stderr, for error reports. */
  output(): string;
  stop(): Promise<void>;
}

export interface ServerSpec {
  name: string;
  file: string;
  env: Record<string, string>;
  /** env var names the server reads its port and host from */
  portVar: string;
  hostVar: string;
}

const HOST = '127.0.0.1';
const KEEP_LINES = 60;

/** Asks the OS for a port that is free now (small race window; acceptable for a local bench). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, HOST, () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export async function startServer(spec: ServerSpec, readyTimeoutMs = 90_000): Promise<RunningServer> {
  const port = await freePort();
  const lines: string[] = [];
  const keep = (chunk: Buffer): void => {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (line.trim() === '') continue;
      lines.push(line);
      if (lines.length > KEEP_LINES) lines.shift();
    }
  };
  const child = spawn(process.execPath, [spec.file], {
    env: { ...process.env, ...spec.env, [spec.portVar]: String(port), [spec.hostVar]: HOST },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  liveChildren.add(child);
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  let exited: string | undefined;
  const exitPromise = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      liveChildren.delete(child);
      exited = `exited with ${signal ?? `code ${code}`}`;
      resolve();
    });
  });

  const server: RunningServer = {
    name: spec.name,
    baseUrl: `http://${HOST}:${port}`,
    child,
    output: () => lines.join('\n'),
    async stop() {
      if (exited) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exitPromise;
      clearTimeout(timer);
    },
  };

  const deadline = Date.now() + readyTimeoutMs;
  let last = 'no answer';
  while (Date.now() < deadline) {
    if (exited) {
      throw new Error(`${spec.name} ${exited} before /healthz answered.\n--- its output ---\n${server.output()}`);
    }
    try {
      const res = await fetch(`${server.baseUrl}/healthz`, { signal: AbortSignal.timeout(2000) });
      await res.arrayBuffer();
      if (res.status === 200) return server;
      last = `HTTP ${res.status}`;
    } catch (err) {
      last = (err as Error).message;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  await server.stop();
  throw new Error(`${spec.name}: /healthz not 200 after ${readyTimeoutMs} ms (${last}).\n--- its output ---\n${server.output()}`);
}
