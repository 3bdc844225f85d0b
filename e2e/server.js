// Starts the real consult binary with demo content on a free port.
import { spawn, execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

// A real Pol.is conversation (../shared/data beside the repository, as in
// CI) gives the co-design thread an opinion map with groups to look at
// (data gathered with Polis, compdemocracy.org/polis, CC BY 4.0, attribution
// to The Computational Democracy Project; see that folder's README-openData.md).
const polis = join(root, "..", "shared", "data", "polis", "london.youth.policing");

function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => { const { port } = s.address(); s.close(() => resolve(port)); });
    s.on("error", reject);
  });
}

export async function startServer() {
  const dir = mkdtempSync(join(tmpdir(), "consult-e2e-"));
  const bin = join(dir, "consult");
  execFileSync("go", ["build", "-o", bin, "./cmd/consult"], { cwd: root, stdio: "inherit" });
  const port = await freePort();
  const proc = spawn(bin, ["serve", "--demo", "--data", join(dir, "data"), "--addr", `127.0.0.1:${port}`], {
    env: { ...process.env, CONSULT_RATE_LIMITS: "off", CONSULT_LOG_LEVEL: "warn" },
    stdio: ["ignore", "ignore", "inherit"],
  });
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 200; i++) {
    try { if ((await fetch(base + "/readyz")).ok) break; } catch { /* not yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  if (!existsSync(join(polis, "votes.csv"))) {
    throw new Error(`the Pol.is open data is missing (${polis}): ../shared/data beside the repository clone holds it`);
  }
  execFileSync(bin, ["opinion", "import", "--data", join(dir, "data"), "--consultation", "bus-travel-information",
    "--as", "staff@demo.consult.example", "--dir", polis], { env: { ...process.env, CONSULT_LOG_LEVEL: "warn" }, stdio: ["ignore", "ignore", "inherit"] });
  return {
    base,
    async stop() {
      proc.kill("SIGTERM");
      await new Promise((r) => proc.once("exit", r));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
