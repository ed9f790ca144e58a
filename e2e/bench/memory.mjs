// The browser benchmarks' memory measure: the highest peak resident memory
// (VmHWM) among the renderer processes of the browser this process started.
import fs from 'node:fs';

/** Processes started (directly or not) by this one. */
function descendants(root) {
  const children = new Map();
  for (const pid of fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (!children.has(ppid)) children.set(ppid, []);
      children.get(ppid).push(Number(pid));
    } catch {
      // gone meanwhile
    }
  }
  const out = [];
  const todo = [root];
  while (todo.length) {
    const pid = todo.pop();
    for (const c of children.get(pid) ?? []) {
      out.push(c);
      todo.push(c);
    }
  }
  return out;
}

/** Highest peak resident memory (VmHWM) of the browser's renderer processes, in MB. */
export function rendererPeakMb() {
  let peak = 0;
  for (const pid of descendants(process.pid)) {
    try {
      if (!fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('--type=renderer')) continue;
      const m = fs.readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmHWM:\s+(\d+) kB/);
      if (m) peak = Math.max(peak, Number(m[1]) / 1024);
    } catch {
      // gone meanwhile
    }
  }
  return Math.round(peak);
}
