/**
 * Kafka: use the broker at the configured address when it answers; otherwise run Apache Kafka
 * in KRaft combined mode from the cached jars with the machine's Java.
 */
import { writeFileSync } from "node:fs";
import type { Config } from "../../config.ts";
import { SagaError } from "../../errors.ts";
import { probeKafka } from "./kafka-admin.ts";
import { formatStorage, jvmArgs, kafkaPaths, startedVersion, writeKafkaConfig } from "./kafka-config.ts";
import { ensureKafkaJars } from "./kafka-dist.ts";
import {
  assertSameAddress,
  type HostPort,
  isAlive,
  isLocalHost,
  logPath,
  managedPid,
  parseHostPort,
  pidNote,
  portOpen,
  removePid,
  servesHere,
  spawnDetached,
  stopPid,
  tailFile,
  waitFor,
  writePid,
} from "./processes.ts";
import { type Progress, seconds } from "./progress.ts";
import { requireJava } from "./tools.ts";
import { type ComponentStatus, componentStatus, type EnsureResult } from "./types.ts";

const NAME = "kafka";
/** Matches our broker's command line, so a recycled PID is never mistaken for it. */
const MARKER = "kafka.Kafka";
const READY_TIMEOUT_MS = 90_000;

export interface KafkaEnsureResult extends EnsureResult {
  /** True when this call ran Maven to fetch the jars. */
  readonly downloaded: boolean;
  /** Milliseconds from spawning the JVM to the broker answering (when started now). */
  readonly readyMs: number | undefined;
}

function brokerAddress(config: Pick<Config, "kafkaBrokers">): HostPort {
  return parseHostPort(config.kafkaBrokers[0] ?? "127.0.0.1:9092", 9092);
}

function addressKey(broker: HostPort): string {
  return `${broker.host}:${broker.port}`;
}

const notStarted = { startedNow: false, downloaded: false, readyMs: undefined } as const;

export async function ensureKafka(config: Config, progress: Progress): Promise<KafkaEnsureResult> {
  const address = config.kafkaBrokers.join(",");
  const broker = brokerAddress(config);
  const ours = managedPid(config.stateDir, NAME, MARKER);
  assertSameAddress("Kafka", ours, addressKey(broker), config.stateDir);
  if (ours.pid !== undefined) {
    if ((await probeKafka(config.kafkaBrokers, 3000)).ok) {
      progress.note(`Kafka: already running at ${address} (started by saga-cli, pid ${ours.pid})`);
    } else {
      const label = `waiting for Kafka (pid ${ours.pid}, started earlier)`;
      await waitReady(config, ours.pid, progress, { label, stopOnFailure: false });
    }
    return { status: await kafkaStatus(config), ...notStarted };
  }
  if (ours.stale) removePid(config.stateDir, NAME);
  const probe = await probeKafka(config.kafkaBrokers, 3000);
  if (probe.ok) {
    progress.note(`Kafka: using the broker already answering at ${address}`);
    return { status: await kafkaStatus(config), ...notStarted };
  }
  await assertCanStart(broker, address, probe.error);
  return startKafka(config, broker, progress);
}

async function assertCanStart(broker: HostPort, address: string, why: string): Promise<void> {
  if (!isLocalHost(broker.host)) {
    throw new SagaError("STACK_UNAVAILABLE", `Kafka at ${address} is unreachable (${why})`, {
      hint: "saga-cli only starts a broker on this machine: point KAFKA_BROKERS at 127.0.0.1:<port> or start that broker",
    });
  }
  for (const port of [broker.port, broker.port + 1]) {
    if (await portOpen(broker.host, port)) {
      throw new SagaError(
        "STACK_PROVISION_FAILED",
        `port ${broker.host}:${port} is taken by something that is not a Kafka broker`,
        {
          hint: `free the port, or choose another broker port with KAFKA_BROKERS=127.0.0.1:<port> (the controller uses <port>+1)`,
        },
      );
    }
  }
}

