/**
 * The Kafka broker's jars, fetched by Maven from Maven Central into
 * `<cacheDir>/kafka-<version>/libs` once. A marker file is written only after a complete copy,
 * so an interrupted download is redone and a complete one is never fetched again.
 */
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
// Embedded so a `bun build --compile` binary carries the pom with it. Bun's type for *.xml is a
// parsed document; `type: "text"` makes it the file's text.
import pomXml from "../../../deployments/kafka/pom.xml" with { type: "text" };
import type { Config } from "../../config.ts";
import { SagaError } from "../../errors.ts";
import { logPath, tailFile } from "./processes.ts";
import { type Progress, seconds } from "./progress.ts";
import { requireMaven } from "./tools.ts";

const POM_TEXT = pomXml as unknown as string;
const MARKER = ".complete";

export interface KafkaDist {
  readonly version: string;
  /** Directory holding every broker jar (classpath `<libsDir>/*`). */
  readonly libsDir: string;
  /** True when this call ran Maven. */
  readonly downloaded: boolean;
}

export function kafkaHome(config: Pick<Config, "cacheDir" | "kafkaVersion">): string {
  return join(config.cacheDir, `kafka-${config.kafkaVersion}`);
}

/** Are the jars for this version complete in the cache? */
export function kafkaJarsCached(config: Pick<Config, "cacheDir" | "kafkaVersion">): boolean {
  const home = kafkaHome(config);
  return (
    existsSync(join(home, MARKER)) && existsSync(join(home, "libs", `kafka_2.13-${config.kafkaVersion}.jar`))
  );
}

export async function ensureKafkaJars(
  config: Pick<Config, "cacheDir" | "kafkaVersion" | "stateDir">,
  progress: Progress,
): Promise<KafkaDist> {
  const version = config.kafkaVersion;
  if (!/^\d+\.\d+\.\d+$/.test(version)) {
    throw new SagaError(
      "CONFIG_INVALID",
      `SAGA_KAFKA_VERSION=${version} is not a release version like 3.9.1`,
    );
  }
  const home = kafkaHome(config);
  const libsDir = join(home, "libs");
  if (kafkaJarsCached(config)) return { version, libsDir, downloaded: false };

  const mvn = requireMaven();
  const partial = join(home, "libs.partial");
  rmSync(partial, { recursive: true, force: true });
  rmSync(libsDir, { recursive: true, force: true });
  rmSync(join(home, MARKER), { force: true });
  mkdirSync(home, { recursive: true });
  const pom = join(home, "pom.xml");
  writeFileSync(pom, POM_TEXT);

  const step = progress.begin(`fetching Kafka ${version} jars from Maven Central (first run only)`);
  const started = Date.now();
  await runMaven(mvn, pom, version, partial, logPath(config.stateDir, "maven"), step.tick);
  const jars = readdirSync(partial).filter((f) => f.endsWith(".jar"));
  if (!jars.includes(`kafka_2.13-${version}.jar`)) {
    throw new SagaError("STACK_PROVISION_FAILED", `Maven finished but kafka_2.13-${version}.jar is missing`, {
      hint: `see ${logPath(config.stateDir, "maven")}`,
    });
  }
  renameSync(partial, libsDir);
  writeFileSync(join(home, MARKER), `${JSON.stringify({ version, jars: jars.length, at: new Date() })}\n`);
  step.end(`${jars.length} jars in ${seconds(Date.now() - started)}`);
  return { version, libsDir, downloaded: true };
}

async function runMaven(
  mvn: string,
  pom: string,
  version: string,
  outDir: string,
  log: string,
  tick: () => void,
): Promise<void> {
  const args = [
    "-q",
    "-B",
    "-f",
    pom,
    `-Dkafka.version=${version}`,
    "dependency:copy-dependencies",
    "-DincludeScope=runtime",
    `-DoutputDirectory=${outDir}`,
  ];
  mkdirSync(dirname(log), { recursive: true });
  const proc = Bun.spawn([mvn, ...args], { stdout: Bun.file(log), stderr: "pipe", stdin: "ignore" });
  const dots = setInterval(tick, 2000);
  const [code, stderr] = await Promise.all([proc.exited, new Response(proc.stderr).text()]).finally(() =>
    clearInterval(dots),
  );
  if (code !== 0) {
    const detail = `${stderr.trim()}\n${tailFile(log)}`.trim().split("\n").slice(-15).join("\n");
    throw new SagaError(
      "STACK_PROVISION_FAILED",
      `Maven could not fetch Kafka ${version} (exit ${code}):\n${detail}`,
      {
        hint: "check access to Maven Central (repo.maven.apache.org) and that the version exists, then retry",
      },
    );
  }
}
