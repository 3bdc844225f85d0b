// Every page type in English and Arabic, at 1280 and 320 CSS px: zero
// axe violations (WCAG 2.0/2.1/2.2 A and AA), no sideways scrolling at
// 320 px (1.4.10), controls at least 24×24 px (2.5.8), <html lang dir>,
// and a screenshot of each for people to look at.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startServer } from "./server.js";
import { launch, axe, signIn, accounts } from "./browser.js";
import { pages } from "./pages.js";

let server, browser;
const shots = process.env.SCREENSHOT_DIR || mkdtempSync(join(tmpdir(), "consult-screens-"));
mkdirSync(shots, { recursive: true });

before(async () => {
  server = await startServer();
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await server?.stop();
  console.log(`screenshots in ${shots}`);
});

async function contextFor(lang, width, as) {
  const ctx = await browser.newContext({ bypassCSP: true, viewport: { width, height: 900 }, locale: lang === "ar" ? "ar" : "en-GB" });
  await ctx.addCookies([{ name: "consult_lang", value: lang, url: server.base }]);
  if (as) {
    const p = await ctx.newPage();
    await signIn(p, server.base, accounts[as]);
    await p.close();
  }
  return ctx;
}

// smallTargets lists visible controls smaller than 24×24 CSS px. Links in
// running text are exempt (2.5.8 "inline"); axe's target-size rule also
// checks spacing.
function smallTargets() {
  const out = [];
  for (const el of document.querySelectorAll("button, input:not([type=hidden]), select, textarea, summary, a.button, nav a, .header-bar a")) {
    const r = el.getBoundingClientRect();
    const s = getComputedStyle(el);
    if (r.width === 0 || r.height === 0 || s.visibility === "hidden" || el.closest(".visually-hidden") || el.classList.contains("visually-hidden")) continue;
    if ((el.type === "radio" || el.type === "checkbox") && el.labels?.[0]) {
      const l = el.labels[0].getBoundingClientRect();
      if (l.height >= 24) continue; // the label is part of the target
    }
    if (r.width < 24 || r.height < 24) out.push(`${el.tagName.toLowerCase()}#${el.id || ""}.${el.className} ${Math.round(r.width)}×${Math.round(r.height)}`);
  }
  return out;
}

for (const lang of ["en", "ar"]) {
  for (const width of [1280, 320]) {
    test(`every page in ${lang} at ${width} px passes axe, reflows and has large enough targets`, async () => {
      const problems = [];
      const byUser = new Map();
      for (const spec of pages) {
        if (!byUser.has(spec.as)) byUser.set(spec.as, await contextFor(lang, width, spec.as));
        const page = await byUser.get(spec.as).newPage();
        try {
          await spec.open(page, server.base);
          const where = `${spec.name} (${lang}, ${width} px, ${page.url().replace(server.base, "")})`;
          const html = await page.evaluate(() => ({ lang: document.documentElement.lang, dir: document.documentElement.dir }));
          if (html.lang !== lang || html.dir !== (lang === "ar" ? "rtl" : "ltr")) problems.push(`${where}: <html lang="${html.lang}" dir="${html.dir}">`);
          for (const v of await axe(page)) problems.push(`${where}: axe ${v.id} (${v.impact}): ${v.help}\n    ${v.nodes.join("\n    ")}`);
          const scroll = await page.evaluate(() => document.documentElement.scrollWidth);
          if (scroll > width) problems.push(`${where}: scrolls sideways (scrollWidth ${scroll})`);
          for (const t of await page.evaluate(smallTargets)) problems.push(`${where}: target smaller than 24×24: ${t}`);
          await page.screenshot({ path: join(shots, `${lang}-${width}-${spec.name}.png`), fullPage: true });
        } catch (err) {
          problems.push(`${spec.name} (${lang}, ${width} px): ${err.message.split("\n")[0]}`);
        } finally {
          await page.close();
        }
      }
      for (const ctx of byUser.values()) await ctx.close();
      if (problems.length) assert.fail(`${problems.length} problems:\n${problems.join("\n")}`);
    });
  }
}
