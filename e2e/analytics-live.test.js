// Analytics pages of an open consultation follow its live events: the
// public page's response and comment totals, the staff page's exact
// figures, without reloading; with JavaScript off the pages still show
// the figures as of loading.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer } from "./server.js";
import { launch, signIn, accounts, axe, postComment } from "./browser.js";
import { demo } from "./pages.js";

let server, browser;
before(async () => { server = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.stop(); });

const text = (page, sel) => page.$eval(sel, (e) => e.textContent.trim());
const number = (s) => parseInt(s.replace(/[^0-9]/g, ""), 10);

test("analytics figures of an open consultation update without reloading", async () => {
  const pubCtx = await browser.newContext({ bypassCSP: true });
  const pub = await pubCtx.newPage();
  await pub.goto(server.base + demo.policy + "/analytics");
  const id = (await pub.getAttribute("#analytics-live", "data-url")).split("/")[4];
  assert.equal(await pub.getAttribute("#analytics-live", "aria-live"), "polite");
  const comments = number(await text(pub, "#comment-count"));

  const staffCtx = await browser.newContext({ bypassCSP: true });
  const staff = await staffCtx.newPage();
  await signIn(staff, server.base, accounts.staff);
  await staff.goto(server.base + `/manage/consultations/${id}/analytics`);
  const contributions = number(await text(staff, '[data-live-key="contributions"]'));
  const figures = await staff.$eval("#analytics-live-figures", (e) => e.innerHTML);

  await postComment(server.base, id, "Live figures, please.");
  await pub.waitForFunction((n) => parseInt(document.getElementById("comment-count").textContent.replace(/[^0-9]/g, ""), 10) === n,
    comments + 1, { timeout: 10000 });
  await staff.waitForFunction((n) => parseInt(document.querySelector('[data-live-key="contributions"]').textContent.replace(/[^0-9]/g, ""), 10) === n,
    contributions + 1, { timeout: 15000 });
  assert.notEqual(await staff.$eval("#analytics-live-figures", (e) => e.innerHTML), figures, "the charts and tables were refreshed");
  for (const p of [pub, staff]) assert.deepEqual(await axe(p), [], `axe after a live update of ${p.url()}`);
  await staffCtx.close();
  await pubCtx.close();
});

test("analytics pages work with JavaScript off", async () => {
  const ctx = await browser.newContext({ javaScriptEnabled: false });
  const page = await ctx.newPage();
  await page.goto(server.base + demo.policy + "/analytics");
  assert.match(await text(page, "#response-count"), /[0-9]/);
  await page.goto(server.base + demo.closed + "/analytics");
  assert.ok((await page.$$("table.analytics-table")).length > 0, "the closed consultation's figures are on the page");
  await ctx.close();
});
