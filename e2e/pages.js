// Every page type the suite visits. Each entry names the page, who views
// it (null: nobody signed in) and how to reach it from a fresh tab. Add a
// page here and every check (axe, reflow, targets, screenshots) covers it.

export const demo = {
  policy: "/consultations/safer-streets-20mph",
  codesign: "/consultations/bus-travel-information",
  closed: "/consultations/cycling-strategy-2026",
};

async function go(page, base, path) {
  await page.goto(base + path);
}

async function submit(page, selector) {
  await Promise.all([page.waitForNavigation(), page.click(selector)]);
}

// answerAll fills every question on the response form.
export async function answerAll(page) {
  for (const area of await page.$$("main textarea")) await area.fill("Lower speeds near schools make sense. ١٢٣ — test");
  const names = await page.$$eval("main input[type=radio]", (els) => [...new Set(els.map((e) => e.name))]);
  for (const n of names) await page.check(`main input[type=radio][name="${n}"] >> nth=0`);
  const boxes = await page.$$eval("main .choice input[type=checkbox]:not(#anonymous)", (els) => [...new Set(els.map((e) => e.name))]);
  for (const n of boxes) await page.check(`main input[type=checkbox][name="${n}"] >> nth=0`);
}

async function managedID(page, base) {
  await go(page, base, "/manage");
  const href = await page.getAttribute('main a[href^="/manage/consultations/"]:not([href$="/new"])', "href");
  return href.split("/")[3];
}

export const pages = [
  { name: "home", as: null, open: (p, b) => go(p, b, "/") },
  { name: "consultation", as: null, open: (p, b) => go(p, b, demo.policy) },
  { name: "respond-errors", as: null, open: async (p, b) => { await go(p, b, demo.policy + "/respond"); await submit(p, "main button[value=check]"); } },
  { name: "check-answers", as: null, open: async (p, b) => { await go(p, b, demo.policy + "/respond"); await answerAll(p); await submit(p, "main button[value=check]"); } },
  { name: "confirmation", as: null, open: async (p, b) => { await go(p, b, demo.policy + "/respond"); await answerAll(p); await submit(p, "main button[value=check]"); await submit(p, "main button[value=submit]"); } },
  { name: "codesign-thread", as: "citizen", open: (p, b) => go(p, b, demo.codesign) },
  { name: "opinion-vote", as: "citizen", open: (p, b) => go(p, b, demo.codesign + "/opinion") },
  { name: "opinion-report", as: null, open: (p, b) => go(p, b, demo.codesign + "/opinion/report") },
  { name: "comment-errors", as: "citizen", open: async (p, b) => { await go(p, b, demo.policy); await submit(p, "#comment-form button[type=submit]"); } },
  { name: "sign-in", as: null, open: (p, b) => go(p, b, "/sign-in") },
  { name: "sign-in-errors", as: null, open: async (p, b) => { await go(p, b, "/sign-in"); await submit(p, "main form button[type=submit]"); } },
  { name: "register", as: null, open: (p, b) => go(p, b, "/register") },
  { name: "outcome", as: null, open: (p, b) => go(p, b, demo.closed + "/outcome") },
  { name: "my-contributions", as: "citizen", open: (p, b) => go(p, b, "/me") },
  { name: "manage-list", as: "staff", open: (p, b) => go(p, b, "/manage") },
  { name: "manage-consultation", as: "staff", open: async (p, b) => go(p, b, "/manage/consultations/" + (await managedID(p, b))) },
  { name: "manage-new-errors", as: "staff", open: async (p, b) => { await go(p, b, "/manage/consultations/new"); await submit(p, "main form button.button[value=save]"); } },
  { name: "manage-outcome", as: "staff", open: async (p, b) => { await go(p, b, "/manage"); await go(p, b, await p.getAttribute('main a[href$="/outcome"]', "href")); } },
  { name: "moderation-queue", as: "moderator", open: (p, b) => go(p, b, "/moderation") },
  { name: "moderation-log", as: null, open: (p, b) => go(p, b, demo.policy + "/moderation") },
  { name: "analytics", as: null, open: (p, b) => go(p, b, demo.closed + "/analytics") },
  { name: "analytics-open", as: null, open: (p, b) => go(p, b, demo.policy + "/analytics") },
  { name: "manage-analytics", as: "staff", open: async (p, b) => go(p, b, "/manage/consultations/" + (await managedID(p, b)) + "/analytics") },
  { name: "open-data", as: null, open: (p, b) => go(p, b, "/open-data") },
  { name: "accessibility", as: null, open: (p, b) => go(p, b, "/accessibility") },
  { name: "error-404", as: null, open: (p, b) => go(p, b, "/no-such-page") },
];
