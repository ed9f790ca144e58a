// Chrome's sampling CPU profiler around a piece of work, reduced to the
// functions with the most self time ("(program)" is the browser's own work,
// "(idle)" waiting). Shared by profile.mjs (one open) and scroll-profile.mjs.

/** Runs `work()` on `page` (of `context`) under the profiler; returns its result and the profile. */
export async function profiled(context, page, work) {
  const cdp = await context.newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
  await cdp.send('Profiler.start');
  const result = await work();
  const { profile } = await cdp.send('Profiler.stop');
  return { result, profile };
}

/** Prints the `top` functions of `profile` by self time, in ms. */
export function printSelfTimes(profile, top = 25) {
  const self = new Map();
  const dt = profile.timeDeltas;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  for (let i = 0; i < profile.samples.length; i++) {
    const n = byId.get(profile.samples[i]);
    const key = `${n.callFrame.functionName || '(anon)'} ${n.callFrame.url.split('/').pop()}`;
    self.set(key, (self.get(key) ?? 0) + (dt[i] ?? 0) / 1000);
  }
  for (const [k, v] of [...self].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(v.toFixed(1).padStart(8), k);
}
