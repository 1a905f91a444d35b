// Create a triboo connection through Airflow's UI form, save it, press its Test button.
// Usage: node connection_form.mjs <airflow-url> <sandbox-host> <sandbox-port> <screenshot.png>
// Prints one JSON line: {"saved": <the form's POST body, password removed>,
//   "listed_extra": <the extras the UI read back>, "test": <the Test answer>,
//   "shown": <the text of the Test result the page shows>}.
import { chromium } from "playwright-core";

const [airflow, host, port, screenshot] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"],
});
const report = { saved: null, listed_extra: null, test: null, shown: null };
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  page.setDefaultTimeout(30000);
  page.on("response", async (response) => {
    const request = response.request();
    const url = new URL(response.url());
    if (request.method() === "POST" && url.pathname === "/api/v2/connections") {
      const body = JSON.parse(request.postData());
      delete body.password;
      report.saved = body;
    } else if (request.method() === "GET" && url.pathname === "/api/v2/connections") {
      const listed = (await response.json()).connections.find(
        (c) => c.connection_id === "triboo_default");
      if (listed) report.listed_extra = listed.extra;
    } else if (request.method() === "POST" && url.pathname === "/api/v2/connections/test") {
      report.test = { status: response.status(), body: await response.text() };
    }
  });
  await page.goto(`${airflow}/connections`, { waitUntil: "networkidle" });
  await page.getByRole("button", { name: "Add Connection" }).click();
  await page.locator('input[name="connection_id"]').fill("triboo_default");
  await page.getByRole("combobox").fill("Triboo");
  await page.keyboard.press("Enter");
  // The form's own fields; every extra keeps the default the provider declares.
  await page.locator('input[name="host"]').fill(host);
  await page.locator('input[name="port"]').fill(port);
  await page.locator('input[name="schema"]').fill("http");
  await page.locator('input[name="login"]').fill("demo-client");
  await page.locator('input[name="password"]').fill("demo-secret");
  await page.locator('input[name="element_oauth2_path"]').waitFor({ state: "attached" });
  await page.getByRole("button", { name: "Save" }).click();
  const row = page.getByRole("row", { name: /triboo_default/ });
  await row.waitFor();
  await row.getByRole("button", { name: "Test Connection" }).click();
  const outcome = page.getByText(/Test Connection (Successful|Failed)/);
  await outcome.waitFor();
  report.shown = await outcome.locator("xpath=..").innerText();
  await page.screenshot({ path: screenshot, fullPage: false });
} finally {
  console.log(JSON.stringify(report));
  await browser.close();
}
