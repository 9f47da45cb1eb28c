/**
 * The gateway's HTTP surface as one `fetch` handler (for `Bun.serve`): routing, the API key,
 * request ids, metrics per route, and turning failures into the error shape.
 *
 * Routes: POST /api/v1/orders, GET /api/v1/orders/:id (API key when configured), and the
 * operational GET /health, /ready, /metrics (always open: probes and scrapers carry no key).
 */
import { SagaError, errorCode, errorMessage, isRetryable } from "../../errors.ts";
import type { Sql } from "../../infra/db/client.ts";
import type { Logger } from "../../infra/log.ts";
import { HttpError, checkApiKey, errorResponse, json, requestIdOf } from "./http-io.ts";
import type { GatewayMetrics } from "./metrics.ts";
import { ORDERS_PATH, getOrder, postOrder } from "./orders-api.ts";
import type { Readiness } from "./readiness.ts";

export interface GatewayHttpDeps {
  readonly sql: Sql;
  readonly log: Logger;
  readonly metrics: GatewayMetrics;
  readonly readiness: Readiness;
  /** The real topic of order events (prefix applied). */
  readonly orderTopic: string;
  readonly apiKey: string | undefined;
  readonly maxBodyBytes?: number;
  /** True once shutdown began: /ready answers 503 so load balancers stop sending traffic. */
  readonly isShuttingDown: () => boolean;
}

// Metric labels come from fixed sets only: a client must not be able to mint new time series.
const KNOWN_METHODS = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]);

type Handler = (req: Request, ctx: RequestContext) => Promise<Response>;

interface RequestContext {
  readonly requestId: string;
  readonly params: Record<string, string>;
}

interface Route {
  /** The metrics label: the pattern, never the concrete path (bounded cardinality). */
  readonly name: string;
  readonly match: (path: string) => Record<string, string> | undefined;
  /** Handlers by lower-case method name. */
  readonly methods: Readonly<Record<string, Handler>>;
  readonly protected: boolean;
}

function exact(path: string): Route["match"] {
  return (p) => (p === path ? {} : undefined);
}

function buildRoutes(deps: GatewayHttpDeps): Route[] {
  const orderItem = new RegExp(`^${ORDERS_PATH}/([^/]+)$`);
  return [
    {
      name: ORDERS_PATH,
      match: exact(ORDERS_PATH),
      methods: { post: (req, ctx) => postOrder(deps, req, ctx.requestId) },
      protected: true,
    },
    {
      name: `${ORDERS_PATH}/:id`,
      match: (p) => {
        const m = orderItem.exec(p);
        return m ? { id: m[1] ?? "" } : undefined;
      },
      methods: { get: (_req, ctx) => getOrder(deps, ctx.params.id ?? "") },
      protected: true,
    },
    {
      name: "/health",
      match: exact("/health"),
      methods: { get: async () => json(200, { status: "ok" }) },
      protected: false,
    },
    { name: "/ready", match: exact("/ready"), methods: { get: () => ready(deps) }, protected: false },
    {
      name: "/metrics",
      match: exact("/metrics"),
      methods: {
        get: async () =>
          new Response(await deps.metrics.metrics(), {
            headers: { "content-type": deps.metrics.contentType },
          }),
      },
      protected: false,
    },
  ];
}

async function ready(deps: GatewayHttpDeps): Promise<Response> {
  if (deps.isShuttingDown()) return json(503, { status: "shutting_down", components: {} });
  const report = await deps.readiness.check();
  return json(report.ready ? 200 : 503, {
    status: report.ready ? "ready" : "not_ready",
    components: report.components,
  });
}

function normalisedPath(req: Request): string {
  const path = new URL(req.url).pathname;
  return path.length > 1 ? path.replace(/\/+$/, "") : path;
}

interface Resolved {
  readonly route: Route;
  readonly params: Record<string, string>;
}

function resolve(routes: readonly Route[], path: string): Resolved | undefined {
  for (const route of routes) {
    const params = route.match(path);
    if (params) return { route, params };
  }
  return undefined;
}

async function serve(
  found: Resolved | undefined,
  deps: GatewayHttpDeps,
  req: Request,
  requestId: string,
): Promise<Response> {
  if (!found) {
    const path = normalisedPath(req);
    throw new HttpError(404, "NOT_FOUND", `no route for ${path}`, { path });
  }
  const { route, params } = found;
  if (route.protected) checkApiKey(req, deps.apiKey);
  const handler = route.methods[req.method.toLowerCase()];
  if (!handler) {
    const allow = Object.keys(route.methods)
      .map((m) => m.toUpperCase())
      .join(", ");
    throw new HttpError(
      405,
      "METHOD_NOT_ALLOWED",
      `${req.method} is not allowed on ${route.name}`,
      { allow },
      { allow },
    );
  }
  return handler(req, { requestId, params });
}

/** The failure as a response: refusals as they are, infrastructure trouble as 503, the rest as 500. */
function failureResponse(err: unknown, log: Logger, req: Request, requestId: string): Response {
  if (err instanceof HttpError) return errorResponse(err);
  if (isRetryable(err)) {
    log.warn("request failed: dependency unavailable", {
      requestId,
      path: new URL(req.url).pathname,
      error: errorMessage(err),
    });
    return errorResponse(
      new HttpError(
        503,
        "SERVICE_UNAVAILABLE",
        "a dependency is unavailable; retry shortly",
        { request_id: requestId },
        {
          "retry-after": "1",
        },
      ),
    );
  }
  log.error("request failed unexpectedly", {
    requestId,
    method: req.method,
    path: new URL(req.url).pathname,
    code: errorCode(err),
    error: errorMessage(err),
  });
  if (!(err instanceof SagaError) && err instanceof Error)
    log.debug("stack", { requestId, stack: err.stack });
  return errorResponse(new HttpError(500, "INTERNAL", "internal error", { request_id: requestId }));
}

/** The request handler. Never throws: every failure becomes a JSON error response. */
export function createGatewayHandler(deps: GatewayHttpDeps): (req: Request) => Promise<Response> {
  const routes = buildRoutes(deps);
  return async (req) => {
    const started = performance.now();
    const requestId = requestIdOf(req);
    const found = resolve(routes, normalisedPath(req));
    let res: Response;
    try {
      res = await serve(found, deps, req, requestId);
    } catch (err) {
      res = failureResponse(err, deps.log, req, requestId);
    }
    res.headers.set("x-request-id", requestId);
    const method = KNOWN_METHODS.has(req.method) ? req.method : "OTHER";
    deps.metrics.observeRequest(
      method,
      found?.route.name ?? "unmatched",
      res.status,
      (performance.now() - started) / 1000,
    );
    return res;
  };
}
