/**
 * Terminology for stack provisioning:
 * - component: one server the saga needs (Kafka, Postgres, Redis).
 * - external: a server that answered at the configured address; saga-cli uses it and never
 *   stops it.
 * - managed: a server `stack up` started from this machine's binaries; its PID file lives in
 *   `<stateDir>/pids/<component>.pid` and `stack down` stops exactly that PID.
 */

export type ComponentName = "kafka" | "postgres" | "redis";

export interface ComponentStatus {
  readonly name: ComponentName;
  readonly up: boolean;
  /** host:port from the configuration. */
  readonly address: string;
  readonly version: string | undefined;
  /** "saga-cli" when `stack up` started it (see `pid`), "external" when someone else runs it. */
  readonly managedBy: "saga-cli" | "external" | undefined;
  readonly pid: number | undefined;
  /** Why it is down, or a note (e.g. a stale PID file). */
  readonly detail: string | undefined;
}

export interface TopicStatus {
  readonly name: string;
  readonly partitions: number;
  /** Set by `ensureTopics`: true when this call created the topic. */
  readonly created?: boolean;
}

export interface StackStatus {
  readonly components: readonly ComponentStatus[];
  /** Our topics that exist, with their partition counts (empty when Kafka is down). */
  readonly topics: readonly TopicStatus[];
  /** Our topic names that do not exist (yet). */
  readonly missingTopics: readonly string[];
}

export interface StackUpReport extends StackStatus {
  /** True when this call ran Maven to fetch the Kafka jars (first run only). */
  readonly downloaded: boolean;
  /** Components this call started (the rest were running already). */
  readonly startedNow: readonly ComponentName[];
  /** Migration files applied by this call. */
  readonly migrations: readonly string[];
  /** Wall-clock milliseconds per step. */
  readonly timings: Readonly<Record<string, number>>;
}

/** A stack component's outcome from `ensure*`: its status plus what this call did. */
export interface EnsureResult {
  readonly status: ComponentStatus;
  readonly startedNow: boolean;
}

export function componentStatus(
  name: ComponentName,
  address: string,
  fields: Partial<Omit<ComponentStatus, "name" | "address">>,
): ComponentStatus {
  return {
    name,
    address,
    up: fields.up ?? false,
    version: fields.version,
    managedBy: fields.managedBy,
    pid: fields.pid,
    detail: fields.detail,
  };
}

/** The status of a server found by probing its address, whether or not `stack up` started it. */
export function probedStatus(
  name: ComponentName,
  address: string,
  probe: { readonly ok: true; readonly version: string } | { readonly ok: false; readonly error: string },
  managed: { readonly ours: boolean; readonly pid: number | undefined; readonly note: string },
): ComponentStatus {
  return componentStatus(name, address, {
    up: probe.ok,
    version: probe.ok ? probe.version : undefined,
    managedBy: managed.ours ? "saga-cli" : probe.ok ? "external" : undefined,
    pid: managed.ours ? managed.pid : undefined,
    detail: probe.ok ? undefined : `${probe.error}${managed.note}`,
  });
}
