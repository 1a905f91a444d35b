// Open the built API reference in headless Chromium, offline, and report what it shows.
// Usage: node render_docs.mjs <index.html> <expected.json> <screenshot.png>
// expected.json: {"summaries": [every operation summary], "tags": [every tag name]}.
// Prints {"missing": [...summaries not rendered], "external": [...URLs it tried to fetch]}.
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { chromium } from "playwright-core";

const [page_path, summaries_path, screenshot] = process.argv.slice(2);
const { summaries, tags } = JSON.parse(readFileSync(summaries_path, "utf8"));
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
const external = [];
try {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  await context.route("**/*", (route) => {
    const url = route.request().url();
    if (url.startsWith("file:") || url.startsWith("data:") || url.startsWith("blob:")) {
      return route.continue();
    }
    external.push(url);
    return route.abort();
  });
  const page = await context.newPage();
  await page.goto(pathToFileURL(page_path).href, { waitUntil: "load" });
  await page.waitForSelector("text=Triboo API", { timeout: 30000 });
  // The reference shows one tag at a time: open each tag's page in turn and collect what
  // it renders (navigation and content).
  let text = await page.evaluate(() => document.body.innerText);
  for (const tag of tags) {
    await page.getByText(tag, { exact: true }).first().click();
    await page.waitForTimeout(300);
    text += "\n" + (await page.evaluate(() => document.body.innerText));
  }
  const missing = summaries.filter((summary) => !text.includes(summary));
  await page.screenshot({ path: screenshot, fullPage: false });
  console.log(JSON.stringify({ missing, external }));
} finally {
  await browser.close();
}
