/** Test data shared by unit and integration tests: plain values, no I/O. */

/** The SEED/README example order, exactly as the Go reference posts it (items as a map). A fresh copy each call. */
export function seedExampleBody(): Record<string, unknown> {
  return {
    customer_id: "cust-123",
    restaurant_id: "resto-3",
    items: {
      BURGER_CLASSIC: { sku: "BURGER_CLASSIC", quantity: 2 },
      FRIES_REGULAR: { sku: "FRIES_REGULAR", quantity: 1 },
    },
    pm_id: "pm-111",
    amount_cents: 2500,
    currency: "USD",
    delivery_address: "Main St 1",
  };
}
