// The one measure of opening a file that the browser benchmarks share:
// file picked (the input's `change`) -> trace header and first rows painted.
import path from 'node:path';

/** Picks `file` on `page` and returns the ms from the pick to the header and rows painted. */
export async function timeOpen(page, file) {
  await page.evaluate(() => {
    window.__picked = null;
    document.addEventListener('change', () => (window.__picked ??= performance.now()), true);
  });
  await page.setInputFiles('[data-testid=file-input]', path.resolve(file));
  return page.evaluate(async () => {
    const frame = () => new Promise((r) => requestAnimationFrame(r));
    for (;;) {
      await frame();
      if (document.querySelector('[data-testid=span-row]') && document.querySelector('[data-testid=trace-header]')) break;
      const err = document.querySelector('[data-testid=load-error]');
      if (err) throw new Error((err.querySelector('.msg') ?? err).textContent);
    }
    await frame(); // the frame that paints them
    return performance.now() - window.__picked;
  });
}
