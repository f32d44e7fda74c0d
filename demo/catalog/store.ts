/** Enumerations and helpers shared by every area: ids, timestamps, lookups, the notification log. */
import { ToolFailure } from '../../src';
import type {
  Channel, Currency, DemoStore, DisputeStatus, InvoiceStatus, MovementReason, Payment, PaymentStatus, Plan, ProjectStatus, RefundReason, Role, SentNotification, SubscriptionStatus, TaskPriority, TaskStatus, Ticket, TicketCategory, TicketPriority, TicketStatus, UserStatus,
} from './model';

export const PLANS: readonly Plan[] = ['free', 'pro', 'enterprise'];
export const USER_STATUSES: readonly UserStatus[] = ['active', 'suspended', 'deleted'];
export const ROLES: readonly Role[] = ['admin', 'member', 'viewer', 'billing', 'support'];
export const CURRENCIES: readonly Currency[] = ['USD', 'EUR', 'GBP'];
export const SUBSCRIPTION_STATUSES: readonly SubscriptionStatus[] = ['trialing', 'active', 'past_due', 'canceled'];
export const INVOICE_STATUSES: readonly InvoiceStatus[] = ['draft', 'open', 'paid', 'void', 'overdue'];
export const PAYMENT_STATUSES: readonly PaymentStatus[] = [
  'succeeded', 'failed', 'pending', 'authorized', 'canceled', 'refunded', 'partially_refunded',
];
export const PAYMENT_METHOD_TYPES: readonly Payment['method'][] = ['card', 'bank_transfer', 'paypal'];
export const REFUND_REASONS: readonly RefundReason[] = ['requested_by_customer', 'duplicate', 'fraudulent', 'other'];
export const DISPUTE_STATUSES: readonly DisputeStatus[] = ['needs_response', 'under_review', 'won', 'lost'];
export const TICKET_STATUSES: readonly TicketStatus[] = ['open', 'pending', 'on_hold', 'solved', 'closed'];
export const TICKET_PRIORITIES: readonly TicketPriority[] = ['low', 'normal', 'high', 'urgent'];
export const TICKET_CATEGORIES: readonly TicketCategory[] = ['billing', 'bug', 'account', 'feature_request', 'how_to', 'outage'];
export const TICKET_CHANNELS: readonly Ticket['channel'][] = ['email', 'chat', 'web', 'phone'];
export const PROJECT_STATUSES: readonly ProjectStatus[] = ['planning', 'active', 'on_hold', 'completed', 'archived'];
export const TASK_STATUSES: readonly TaskStatus[] = ['todo', 'in_progress', 'in_review', 'done'];
export const TASK_PRIORITIES: readonly TaskPriority[] = ['low', 'medium', 'high', 'urgent'];
export const MOVEMENT_REASONS: readonly MovementReason[] = [
  'receipt', 'sale', 'adjustment', 'transfer_in', 'transfer_out', 'damage', 'return', 'reservation', 'release',
];
export const CHANNELS: readonly Channel[] = ['email', 'sms', 'webhook', 'slack', 'push'];
export const SENT_STATUSES: readonly SentNotification['status'][] = ['sent', 'delivered', 'bounced', 'failed'];

export const DAY_MS = 86_400_000;

/** ISO-8601 with whole seconds: sub-second noise makes outputs harder to compare and read. */
export function iso(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  const day = Math.floor(seconds / 86_400);
  const rest = seconds - day * 86_400;
  return `${dayPrefix(day)}${pad2(Math.floor(rest / 3600))}:${pad2(Math.floor((rest % 3600) / 60))}:${pad2(rest % 60)}.000Z`;
}

// Building a catalog formats tens of thousands of instants; Date#toISOString per call dominated start-up
// time, so the date part is formatted once per day. The cache is a pure function of its key, so sharing
// it across catalog instances shares no state.
const dayPrefixes = new Map<number, string>();
function dayPrefix(day: number): string {
  let prefix = dayPrefixes.get(day);
  if (prefix === undefined) {
    if (dayPrefixes.size > 20_000) dayPrefixes.clear();
    prefix = new Date(day * DAY_MS).toISOString().slice(0, 11);
    dayPrefixes.set(day, prefix);
  }
  return prefix;
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

export function isoDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

export function nowIso(store: DemoStore): string {
  return iso(store.now());
}

/** Next id of a kind, e.g. `nextId(store, 'u_', 4)` -> `u_1001` once 1,000 users exist. */
export function nextId(store: DemoStore, prefix: string, width: number): string {
  const n = (store.seq.get(prefix) ?? 0) + 1;
  store.seq.set(prefix, n);
  return `${prefix}${String(n).padStart(width, '0')}`;
}

/** Looks an entity up or fails the way every `get` tool reports a miss. */
export function mustGet<T>(map: ReadonlyMap<string, T>, id: string, kind: string): T {
  const found = map.get(id);
  if (found === undefined) throw new ToolFailure('NOT_FOUND', `${kind} '${id}' not found`);
  return found;
}

/**
 * Handlers return copies so a caller holding a result can never reach into the store. A JSON round
 * trip (rather than structuredClone) also guarantees the copy is JSON-safe and built from this realm's
 * Object.prototype, which matters when results cross into sandboxes or test VMs.
 */
export function clone<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

export function conflict(message: string): never {
  throw new ToolFailure('CONFLICT', message);
}

export function stockKey(itemId: string, warehouseId: string): string {
  return `${itemId}/${warehouseId}`;
}

export function currencyForCountry(country: string): Currency {
  if (country === 'GB') return 'GBP';
  if (['DE', 'FR', 'NL', 'ES', 'IT', 'IE', 'AT', 'BE', 'FI', 'PT'].includes(country)) return 'EUR';
  return 'USD';
}

/** Records an outgoing message; the demo never talks to the network, the log is the delivery. */
export function recordSent(
  store: DemoStore,
  entry: Omit<SentNotification, 'id' | 'sentAt' | 'status'> & { status?: SentNotification['status'] },
): SentNotification {
  const sent: SentNotification = {
    id: nextId(store, 'ntf_', 6),
    channel: entry.channel,
    to: entry.to,
    subject: entry.subject,
    body: entry.body,
    payload: entry.payload,
    status: entry.status ?? 'sent',
    triggeredBy: entry.triggeredBy,
    sentAt: nowIso(store),
  };
  store.sent.set(sent.id, sent);
  return sent;
}
