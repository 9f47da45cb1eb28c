-- Seed data: the same restaurants, stock and prep times as the Go reference, so the README's
-- example order works. Idempotent: rows that exist are left as they are (stock may have moved).

INSERT INTO gateway.restaurants (id, name) VALUES
  ('resto-1', 'Trattoria Uno'),
  ('resto-2', 'Green Fork'),
  ('resto-3', 'Burger Barn')
ON CONFLICT (id) DO NOTHING;

INSERT INTO restaurant.restaurants (id, name, capacity, parallelization) VALUES
  ('resto-1', 'Trattoria Uno', 50, 2),
  ('resto-2', 'Green Fork', 30, 1),
  ('resto-3', 'Burger Barn', 80, 3)
ON CONFLICT (id) DO NOTHING;

INSERT INTO restaurant.menu_items (restaurant_id, sku, prep_minutes) VALUES
  ('resto-1', 'PIZZA_MARGHERITA', 60),
  ('resto-1', 'PIZZA_PEPPERONI', 72),
  ('resto-1', 'PASTA_CARBONARA', 54),
  ('resto-2', 'PIZZA_MARGHERITA', 65),
  ('resto-2', 'PIZZA_VEGGIE', 70),
  ('resto-2', 'SALAD_GREEK', 24),
  ('resto-3', 'BURGER_CLASSIC', 48),
  ('resto-3', 'BURGER_CHEESE', 51),
  ('resto-3', 'FRIES_REGULAR', 30)
ON CONFLICT (restaurant_id, sku) DO NOTHING;

INSERT INTO inventory.stock (restaurant_id, sku, initial, available) VALUES
  ('resto-1', 'PIZZA_MARGHERITA', 100, 100),
  ('resto-1', 'PIZZA_PEPPERONI', 80, 80),
  ('resto-1', 'PASTA_CARBONARA', 120, 120),
  ('resto-2', 'PIZZA_MARGHERITA', 60, 60),
  ('resto-2', 'PIZZA_VEGGIE', 70, 70),
  ('resto-2', 'SALAD_GREEK', 150, 150),
  ('resto-3', 'BURGER_CLASSIC', 200, 200),
  ('resto-3', 'BURGER_CHEESE', 180, 180),
  ('resto-3', 'FRIES_REGULAR', 300, 300)
ON CONFLICT (restaurant_id, sku) DO NOTHING;

-- pm-111 authorizes (limit $1,000); pm-222 is always declined; pm-333 has a $10 limit.
INSERT INTO payment.methods (id, customer_id, brand, last4, behavior, limit_cents) VALUES
  ('pm-111', 'cust-123', 'visa', '1111', 'authorize', 100000),
  ('pm-222', 'cust-222', 'mastercard', '2222', 'decline', 100000),
  ('pm-333', 'cust-333', 'amex', '3333', 'authorize', 1000)
ON CONFLICT (id) DO NOTHING;