async function startKafka(config: Config, broker: HostPort, progress: Progress): Promise<KafkaEnsureResult> {
  const java = requireJava();
  const dist = await ensureKafkaJars(config, progress);
  if (Number(dist.version.split(".")[0]) >= 4) {
    progress.note(
      `warning: kafkajs 2.2.4 is not verified against Kafka ${dist.version}; 3.9.x is the safe choice`,
    );
  }
  const paths = writeKafkaConfig(config, broker);
  if (formatStorage(java.path, dist, paths))
    progress.note(`Kafka: formatted KRaft storage in ${paths.dataDir}`);
  const started = Date.now();
  const pid = spawnDetached({
    command: java.path,
    args: [
      "-Xms256m",
      "-Xmx512m",
      "-XX:+ExitOnOutOfMemoryError",
      ...jvmArgs(dist, paths),
      "kafka.Kafka",
      paths.serverProperties,
    ],
    cwd: paths.dir,
    logFile: logPath(config.stateDir, NAME),
  });
  writePid(config.stateDir, NAME, pid, addressKey(broker));
  writeFileSync(paths.versionFile, `${dist.version}\n`);
  const label = `starting Kafka ${dist.version} on ${addressKey(broker)}`;
  await waitReady(config, pid, progress, { label, stopOnFailure: true });
  const readyMs = Date.now() - started;
  return { status: await kafkaStatus(config), startedNow: true, downloaded: dist.downloaded, readyMs };
}

/**
 * Waits until the broker answers. On failure, a broker this call started is stopped (a
 * half-started one only confuses the next attempt); one started earlier is left alone.
 */
async function waitReady(
  config: Config,
  pid: number,
  progress: Progress,
  opts: { label: string; stopOnFailure: boolean },
): Promise<void> {
  const step = progress.begin(opts.label);
  const started = Date.now();
  const ready = await waitFor(async () => (await probeKafka(config.kafkaBrokers, 2000)).ok, {
    timeoutMs: READY_TIMEOUT_MS,
    intervalMs: 500,
    onTick: step.tick,
    // No marker here: we just spawned this PID, and until the child has exec'd, its cmdline is
    // still ours — a marker check would call a starting server "exited" (seen under CPU load).
    abort: () => (isAlive(pid) ? undefined : "exited"),
  });
  if (ready) {
    step.end(`ready in ${seconds(Date.now() - started)}`);
    return;
  }
  const exited = !isAlive(pid);
  step.end(exited ? "exited" : "timed out");
  if (exited || opts.stopOnFailure) {
    if (!exited) await stopPid(pid, { timeoutMs: 10_000, marker: MARKER });
    removePid(config.stateDir, NAME);
  }
  const log = logPath(config.stateDir, NAME);
  const timedOut = `no answer within ${READY_TIMEOUT_MS / 1000}s${opts.stopOnFailure ? " (stopped it)" : ""}`;
  const why = exited ? "the broker exited during start-up" : timedOut;
  throw new SagaError(
    "STACK_PROVISION_FAILED",
    `Kafka did not start: ${why}. Last lines of ${log}:\n${tailFile(log)}`,
    {
      hint: `fix the cause above and run \`saga-cli stack up\` again (a damaged ${kafkaPaths(config).dataDir} can be deleted)`,
    },
  );
}

export async function kafkaStatus(config: Config): Promise<ComponentStatus> {
  const address = config.kafkaBrokers.join(",");
  const found = managedPid(config.stateDir, NAME, MARKER);
  const ours = servesHere(found, addressKey(brokerAddress(config)));
  const probe = await probeKafka(config.kafkaBrokers, 3000);
  const version = ours ? startedVersion(kafkaPaths(config)) : undefined;
  const pid = ours ? found.pid : undefined;
  if (probe.ok) {
    return componentStatus(NAME, address, {
      up: true,
      version: version ?? "unknown (external)",
      managedBy: ours ? "saga-cli" : "external",
      pid,
      detail: `cluster ${probe.clusterId}, ${probe.brokers} broker(s)`,
    });
  }
  const detail = ours ? `process ${pid} runs but does not answer yet: ${probe.error}` : probe.error;
  return componentStatus(NAME, address, {
    up: false,
    version,
    managedBy: ours ? "saga-cli" : undefined,
    pid,
    detail: `${detail}${pidNote(found, addressKey(brokerAddress(config)))}`,
  });
}

/** Stops the broker `stack up` started, if any. Returns its PID when one was stopped. */
export async function stopKafka(config: Config): Promise<number | undefined> {
  const ours = managedPid(config.stateDir, NAME, MARKER);
  // Kafka's shutdown hook flushes logs and leaves the controller cleanly: give it time.
  if (ours.pid !== undefined)
    await stopPid(ours.pid, { signal: "SIGTERM", timeoutMs: 30_000, marker: MARKER });
  removePid(config.stateDir, NAME);
  return ours.pid;
}
