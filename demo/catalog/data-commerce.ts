/**
 * Money and stock history: payment methods, credits, invoices, payments, refunds, disputes, and the
 * inventory side (items, stock levels, movements, purchase orders).
 */
import type { Rng } from './prng';
import { PRODUCT_LINES, PRODUCT_VARIANTS, SUPPLIERS, WAREHOUSES } from './fixtures';
import { DAY_MS, iso, nextId, stockKey } from './store';
import type { DemoStore, Invoice, InvoiceStatus, LineItem, MovementReason, Payment, PaymentMethod, User } from './model';

export function generateCommerce(store: DemoStore, rng: Rng, nowMs: number): void {
  generatePaymentMethods(store, rng, nowMs);
  generateCredits(store, rng, nowMs);
  generateInvoicesAndPayments(store, rng, nowMs);
  generateRefundsAndDisputes(store, rng, nowMs);
  generateInventory(store, rng, nowMs);
}

function payingUsers(store: DemoStore): User[] {
  return [...store.users.values()].filter((u) => u.plan !== 'free');
}

function generatePaymentMethods(store: DemoStore, rng: Rng, nowMs: number): void {
  for (const user of payingUsers(store)) {
    const count = rng.chance(0.2) ? 2 : 1;
    for (let i = 0; i < count; i++) {
      const type = rng.weighted<PaymentMethod['type']>([['card', 80], ['bank_transfer', 12], ['paypal', 8]]);
      const id = nextId(store, 'pm_', 4);
      store.paymentMethods.set(id, {
        id,
        userId: user.id,
        type,
        brand: type === 'card' ? rng.pick(['visa', 'mastercard', 'amex']) : null,
        last4: type === 'paypal' ? null : String(rng.int(0, 9999)).padStart(4, '0'),
        expMonth: type === 'card' ? rng.int(1, 12) : null,
        expYear: type === 'card' ? new Date(nowMs).getUTCFullYear() + rng.int(0, 5) : null,
        isDefault: i === 0,
      });
    }
  }
}


function generateCredits(store: DemoStore, rng: Rng, nowMs: number): void {
  const users = payingUsers(store);
  for (let i = 0; i < 60; i++) {
    const user = rng.pick(users);
    const sub = [...store.subscriptions.values()].find((s) => s.userId === user.id);
    const id = nextId(store, 'cr_', 4);
    store.credits.set(id, {
      id,
      userId: user.id,
      amountCents: rng.pick([500, 1000, 2500, 5000, 10000]),
      currency: sub?.currency ?? 'USD',
      reason: rng.pick(['Service credit for outage', 'Goodwill gesture', 'Referral bonus', 'Migration assistance']),
      createdAt: iso(nowMs - rng.int(1, 300) * DAY_MS),
    });
  }
}

interface InvoiceSpec {
  user: User;
  issuedMs: number;
  dueMs: number;
  lineItems: LineItem[];
  status: InvoiceStatus;
  currency: Invoice['currency'];
}

