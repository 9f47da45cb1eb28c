/** Every panel's view of one snapshot, sized by the layout. Pure: the App and the tests share it. */
import type { Snapshot } from "../snapshot/types.ts";
import { funnelView, latencyView, outboxView, restaurantsView } from "./db-views.ts";
import { dlqView, lagView } from "./kafka-views.ts";
import type { Layout, PanelId } from "./layout.ts";
import type { PanelView } from "./panel-view.ts";

export function buildPanels(s: Snapshot, layout: Layout): Record<PanelId, PanelView> {
  const w = (id: PanelId) => layout.panels[id].width;
  return {
    funnel: funnelView(s.funnel, w("funnel")),
    latency: latencyView(s.latency, w("latency")),
    outbox: outboxView(s.outbox, w("outbox")),
    restaurants: restaurantsView(s.restaurants, w("restaurants")),
    lag: lagView(s.consumerLag, s.roles, s.topicPrefix, w("lag")),
    dlq: dlqView(s.dlq, s.topicPrefix, w("dlq")),
  };
}
