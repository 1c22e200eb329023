import { chromium } from 'playwright-core';

/**
 * Renders the report page to PDF in headless Chromium (the browser at `chromiumPath`; nothing is
 * downloaded): the page is set from HTML Pave made, with JavaScript off and every network request refused,
 * so the PDF is exactly the report page, printed.
 */
export async function renderPdf(html: string, chromiumPath: string): Promise<Buffer> {
  const browser = await chromium.launch({ executablePath: chromiumPath, args: ['--no-sandbox'] });
  try {
    const context = await browser.newContext({ javaScriptEnabled: false, offline: true });
    await context.route('**/*', route => route.abort());
    const page = await context.newPage();
    await page.setContent(html, { waitUntil: 'load', timeout: 15_000 });
    return await page.pdf({ format: 'A4', printBackground: true, margin: { top: '12mm', bottom: '12mm', left: '12mm', right: '12mm' } });
  } finally {
    await browser.close();
  }
}
