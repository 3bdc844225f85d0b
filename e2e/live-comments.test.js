// A citizen reading an open consultation sees other people's comments
// arrive without reloading: in the page's log region, focus left where it
// was; with live updates paused they wait behind a "new comments" button;
// after a lost connection the page says it is reconnecting, and once back
// it shows what was said meanwhile, once.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer } from "./server.js";
import { launch, axe, postComment } from "./browser.js";
import { demo } from "./pages.js";

let server, browser;
before(async () => { server = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.stop(); });

const inThreads = (page, text) => page.$eval("#threads", (e, t) => e.textContent.includes(t), text);

test("new comments appear live, and wait while live updates are paused", async () => {
  const ctx = await browser.newContext({ bypassCSP: true }); // for axe
  const page = await ctx.newPage();
  await page.goto(server.base + demo.policy);
  await page.waitForSelector('#live[data-state="live"]', { timeout: 10000 });
  const id = (await page.getAttribute("#live", "data-url")).split("/")[4];
  assert.equal(await page.$eval("#threads", (e) => e.parentElement.getAttribute("role")), "log", "new comments go into a log region");

  const first = "A live comment: the crossing by the school needs a lollipop person.";
  await postComment(server.base, id, first);
  await page.waitForFunction((t) => document.getElementById("threads").textContent.includes(t), first, { timeout: 10000 });
  assert.equal(await page.evaluate(() => document.activeElement === document.body), true, "focus did not move");

  await page.click("#live-pause");
  assert.equal(await page.getAttribute("#live-pause", "aria-pressed"), "true");
  const second = "Another live comment: please add a zebra crossing on Mill Lane.";
  await postComment(server.base, id, second);
  await page.waitForSelector("#live-show:not([hidden])", { timeout: 10000 });
  assert.match(await page.textContent("#live-show"), /1/, "the button counts the comment waiting");
  assert.equal(await inThreads(page, second), false, "a paused page does not add the comment");
  await page.click("#live-show");
  assert.equal(await inThreads(page, second), true, "showing adds it");
  assert.equal(await page.isHidden("#live-show"), true);
  assert.deepEqual(await axe(page), [], "axe after live updates");
  await ctx.close();
});

test("after a lost connection the page says so, and on reconnecting catches up with what it missed, once", async () => {
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  // Every live connection goes through here, so that the test can cut it
  // and refuse reconnections for a while, as a train's tunnel would.
  let cut = false, open = null;
  await page.routeWebSocket(/\/live/, (ws) => {
    if (cut) return ws.close({ code: 1006 });
    open = { page: ws, server: ws.connectToServer() };
  });
  await page.goto(server.base + demo.policy);
  await page.waitForSelector('#live[data-state="live"]', { timeout: 10000 });
  const id = (await page.getAttribute("#live", "data-url")).split("/")[4];

  cut = true;
  open.server.close();
  open.page.close({ code: 1006 });
  await page.waitForSelector('#live[data-state="reconnecting"]', { timeout: 10000 });
  const missed = "Posted while this reader was cut off: what about the bus lane on Station Road?";
  const c = await postComment(server.base, id, missed);
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(await inThreads(page, missed), false, "nothing arrives while cut off");
  cut = false;
  await page.waitForSelector('#live[data-state="live"]', { timeout: 20000 });
  await page.waitForFunction((t) => document.getElementById("threads").textContent.includes(t), missed, { timeout: 10000 });
  assert.equal(await page.locator(`[id="comment-${c.id}"]`).count(), 1, "the missed comment is shown once");
  await ctx.close();
});