function generateInvoicesAndPayments(store: DemoStore, rng: Rng, nowMs: number): void {
  const specs: InvoiceSpec[] = [];
  const subsByUser = new Map([...store.subscriptions.values()].map((s) => [s.userId, s]));
  for (const user of payingUsers(store)) {
    const sub = subsByUser.get(user.id);
    if (!sub) continue;
    const plan = store.plans.get(user.plan);
    if (!plan) continue;
    const ageMonths = Math.floor((nowMs - Date.parse(user.createdAt)) / (30 * DAY_MS));
    const step = sub.interval === 'year' ? 12 : 1;
    const count = Math.min(Math.floor(ageMonths / step) + 1, step === 12 ? 2 : rng.int(3, 13));
    const anchorDay = rng.int(0, 27);
    for (let k = 0; k < count; k++) {
      // At least an hour old, so everything that follows an invoice still fits before now.
      const issuedMs = nowMs - (k * step * 30 + anchorDay) * DAY_MS - rng.int(3_600, 86_399) * 1000;
      const dueMs = issuedMs + (user.plan === 'enterprise' ? 30 : 14) * DAY_MS;
      const unit = sub.interval === 'year' ? plan.yearlyPriceCents : plan.monthlyPriceCents;
      const lineItems: LineItem[] = [{
        description: `${plan.name} plan, ${sub.seats} seat${sub.seats === 1 ? '' : 's'} (${sub.interval === 'year' ? 'yearly' : 'monthly'})`,
        quantity: sub.seats, unitAmountCents: unit, amountCents: unit * sub.seats,
      }];
      if (rng.chance(0.3)) {
        const quantity = rng.int(1, 40);
        lineItems.push({ description: 'API overage (per 10k calls)', quantity, unitAmountCents: 200, amountCents: quantity * 200 });
      }
      let status: InvoiceStatus;
      if (dueMs > nowMs) status = k === 0 && rng.chance(0.1) ? 'draft' : rng.chance(0.25) ? 'paid' : 'open';
      else if (sub.status === 'past_due' && k === 0) status = 'overdue';
      else status = rng.weighted<InvoiceStatus>([['paid', 90], ['overdue', 5], ['void', 5]]);
      specs.push({ user, issuedMs, dueMs, lineItems, status, currency: sub.currency });
    }
  }
  // Ids and numbers follow issue order, as they would in a real billing system.
  specs.sort((a, b) => a.issuedMs - b.issuedMs);
  const payments: Array<Omit<Payment, 'id'>> = [];
  const methodByUser = new Map<string, PaymentMethod['type']>();
  for (const pm of store.paymentMethods.values()) if (pm.isDefault) methodByUser.set(pm.userId, pm.type);
  for (const spec of specs) {
    const id = nextId(store, 'inv_', 5);
    const amountCents = spec.lineItems.reduce((sum, li) => sum + li.amountCents, 0);
    const paidMs = spec.status === 'paid' ? Math.min(nowMs - 3_600_000, spec.issuedMs + rng.int(0, 12) * DAY_MS) : null;
    store.invoices.set(id, {
      id,
      number: `INV-${new Date(spec.issuedMs).getUTCFullYear()}-${id.slice(4)}`,
      userId: spec.user.id,
      status: spec.status,
      currency: spec.currency,
      amountCents,
      lineItems: spec.lineItems,
      issuedAt: iso(spec.issuedMs),
      dueAt: iso(spec.dueMs),
      paidAt: paidMs === null ? null : iso(paidMs),
      voidedAt: spec.status === 'void' ? iso(spec.issuedMs + rng.int(1, 10) * DAY_MS) : null,
    });
    const method = methodByUser.get(spec.user.id) ?? 'card';
    const base = { userId: spec.user.id, invoiceId: id, amountCents, amountRefundedCents: 0, currency: spec.currency, method };
    if (paidMs !== null) {
      if (rng.chance(0.05)) {
        payments.push({ ...base, status: 'failed', failureReason: 'card_declined', createdAt: iso(paidMs - DAY_MS) });
      }
      payments.push({ ...base, status: 'succeeded', failureReason: null, createdAt: iso(paidMs) });
    } else if (spec.status === 'overdue') {
      const reason = rng.pick(['card_declined', 'insufficient_funds', 'expired_card']);
      payments.push({ ...base, status: 'failed', failureReason: reason, createdAt: iso(Math.min(nowMs - 60_000, spec.dueMs + DAY_MS)) });
    } else if (spec.status === 'open' && method === 'bank_transfer') {
      payments.push({ ...base, status: 'pending', failureReason: null, createdAt: iso(Math.min(nowMs - 60_000, spec.issuedMs + DAY_MS)) });
    }
  }
  // A few one-off authorisations (setup fees, add-ons) waiting to be captured.
  const users = payingUsers(store);
  for (let i = 0; i < 15; i++) {
    const user = rng.pick(users);
    payments.push({
      userId: user.id, invoiceId: null, amountCents: rng.pick([4900, 9900, 19900, 49900]), amountRefundedCents: 0,
      currency: subsByUser.get(user.id)?.currency ?? 'USD', status: 'authorized', method: 'card', failureReason: null,
      createdAt: iso(nowMs - rng.int(1, 6 * 24) * 3_600_000),
    });
  }
  // Same-format ISO strings sort chronologically as plain strings, which is much cheaper than parsing.
  payments.sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : 0));
  for (const payment of payments) {
    const id = nextId(store, 'pay_', 5);
    store.payments.set(id, { id, ...payment });
  }
}

function generateRefundsAndDisputes(store: DemoStore, rng: Rng, nowMs: number): void {
  const succeeded = [...store.payments.values()].filter((p) => p.status === 'succeeded');
  for (const payment of rng.sample(succeeded, 90)) {
    const full = rng.chance(0.6);
    const amountCents = full ? payment.amountCents : Math.max(100, Math.round(payment.amountCents * rng.int(10, 60) / 100));
    const createdMs = Math.min(nowMs - 60_000, Date.parse(payment.createdAt) + rng.int(1, 20) * DAY_MS);
    payment.amountRefundedCents = amountCents;
    payment.status = full ? 'refunded' : 'partially_refunded';
    const id = nextId(store, 're_', 4);
    store.refunds.set(id, {
      id, paymentId: payment.id, userId: payment.userId, amountCents, currency: payment.currency,
      reason: rng.weighted([['requested_by_customer', 70], ['duplicate', 15], ['fraudulent', 5], ['other', 10]] as const),
      note: rng.chance(0.5) ? rng.pick(['Customer downgraded mid-cycle', 'Double charge after retry', 'Outage compensation']) : null,
      createdAt: iso(createdMs),
    });
  }
  const recent = succeeded.filter((p) => p.status === 'succeeded' && Date.parse(p.createdAt) > nowMs - 90 * DAY_MS);
  for (const [index, payment] of rng.sample(recent, 20).entries()) {
    const paidMs = Date.parse(payment.createdAt);
    const createdMs = Math.max(paidMs, Math.min(nowMs - 60_000, paidMs + rng.int(2, 30) * DAY_MS));
    // A few always await a response so the respond-to-dispute workflow has something to act on.
    const status = createdMs > nowMs - 14 * DAY_MS || index < 3 ? 'needs_response' : rng.pick(['under_review', 'won', 'lost'] as const);
    const id = nextId(store, 'dp_', 4);
    store.disputes.set(id, {
      id, paymentId: payment.id, userId: payment.userId, amountCents: payment.amountCents, currency: payment.currency,
      reason: rng.pick(['fraudulent', 'product_not_received', 'duplicate', 'subscription_canceled'] as const),
      status,
      evidence: status === 'needs_response' ? null : 'Usage logs and signed order form attached.',
      dueBy: iso(createdMs + 21 * DAY_MS),
      createdAt: iso(createdMs),
    });
  }
}

