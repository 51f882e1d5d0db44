// Opens pillar's HTML reports in a real headless Chromium and checks them
// through the DOM. Run by .ci/run:
//
//   node crates/pillar-cli/tests/browser/report.mjs DEMO.html [BIG.html]
//
// Environment: PLAYWRIGHT_DIR — the folder where `npm install
// playwright-core` ran; CHROMIUM (default /usr/bin/chromium); OUT_DIR for
// screenshots (default target/browser).
//
// Asserts: the page made no network request (every request is intercepted;
// only file: and data: URLs are allowed), the filters narrow the table, a
// row expands to its evidence and fix with a copy button, the exposure
// graph SVG renders, the theme toggles. With BIG.html: prints how long the
// page takes to open and to filter (reported, not asserted).
import { createRequire } from "node:module";
import { mkdtempSync, mkdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";

const require = createRequire(path.resolve(process.env.PLAYWRIGHT_DIR || "target/browser-deps") + "/");
const { chromium } = require("playwright-core");

const [demo, big] = process.argv.slice(2);
if (!demo) {
  console.error("usage: report.mjs DEMO.html [BIG.html]");
  process.exit(2);
}
const outDir = process.env.OUT_DIR || "target/browser";
mkdirSync(outDir, { recursive: true });

let failures = 0;
function check(ok, what) {
  console.log(`${ok ? "ok  " : "FAIL"} ${what}`);
  if (!ok) failures++;
}

const profile = mkdtempSync(path.join(tmpdir(), "pillar-chromium-"));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  headless: true,
  args: [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
  ],
  viewport: { width: 1400, height: 1000 },
});
const blocked = [];
await context.route("**/*", (route) => {
  const url = route.request().url();
  if (url.startsWith("file:") || url.startsWith("data:")) return route.continue();
  blocked.push(url);
  return route.abort();
});
const seen = [];
context.on("request", (r) => seen.push(r.url()));

