// Drops files on the page's drop zone as a user's drop does: dragenter,
// dragover and drop events carrying a DataTransfer. The function runs in the
// page and names nothing outside itself, so Playwright's `page.evaluate` and
// WebDriver's execute (lib/webdriver.mjs) both take it. Each file is
// `{name, content}` (text, typed application/json) or `{name, base64}` (bytes).
export function dropInPage(files) {
  const dt = new DataTransfer();
  for (const f of files) {
    const file = f.base64 === undefined
      ? new File([f.content], f.name, { type: 'application/json' })
      : new File([Uint8Array.from(atob(f.base64), (c) => c.charCodeAt(0))], f.name);
    dt.items.add(file);
  }
  const zone = document.querySelector('[data-testid=drop-zone]');
  for (const type of ['dragenter', 'dragover', 'drop']) {
    zone.dispatchEvent(new DragEvent(type, { dataTransfer: dt, bubbles: true, cancelable: true }));
  }
  return true;
}
