-- One schema per bounded context. A service reads and writes only its own schema;
-- `saga-cli check` and the dashboard read across them as auditors.
-- Every service schema gets the same two reliability tables:
--   outbox: events written in the same transaction as the state change; a relay publishes them.
--   inbox:  (consumer, event id) of every event handled, written in the handler's transaction,
--           so a redelivered event is recognised and changes nothing.

CREATE OR REPLACE FUNCTION saga_meta.notify_outbox() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  -- Delivered at commit; one notification per statement is enough to wake the relay.
  PERFORM pg_notify(TG_TABLE_SCHEMA || '_outbox', '');
  RETURN NULL;
END $$;

DO $$
DECLARE s text;
BEGIN
  FOREACH s IN ARRAY ARRAY['gateway', 'inventory', 'payment', 'restaurant'] LOOP
    EXECUTE format('CREATE SCHEMA IF NOT EXISTS %I', s);
    EXECUTE format($f$
      CREATE TABLE %I.outbox (
        id           bigserial PRIMARY KEY,
        event_id     uuid NOT NULL UNIQUE,
        event_type   text NOT NULL,
        topic        text NOT NULL,
        message_key  text NOT NULL,
        envelope     jsonb NOT NULL,
        headers      jsonb NOT NULL DEFAULT '{}'::jsonb,
        -- clock_timestamp(), not now(): lag is measured from the insert, not the start of its transaction.
        created_at   timestamptz NOT NULL DEFAULT clock_timestamp(),
        published_at timestamptz
      )$f$, s);
    EXECUTE format('CREATE INDEX ON %I.outbox (id) WHERE published_at IS NULL', s);
    EXECUTE format('CREATE INDEX ON %I.outbox (published_at) WHERE published_at IS NOT NULL', s);
    EXECUTE format($f$
      CREATE TRIGGER outbox_notify AFTER INSERT ON %I.outbox
      FOR EACH STATEMENT EXECUTE FUNCTION saga_meta.notify_outbox()$f$, s);
    EXECUTE format($f$
      CREATE TABLE %I.inbox (
        consumer     text NOT NULL,
        event_id     uuid NOT NULL,
        event_type   text NOT NULL,
        topic        text NOT NULL,
        kafka_partition int NOT NULL,
        kafka_offset bigint NOT NULL,
        processed_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (consumer, event_id)
      )$f$, s);
  END LOOP;
END $$;

-- gateway: orders and what the gateway knows of restaurants (to refuse unknown ones).
CREATE TABLE gateway.restaurants (
  id   text PRIMARY KEY,
  name text NOT NULL
);