try {
  const page = context.pages()[0] || (await context.newPage());
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });

  await page.goto(pathToFileURL(path.resolve(demo)).href, { waitUntil: "load" });
  await page.waitForSelector("#rows tr.row");
  await page.screenshot({ path: path.join(outDir, "demo.png"), fullPage: false });
  await page.screenshot({ path: path.join(outDir, "demo-full.png"), fullPage: true });

  const total = await page.evaluate(() => window.pillarReport.total);
  const failing = await page.evaluate(() => window.pillarReport.shown());
  check(total > 0 && failing > 0 && failing < total, `table lists ${failing} failures of ${total} findings by default`);

  // Filters: severity narrows, and every row shown has that severity.
  await page.selectOption("#f-severity", "critical");
  const crit = await page.$$eval("#rows tr.row", (rows) => rows.map((r) => r.dataset.severity));
  const critCount = await page.evaluate(() => window.pillarReport.shown());
  check(crit.length > 0 && crit.every((s) => s === "critical") && critCount < failing,
    `severity filter: ${critCount} critical rows, all critical`);
  await page.selectOption("#f-severity", "");
  await page.selectOption("#f-status", "");
  const everything = await page.evaluate(() => window.pillarReport.shown());
  check(everything === total, `status filter "all" lists every finding (${everything})`);
  await page.selectOption("#f-domain", "data-protection");
  const domains = await page.$$eval("#rows tr.row", (rows) => rows.map((r) => r.dataset.domain));
  check(domains.length > 0 && domains.every((d) => d === "data-protection"), "domain filter keeps only its domain");
  await page.selectOption("#f-domain", "");
  await page.fill("#q", "ec2-admin-port-internet-reachable");
  await page.waitForFunction(() => window.pillarReport.shown() < window.pillarReport.total);
  const searched = await page.$$eval("#rows tr.row td:nth-child(3)", (c) => c.map((x) => x.textContent));
  check(searched.length > 0 && searched.every((t) => t === "ec2-admin-port-internet-reachable"), `search finds ${searched.length} rows of one rule`);

  // A row expands to why, evidence and the fix, with copy buttons.
  // Clearing the search re-filters after a 120 ms debounce, which also
  // folds open rows: wait for it before clicking, or a slow machine folds
  // the row just opened.
  await page.fill("#q", "");
  await page.waitForFunction(() => window.pillarReport.shown() === window.pillarReport.total);
  await page.selectOption("#f-status", "fail");
  await page.click("#rows tr.row >> nth=0");
  await page.waitForSelector("#rows tr.detail", { timeout: 5000 }).catch(() => null);
  const detail = await page.$("#rows tr.detail");
  check(detail !== null, "a clicked row expands");
  const detailText = detail ? await detail.textContent() : "";
  check(/Evidence/.test(detailText) && /Why it matters/.test(detailText), "the details show why and the evidence");
  const copyButtons = await page.$$("#rows tr.detail button.copy");
  check(copyButtons.length > 0, `the fix has ${copyButtons.length} copy buttons`);
  await page.screenshot({ path: path.join(outDir, "demo-expanded.png"), fullPage: false });

  // The exposure graph is drawn (inline SVG with nodes and edges).
  const graph = await page.$("#exposure-graph");
  const box = graph ? await graph.boundingBox() : null;
  const nodes = await page.$$eval("#exposure-graph g.node", (n) => n.length);
  const edges = await page.$$eval("#exposure-graph path.edge", (n) => n.length);
  check(box !== null && box.width > 100 && box.height > 40 && nodes > 2 && edges > 1,
    `exposure graph renders (${nodes} nodes, ${edges} edges)`);

  // The Well-Architected matrix lists every best practice, gaps included.
  const bps = await page.$$eval(".matrix .mcell", (r) => r.length);
  const gaps = await page.$$eval(".matrix .mcell.gap", (r) => r.length);
  check(bps >= 63 && gaps > 0, `Well-Architected matrix: ${bps} best practices, ${gaps} without a rule`);

  // Print: the controls hide, every filtered finding is listed (not one
  // page of 100), and a PDF can be made.
  await page.selectOption("#f-status", "");
  await page.emulateMedia({ media: "print" });
  const hidden = await page.$eval(".filters", (e) => getComputedStyle(e).display === "none");
  check(hidden, "printing hides the filters");
  const printed = await page.$$eval("#rows tr.row", (r) => r.length);
  const matching = await page.evaluate(() => window.pillarReport.shown());
  check(printed === matching && matching > 100, `printing lists all ${matching} filtered findings, not one page (${printed})`);
  await page.pdf({ path: path.join(outDir, "demo.pdf"), printBackground: true });
  await page.emulateMedia({ media: "screen" });

  // Theme toggle and dark mode.
  await page.click("#theme");
  const theme = await page.evaluate(() => document.documentElement.getAttribute("data-theme"));
  check(theme === "dark" || theme === "light", `theme toggles (${theme})`);
  await page.emulateMedia({ colorScheme: "dark" });
  await page.evaluate(() => document.documentElement.setAttribute("data-theme", "dark"));
  await page.screenshot({ path: path.join(outDir, "demo-dark.png"), fullPage: false });
  check(errors.length === 0, `no script error${errors.length ? ": " + errors.join("; ") : ""}`);

  if (big) {
    const bigPage = await context.newPage();
    const t0 = Date.now();
    await bigPage.goto(pathToFileURL(path.resolve(big)).href, { waitUntil: "load" });
    await bigPage.waitForSelector("#rows tr.row");
    const openMs = Date.now() - t0;
    const n = await bigPage.evaluate(() => window.pillarReport.total);
    const t1 = Date.now();
    await bigPage.selectOption("#f-status", "");
    await bigPage.fill("#q", "ec2");
    await bigPage.waitForFunction(() => window.pillarReport.shown() < window.pillarReport.total);
    const filterMs = Date.now() - t1;
    console.log(`browser: ${n} findings opened in ${openMs} ms; search + filter in ${filterMs} ms (incl. 120 ms input debounce)`);
    await bigPage.screenshot({ path: path.join(outDir, "big.png"), fullPage: false });
    check(n >= 20000, `big report holds ${n} findings`);
  }

  const foreign = seen.filter((u) => !u.startsWith("file:") && !u.startsWith("data:"));
  check(blocked.length === 0 && foreign.length === 0,
    `no network request (${seen.length} requests, all file: or data:)${blocked.length ? ": " + blocked.join(", ") : ""}`);
} finally {
  await context.close();
  rmSync(profile, { recursive: true, force: true });
}
console.log(failures ? `browser test: ${failures} checks FAILED` : "browser test: all checks passed");
process.exit(failures ? 1 : 0);