function generateInventory(store: DemoStore, rng: Rng, nowMs: number): void {
  for (const wh of WAREHOUSES) store.warehouses.set(wh.id, { ...wh });
  for (const sup of SUPPLIERS) store.suppliers.set(sup.id, { ...sup });
  const names = new Set<string>();
  while (store.items.size < 150) {
    const [category, nouns, low, high] = rng.pick(PRODUCT_LINES);
    const name = `${rng.pick(nouns)} - ${rng.pick(PRODUCT_VARIANTS)}`;
    if (names.has(name)) continue;
    names.add(name);
    const id = nextId(store, 'itm_', 4);
    const price = Math.round(rng.int(low, high) / 100) * 100 - 1;
    store.items.set(id, {
      id, sku: `SKU-${10000 + store.items.size + 1}`, name, category,
      unitPriceCents: price,
      unitCostCents: Math.round(price * rng.int(35, 70) / 100),
      reorderPoint: rng.int(10, 80),
      reorderQuantity: rng.int(50, 400),
      supplierId: rng.pick(SUPPLIERS).id,
      active: rng.chance(0.95),
      createdAt: iso(nowMs - rng.int(60, 900) * DAY_MS),
    });
  }
  const warehouseIds = WAREHOUSES.map((w) => w.id);
  for (const item of store.items.values()) {
    // Lowness is decided per item because reorder points apply to the total across warehouses.
    const low = rng.chance(0.12);
    const locations = rng.sample(warehouseIds, rng.int(2, 4));
    for (const warehouseId of locations) {
      const onHand = low ? rng.int(0, Math.floor(item.reorderPoint / locations.length)) : rng.int(item.reorderPoint + 5, item.reorderPoint * 8 + 50);
      store.stock.set(stockKey(item.id, warehouseId), {
        itemId: item.id, warehouseId, onHand, reserved: Math.min(onHand, rng.chance(0.3) ? rng.int(1, 20) : 0),
      });
    }
  }
  const levels = [...store.stock.values()];
  const history: Array<{ ms: number; itemId: string; warehouseId: string; delta: number; reason: MovementReason }> = [];
  for (let i = 0; i < 400; i++) {
    const level = rng.pick(levels);
    const reason = rng.weighted<MovementReason>([['sale', 60], ['receipt', 20], ['adjustment', 8], ['damage', 4], ['return', 8]]);
    const size = rng.int(1, reason === 'receipt' ? 300 : 12);
    const delta = reason === 'sale' || reason === 'damage' ? -size : reason === 'adjustment' && rng.chance(0.5) ? -size : size;
    history.push({ ms: nowMs - rng.next() * 60 * DAY_MS, itemId: level.itemId, warehouseId: level.warehouseId, delta, reason });
  }
  history.sort((a, b) => a.ms - b.ms);
  for (const h of history) {
    const id = nextId(store, 'mv_', 5);
    store.movements.set(id, { id, itemId: h.itemId, warehouseId: h.warehouseId, delta: h.delta, reason: h.reason, note: null, createdAt: iso(h.ms) });
  }
  const items = [...store.items.values()];
  for (let i = 0; i < 25; i++) {
    const supplier = rng.pick(SUPPLIERS);
    const supplied = items.filter((it) => it.supplierId === supplier.id);
    const lines = rng.sample(supplied.length > 0 ? supplied : items, rng.int(1, 4)).map((it) => ({
      itemId: it.id, quantity: it.reorderQuantity, unitCostCents: it.unitCostCents,
    }));
    const createdMs = nowMs - rng.int(1, 75) * DAY_MS;
    const expectedMs = createdMs + supplier.leadTimeDays * DAY_MS;
    const status = expectedMs < nowMs ? rng.weighted([['received', 85], ['canceled', 15]] as const) : 'ordered';
    const id = nextId(store, 'po_', 4);
    store.purchaseOrders.set(id, {
      id, supplierId: supplier.id, warehouseId: rng.pick(warehouseIds), status, lines,
      totalCents: lines.reduce((sum, l) => sum + l.quantity * l.unitCostCents, 0),
      createdAt: iso(createdMs), expectedAt: iso(expectedMs),
      receivedAt: status === 'received' ? iso(Math.min(nowMs - 3_600_000, expectedMs + rng.int(-2, 3) * DAY_MS)) : null,
    });
  }
}
