// Open the built API reference in headless Chromium, offline, use it as a reader would, and
// report what it shows and every request it tried to send off the machine.
// Usage: node render_docs.mjs <index.html> <expected.json> <screenshot.png>
// expected.json: {"summaries": [every operation summary], "tags": [every tag name],
//                 "operation": {"tag", "summary", "section", "response", "shows"},
//                 "search": {"query", "result", "section"}}.
// Prints one JSON line: {"missing": [...summaries not rendered], "external": [...URLs it tried
// to fetch], "steps": [...interactions done], "watched_ms": how long requests were watched}.
// An interaction that cannot be done (element absent, no effect) exits non-zero.
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { chromium } from "playwright-core";

// Redoc 3 batches its telemetry (OpenTelemetry) and sends a batch 5 s after the first event
// of it: page load, clicks, searches. Watch at least QUIET_MS after the last interaction, and
// MIN_WATCH_MS after the page loaded in all, so anything the page would send has been tried.
const QUIET_MS = 6500;
const MIN_WATCH_MS = 9000;

const [page_path, expected_path, screenshot] = process.argv.slice(2);
const expected = JSON.parse(readFileSync(expected_path, "utf8"));
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
const external = [];
const steps = [];
try {
  const context = await browser.newContext({
    viewport: { width: 1400, height: 900 },
    serviceWorkers: "block",
  });
  // Every request of every page of the context passes here: the local file and inline
  // resources go on, anything else is recorded and refused.
  await context.route("**/*", (route) => {
    const url = route.request().url();
    if (url.startsWith("file:") || url.startsWith("data:") || url.startsWith("blob:")) {
      return route.continue();
    }
    external.push(`${route.request().method()} ${url}`);
    return route.abort();
  });
  const page = await context.newPage();
  page.setDefaultTimeout(15000);
  page.on("websocket", (socket) => external.push(`WEBSOCKET ${socket.url()}`));
  await page.goto(pathToFileURL(page_path).href, { waitUntil: "load" });
  await page.waitForSelector("text=Triboo API", { timeout: 30000 });
  const loaded = Date.now();
  let last = loaded;
  const step = (name) => {
    steps.push(name);
    last = Date.now();
  };

  // The reference shows one tag at a time: open each tag's page in turn and collect what
  // it renders (navigation and content).
  let text = await page.evaluate(() => document.body.innerText);
  for (const tag of expected.tags) {
    await page.getByText(tag, { exact: true }).first().click();
    await page.waitForTimeout(300);
    text += "\n" + (await page.evaluate(() => document.body.innerText));
  }
  step("every tag opened");

  // One operation from the navigation (its tag group expanded in the sidebar), then one of
  // its responses: the tab is selected and the response's own header shows.
  const { operation } = expected;
  await page.getByText(operation.tag, { exact: true }).first().click();
  await page.getByText(operation.summary, { exact: true }).first().click();
  await page.waitForURL((url) => url.hash === `#${operation.section}`);
  const section = page.locator(`[data-section-id="${operation.section}"]`);
  await section.getByRole("heading", { name: operation.summary }).waitFor();
  step(`operation opened: ${operation.section}`);
  const tab = section.getByRole("tab", { name: operation.response, exact: true });
  await tab.click();
  await section.locator(`[role="tab"][aria-selected="true"]`, { hasText: operation.response })
    .waitFor();
  await section.getByText(operation.shows, { exact: true }).first().waitFor();
  step(`response opened: ${operation.response}`);

  // The search box: type, then follow a result.
  const { search } = expected;
  await page.keyboard.press("Control+k");
  const box = page.getByPlaceholder("Search docs...");
  await box.waitFor();
  await box.fill(search.query);
  const result = page.getByTestId("search-dialog").locator("a", { hasText: search.result }).first();
  await result.waitFor();
  await result.click();
  await page.waitForURL((url) => url.hash === `#${search.section}`);
  await page.locator(`[data-section-id="${search.section}"]`).first().waitFor({ state: "visible" });
  step(`search result followed: ${search.section}`);

  const missing = expected.summaries.filter((summary) => !text.includes(summary));
  const wait = Math.max(QUIET_MS - (Date.now() - last), MIN_WATCH_MS - (Date.now() - loaded));
  if (wait > 0) await page.waitForTimeout(wait);
  const watched_ms = Date.now() - loaded;
  // Taken once the page is quiet: right after the jump, Redoc may not have painted the
  // section yet (a blank shot was seen on a loaded machine).
  await page.screenshot({ path: screenshot, fullPage: false });
  console.log(JSON.stringify({ missing, external, steps, watched_ms }));
} finally {
  await browser.close();
}
