/**
 * Background CPU during a measured window: machine-wide busy time (/proc/stat) minus what the server under
 * test (its /proc/<pid>/stat) and this bench process (autocannon) used, in cores. On a shared two-core
 * machine other work (a test run, a compiler) silently takes cycles from one side of a comparison; this
 * number makes that visible instead of letting it pass as a result. Linux only; elsewhere it is NaN.
 */
import { readFileSync } from 'node:fs';

const TICKS_PER_SECOND = 100; // USER_HZ, 100 on every Linux this runs on (getconf CLK_TCK)

export interface CpuSnapshot {
  wall: number; // ms
  busyTicks: number; // all CPUs: user + nice + system
  serverTicks: number;
  selfMicros: number;
}

/**
 * user + nice + system of all CPUs. irq and softirq are left out on purpose: loopback networking runs in
 * softirq and is caused by the benchmark's own traffic, not by other processes.
 */
function machineBusy(): number {
  const [user, nice, system] = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0].trim().split(/\s+/)
    .slice(1, 4).map(Number);
  return user + nice + system;
}

function processTicks(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // the command name may contain spaces: fields start after the closing parenthesis
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(rest[11]) + Number(rest[12]); // utime, stime
}

export function cpuSnapshot(serverPid: number | undefined): CpuSnapshot | undefined {
  if (process.platform !== 'linux' || serverPid === undefined) return undefined;
  try {
    const self = process.cpuUsage();
    return {
      wall: performance.now(),
      busyTicks: machineBusy(),
      serverTicks: processTicks(serverPid),
      selfMicros: self.user + self.system,
    };
  } catch {
    return undefined;
  }
}

/** Cores used by neither the server nor the bench between two snapshots (0.5 = half a core). */
export function backgroundCores(a: CpuSnapshot | undefined, b: CpuSnapshot | undefined): number {
  if (!a || !b) return NaN;
  const seconds = (b.wall - a.wall) / 1000;
  if (seconds <= 0) return NaN;
  const busy = (b.busyTicks - a.busyTicks) / TICKS_PER_SECOND;
  const server = (b.serverTicks - a.serverTicks) / TICKS_PER_SECOND;
  const self = (b.selfMicros - a.selfMicros) / 1e6;
  return Math.max(0, busy - server - self) / seconds;
}

/** Cores the server process used between two snapshots. */
export function serverCores(a: CpuSnapshot | undefined, b: CpuSnapshot | undefined): number {
  if (!a || !b) return NaN;
  const seconds = (b.wall - a.wall) / 1000;
  return seconds > 0 ? (b.serverTicks - a.serverTicks) / TICKS_PER_SECOND / seconds : NaN;
}
