// A throwaway PostgreSQL cluster for one test file (or the bench): initdb in a temp dir, started on
// a free port on 127.0.0.1 with its socket in the temp dir, stopped and removed afterwards.
// Without the server binaries the tests are skipped with a message, except in CI, where that fails.
import { execFileSync } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";

export interface PostgresCluster {
  port: number;
  url: string;
  credentials: { host: string; port: number; database: string; username: string; password: string };
  stop(): void;
}

/** The newest installed server's bin directory (Debian: /usr/lib/postgresql/<major>/bin). */
export function postgresBinDir(): string | undefined {
  const root = "/usr/lib/postgresql";
  if (!existsSync(root)) return undefined;
  const majors = readdirSync(root)
    .filter((v) => existsSync(path.join(root, v, "bin", "initdb")))
    .sort((a, b) => Number(b) - Number(a));
  return majors.length ? path.join(root, majors[0], "bin") : undefined;
}

/** Why Postgres tests can't run here, or undefined when they can; in CI a missing server is an error. */
export function postgresUnavailable(): string | undefined {
  if (postgresBinDir()) return undefined;
  const reason = "PostgreSQL server binaries not found under /usr/lib/postgresql/*/bin (apt-get install -y postgresql)";
  if (process.env.CI) throw new Error(`${reason}: required in CI`);
  return reason;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export async function startPostgres(options: { fsync?: boolean } = {}): Promise<PostgresCluster> {
  const bin = postgresBinDir();
  if (!bin) throw new Error(postgresUnavailable() ?? "no postgres");
  const dir = mkdtempSync(path.join(tmpdir(), "pipebook-pg-"));
  const data = path.join(dir, "data");
  // initdb refuses root: as root the cluster belongs to the postgres user.
  const asRoot = process.getuid?.() === 0;
  const run = (cmd: string, args: string[]) =>
    execFileSync(asRoot ? "runuser" : path.join(bin, cmd), asRoot ? ["-u", "postgres", "--", path.join(bin, cmd), ...args] : args, {
      stdio: "pipe",
      cwd: dir,
    });
  if (asRoot) execFileSync("chown", ["postgres:postgres", dir]);
  chmodSync(dir, 0o700);
  const port = await freePort();
  try {
    run("initdb", ["-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync"]);
    const settings = [`-p ${port}`, `-k ${dir}`, "-c listen_addresses=127.0.0.1", `-c fsync=${options.fsync ? "on" : "off"}`];
    run("pg_ctl", ["-D", data, "-o", settings.join(" "), "-l", path.join(dir, "server.log"), "-w", "-t", "60", "start"]);
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    const err = e as { stderr?: Buffer; message: string };
    throw new Error(`could not start postgres: ${err.stderr?.toString() || err.message}`);
  }
  // Trust authentication: the password is only there to be masked in LoadInfo.
  const credentials = { host: "127.0.0.1", port, database: "postgres", username: "postgres", password: "secret" };
  return {
    port,
    credentials,
    url: `postgresql://postgres:secret@127.0.0.1:${port}/postgres`,
    stop() {
      try {
        run("pg_ctl", ["-D", data, "-m", "immediate", "-w", "stop"]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
