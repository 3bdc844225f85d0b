// Debian's Chromium driven by playwright-core. The browser is never
// downloaded: if /usr/bin/chromium is missing the suite fails.
import { chromium } from "playwright-core";
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";

export const executablePath = process.env.CHROMIUM || "/usr/bin/chromium";

export async function launch() {
  if (!existsSync(executablePath)) {
    throw new Error(`${executablePath} is missing: install Debian's chromium (make test does it)`);
  }
  return chromium.launch({
    executablePath,
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"],
  });
}

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

// axe runs the WCAG 2.0, 2.1 and 2.2 A and AA rules.
export async function axe(page) {
  await page.addScriptTag({ content: axeSource });
  return page.evaluate(async () => {
    const r = await window.axe.run(document, {
      runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"] },
    });
    return r.violations.map((v) => ({
      id: v.id, impact: v.impact, help: v.help,
      nodes: v.nodes.slice(0, 5).map((n) => n.target.join(" ") + " — " + n.failureSummary.split("\n").slice(0, 2).join(" ")),
    }));
  });
}

export const password = "consult-demo-2026";
export const accounts = {
  citizen: "citizen@demo.consult.example",
  staff: "staff@demo.consult.example",
  moderator: "moderator@demo.consult.example",
};

export async function signIn(page, base, email) {
  await page.goto(base + "/sign-in");
  await page.fill("#email", email);
  await page.fill("#password", password);
  await Promise.all([page.waitForNavigation(), page.click("main form button[type=submit]")]);
}

// postComment posts body to a consultation through the JSON API as the
// demo citizen, as another person commenting meanwhile would.
export async function postComment(base, consultationID, body) {
  const tok = await fetch(base + "/api/v1/tokens", {
    method: "POST", headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ email: accounts.citizen, password }),
  }).then((r) => r.json());
  const r = await fetch(base + `/api/v1/consultations/${consultationID}/comments`, {
    method: "POST", headers: { "Content-Type": "application/json", Authorization: "Bearer " + tok.token },
    body: JSON.stringify({ body }),
  });
  if (r.status !== 201) throw new Error(`comment not stored: status ${r.status}`);
  return r.json();
}
