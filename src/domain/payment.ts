/**
 * The mock payment processor's decision, pure: deterministic declines for seeded declining
 * methods and over-limit amounts, plus a configurable random failure rate.
 */
import type { PAYMENT_FAILURE_REASONS } from "../contracts/events.ts";

export interface PaymentMethod {
  readonly id: string;
  readonly behavior: "authorize" | "decline";
  readonly limitCents: number;
}

export type PaymentDecision =
  | { readonly ok: true }
  | { readonly ok: false; readonly reason: (typeof PAYMENT_FAILURE_REASONS)[number] };

export function decidePayment(
  method: PaymentMethod | undefined,
  amountCents: number,
  failureRate: number,
  random: () => number = Math.random,
): PaymentDecision {
  if (!method) return { ok: false, reason: "unknown_payment_method" };
  if (method.behavior === "decline") return { ok: false, reason: "declined" };
  if (amountCents > method.limitCents) return { ok: false, reason: "limit_exceeded" };
  if (failureRate > 0 && random() < failureRate) return { ok: false, reason: "processor_declined" };
  return { ok: true };
}
