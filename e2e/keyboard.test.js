// Beyond what axe sees: a keyboard-only citizen completes a response and a
// comment with Tab, Shift+Tab, Enter and Space, seeing where focus is at
// every step; error summaries take focus and link to their fields; and
// the same journeys work with JavaScript turned off.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer } from "./server.js";
import { launch, signIn, accounts } from "./browser.js";
import { demo } from "./pages.js";

let server, browser;
before(async () => { server = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.stop(); });

// focused describes the focused element and whether focus is visible:
// an outline or a box-shadow drawn around it.
function focused() {
  const el = document.activeElement;
  if (!el || el === document.body) return { tag: "body", visible: false };
  const s = getComputedStyle(el);
  const outline = s.outlineStyle !== "none" && parseFloat(s.outlineWidth) >= 2;
  const shadow = s.boxShadow && s.boxShadow !== "none";
  return {
    tag: el.tagName.toLowerCase(), id: el.id, type: el.type || "", name: el.name || "", value: el.value || "",
    text: (el.innerText || el.value || "").trim().slice(0, 60), visible: outline || shadow,
    href: el.getAttribute("href") || "",
  };
}

// tabTo presses Tab (or Shift+Tab) until match(focused) holds, checking
// visible focus on every element passed through.
async function tabTo(page, match, { back = false, max = 80 } = {}) {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press(back ? "Shift+Tab" : "Tab");
    const f = await page.evaluate(focused);
    assert.ok(f.visible, `focus is not visible on ${JSON.stringify(f)} at ${page.url()}`);
    if (match(f)) return f;
  }
  assert.fail(`never reached the element by ${back ? "Shift+Tab" : "Tab"} on ${page.url()}`);
}

async function pressAndWait(page, key) {
  await Promise.all([page.waitForNavigation(), page.keyboard.press(key)]);
}

// answerByKeyboard fills the response form: text by typing, a radio
// group by Space then arrow keys, checkboxes by Space.
async function answerByKeyboard(page) {
  const fields = await page.$$eval("main textarea, main input[type=radio], main input[type=checkbox]:not(#anonymous)", (els) =>
    els.map((e) => ({ id: e.id, name: e.name, kind: e.tagName === "TEXTAREA" ? "text" : e.type })));
  const seen = new Set();
  for (const f of fields) {
    if (seen.has(f.name)) continue;
    seen.add(f.name);
    const now = await page.evaluate(focused);
    if (now.name !== f.name) await tabTo(page, (x) => x.name === f.name);
    if (f.kind === "text") await page.keyboard.type("Typed with the keyboard only.");
    else if (f.kind === "radio") await page.keyboard.press("Space");
    else await page.keyboard.press("Space");
  }
}

for (const js of [true, false]) {
  const mode = js ? "keyboard only" : "keyboard only, JavaScript off";
  test(`a citizen completes a response (${mode})`, async () => {
    const ctx = await browser.newContext({ javaScriptEnabled: js, viewport: { width: 1280, height: 900 } });
    const page = await ctx.newPage();
    await page.goto(server.base + demo.policy);
    // Skip link first, then on to the call to action.
    const skip = await tabTo(page, () => true);
    assert.equal(skip.href, "#main", "the first Tab stop is the skip link");
    await tabTo(page, (f) => f.href.endsWith("/respond"));
    await pressAndWait(page, "Enter");
    assert.match(page.url(), /\/respond$/);

    // Sending nothing shows an error summary that takes focus (with
    // JavaScript) and links to the first field.
    await tabTo(page, (f) => f.tag === "button" && f.value === "check");
    await pressAndWait(page, "Enter");
    const links = await page.$$eval("[data-error-summary] a", (as) => as.map((a) => a.getAttribute("href")));
    assert.ok(links.length > 0, "an error summary lists the problems");
    for (const href of links) assert.ok(await page.$(href), `error summary link ${href} points at a field on the page`);
    if (js) {
      const f = await page.evaluate(focused);
      assert.ok(await page.evaluate(() => document.activeElement.matches("[data-error-summary]")), "the error summary has focus");
      assert.ok(f.visible, "the focused error summary shows its focus");
      await tabTo(page, (x) => x.href === links[0]);
      await page.keyboard.press("Enter");
      const target = await page.evaluate(() => location.hash);
      assert.equal(target, links[0]);
    }

    await answerByKeyboard(page);
    // Shift+Tab goes back to the answer before, and Tab forward again.
    await page.keyboard.press("Shift+Tab");
    assert.ok((await page.evaluate(focused)).visible, "focus stays visible going backwards");
    await tabTo(page, (f) => f.tag === "button" && f.value === "check");
    await pressAndWait(page, "Enter");
    assert.ok(await page.$("main button[value=submit]"), "the check-your-answers page follows");
    await tabTo(page, (f) => f.tag === "button" && f.value === "submit");
    await pressAndWait(page, "Space");
    assert.match(page.url(), /\/respond\/done\?ref=/);
    await ctx.close();
  });

  test(`a citizen posts a comment (${mode})`, async () => {
    const ctx = await browser.newContext({ javaScriptEnabled: js, viewport: { width: 320, height: 800 } });
    const page = await ctx.newPage();
    await signIn(page, server.base, accounts.citizen);
    await page.goto(server.base + demo.policy);
    await tabTo(page, (f) => f.id === "comment-body");
    await tabTo(page, (f) => f.tag === "button" && f.text && f.name === "" && f.type === "submit" && !!f.text);
    // An empty comment is refused with an error summary linking to the field.
    await pressAndWait(page, "Enter");
    const links = await page.$$eval("[data-error-summary] a", (as) => as.map((a) => a.getAttribute("href")));
    assert.ok(links.includes("#comment-body"), `the error summary links to the comment field: ${links}`);
    if (js) assert.ok(await page.evaluate(() => document.activeElement.matches("[data-error-summary]")), "the error summary has focus");
    await tabTo(page, (f) => f.id === "comment-body");
    const text = `Keyboard comment ${js ? "with" : "without"} JavaScript`;
    await page.keyboard.type(text);
    await tabTo(page, (f) => f.tag === "button" && f.type === "submit" && !!f.text);
    await pressAndWait(page, "Enter");
    assert.ok((await page.content()).includes(text), "the comment appears on the page");
    await ctx.close();
  });
}