CREATE TABLE gateway.orders (
  id               uuid PRIMARY KEY,
  customer_id      text NOT NULL,
  restaurant_id    text NOT NULL REFERENCES gateway.restaurants (id),
  pm_id            text NOT NULL,
  amount_cents     bigint NOT NULL CHECK (amount_cents >= 0),
  currency         text NOT NULL,
  delivery_address text NOT NULL,
  status           text NOT NULL CHECK (status IN ('PENDING','RESERVED','AUTHORIZED','ACCEPTED','COMPLETED','CANCELED')),
  cancel_reason    text,
  cancel_detail    text,
  eta_minutes      numeric(12, 4),
  correlation_id   uuid NOT NULL,
  placed_at        timestamptz NOT NULL DEFAULT now(),
  reserved_at      timestamptz,
  authorized_at    timestamptz,
  accepted_at      timestamptz,
  decided_at       timestamptz,
  completed_at     timestamptz,
  canceled_at      timestamptz,
  items_released_at timestamptz,
  payment_voided_at timestamptz,
  updated_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ON gateway.orders (status);
CREATE INDEX ON gateway.orders (placed_at);

CREATE TABLE gateway.order_items (
  order_id uuid NOT NULL REFERENCES gateway.orders (id) ON DELETE CASCADE,
  sku      text NOT NULL,
  quantity int NOT NULL CHECK (quantity > 0),
  PRIMARY KEY (order_id, sku)
);

-- A retried POST with the same Idempotency-Key returns the first response.
CREATE TABLE gateway.idempotency_keys (
  key          text PRIMARY KEY,
  request_hash text NOT NULL,
  order_id     uuid NOT NULL,
  status_code  int NOT NULL,
  response     jsonb NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now()
);

-- inventory: stock per restaurant and SKU, reservations per order.
CREATE TABLE inventory.stock (
  restaurant_id text NOT NULL,
  sku           text NOT NULL,
  initial       int NOT NULL CHECK (initial >= 0),
  available     int NOT NULL CHECK (available >= 0),
  PRIMARY KEY (restaurant_id, sku)
);

CREATE TABLE inventory.reservations (
  order_id      uuid PRIMARY KEY,
  restaurant_id text NOT NULL,
  status        text NOT NULL CHECK (status IN ('RESERVED','RELEASED','FAILED')),
  reason        text,
  created_at    timestamptz NOT NULL DEFAULT now(),
  released_at   timestamptz
);

CREATE TABLE inventory.reserved_items (
  order_id uuid NOT NULL REFERENCES inventory.reservations (order_id) ON DELETE CASCADE,
  sku      text NOT NULL,
  quantity int NOT NULL CHECK (quantity > 0),
  PRIMARY KEY (order_id, sku)
);

-- payment: methods (cached in Redis) and at most one payment per order.
CREATE TABLE payment.methods (
  id          text PRIMARY KEY,
  customer_id text,
  brand       text NOT NULL,
  last4       text NOT NULL,
  behavior    text NOT NULL CHECK (behavior IN ('authorize','decline')),
  limit_cents bigint NOT NULL CHECK (limit_cents >= 0)
);

CREATE TABLE payment.payments (
  order_id       uuid PRIMARY KEY,
  payment_id     uuid NOT NULL UNIQUE,
  pm_id          text NOT NULL,
  amount_cents   bigint NOT NULL,
  currency       text NOT NULL,
  status         text NOT NULL CHECK (status IN ('AUTHORIZED','FAILED','VOIDED')),
  failure_reason text,
  authorized_at  timestamptz,
  voided_at      timestamptz,
  created_at     timestamptz NOT NULL DEFAULT now()
);

-- restaurant: capacity and load, menu prep times, tickets with a durable ready_at.
CREATE TABLE restaurant.restaurants (
  id              text PRIMARY KEY,
  name            text NOT NULL,
  capacity        numeric(12, 4) NOT NULL CHECK (capacity > 0),
  parallelization int NOT NULL CHECK (parallelization > 0),
  current_load    numeric(12, 4) NOT NULL DEFAULT 0 CHECK (current_load >= 0),
  CHECK (current_load <= capacity)
);

CREATE TABLE restaurant.menu_items (
  restaurant_id text NOT NULL REFERENCES restaurant.restaurants (id),
  sku           text NOT NULL,
  prep_minutes  numeric(12, 4) NOT NULL CHECK (prep_minutes > 0),
  PRIMARY KEY (restaurant_id, sku)
);

CREATE TABLE restaurant.tickets (
  order_id      uuid PRIMARY KEY,
  ticket_id     uuid NOT NULL UNIQUE,
  restaurant_id text NOT NULL REFERENCES restaurant.restaurants (id),
  load          numeric(12, 4) NOT NULL,
  eta_minutes   numeric(12, 4) NOT NULL,
  status        text NOT NULL CHECK (status IN ('PREPARING','READY','REJECTED')),
  reason        text,
  correlation_id uuid NOT NULL,
  accepted_event_id uuid,
  traceparent   text,
  accepted_at   timestamptz NOT NULL DEFAULT now(),
  ready_at      timestamptz,
  readied_at    timestamptz
);
CREATE INDEX ON restaurant.tickets (ready_at) WHERE status = 'PREPARING';

-- operator state: which dead-lettered entries were replayed, and when.
CREATE TABLE saga_meta.dlq_replays (
  dlq_id      uuid PRIMARY KEY,
  replayed_at timestamptz NOT NULL DEFAULT now(),
  target_topic text NOT NULL
);
