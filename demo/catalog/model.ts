/**
 * Entity shapes of the demo store. Everything is plain JSON data (ISO strings for instants) so a handler
 * can hand out a structured clone without any conversion.
 */
export type Plan = 'free' | 'pro' | 'enterprise';
export type UserStatus = 'active' | 'suspended' | 'deleted';
export type Role = 'admin' | 'member' | 'viewer' | 'billing' | 'support';
export type Currency = 'USD' | 'EUR' | 'GBP';

export interface User {
  id: string;
  firstName: string;
  lastName: string;
  email: string;
  phone: string;
  country: string;
  plan: Plan;
  status: UserStatus;
  role: Role;
  teamId: string;
  createdAt: string;
  lastLogin: string;
}

export interface Team {
  id: string;
  name: string;
  createdAt: string;
}

export type SubscriptionStatus = 'trialing' | 'active' | 'past_due' | 'canceled';
export interface Subscription {
  id: string;
  userId: string;
  plan: Plan;
  status: SubscriptionStatus;
  interval: 'month' | 'year';
  seats: number;
  amountCents: number;
  currency: Currency;
  currentPeriodStart: string;
  currentPeriodEnd: string;
  cancelAtPeriodEnd: boolean;
  canceledAt: string | null;
  trialEndsAt: string | null;
  couponCode: string | null;
  createdAt: string;
}

export interface PlanDefinition {
  id: Plan;
  name: string;
  monthlyPriceCents: number;
  yearlyPriceCents: number;
  seatsIncluded: number;
  apiCallsPerMonth: number;
  storageGb: number;
  features: string[];
}

export interface Usage {
  userId: string;
  apiCalls: number;
  storageGb: number;
  seatsUsed: number;
}

export interface Coupon {
  code: string;
  description: string;
  percentOff: number;
  durationMonths: number;
  active: boolean;
  timesRedeemed: number;
  maxRedemptions: number | null;
  expiresAt: string | null;
}

export interface Credit {
  id: string;
  userId: string;
  amountCents: number;
  currency: Currency;
  reason: string;
  createdAt: string;
}

export interface PaymentMethod {
  id: string;
  userId: string;
  type: 'card' | 'bank_transfer' | 'paypal';
  brand: string | null;
  last4: string | null;
  expMonth: number | null;
  expYear: number | null;
  isDefault: boolean;
}

export type InvoiceStatus = 'draft' | 'open' | 'paid' | 'void' | 'overdue';
export interface LineItem {
  description: string;
  quantity: number;
  unitAmountCents: number;
  amountCents: number;
}
export interface Invoice {
  id: string;
  number: string;
  userId: string;
  status: InvoiceStatus;
  currency: Currency;
  amountCents: number;
  lineItems: LineItem[];
  issuedAt: string;
  dueAt: string;
  paidAt: string | null;
  voidedAt: string | null;
}

export type PaymentStatus =
  | 'succeeded'
  | 'failed'
  | 'pending'
  | 'authorized'
  | 'canceled'
  | 'refunded'
  | 'partially_refunded';
export interface Payment {
  id: string;
  userId: string;
  invoiceId: string | null;
  amountCents: number;
  amountRefundedCents: number;
  currency: Currency;
  status: PaymentStatus;
  method: 'card' | 'bank_transfer' | 'paypal';
  failureReason: string | null;
  createdAt: string;
}

export type RefundReason = 'requested_by_customer' | 'duplicate' | 'fraudulent' | 'other';
export interface Refund {
  id: string;
  paymentId: string;
  userId: string;
  amountCents: number;
  currency: Currency;
  reason: RefundReason;
  note: string | null;
  createdAt: string;
}

export type DisputeStatus = 'needs_response' | 'under_review' | 'won' | 'lost';
export interface Dispute {
  id: string;
  paymentId: string;
  userId: string;
  amountCents: number;
  currency: Currency;
  reason: 'fraudulent' | 'product_not_received' | 'duplicate' | 'subscription_canceled';
  status: DisputeStatus;
  evidence: string | null;
  dueBy: string;
  createdAt: string;
}

export type TicketStatus = 'open' | 'pending' | 'on_hold' | 'solved' | 'closed';
export type TicketPriority = 'low' | 'normal' | 'high' | 'urgent';
export type TicketCategory = 'billing' | 'bug' | 'account' | 'feature_request' | 'how_to' | 'outage';
export interface Ticket {
  id: string;
  subject: string;
  description: string;
  requesterId: string;
  assigneeId: string | null;
  status: TicketStatus;
  priority: TicketPriority;
  category: TicketCategory;
  channel: 'email' | 'chat' | 'web' | 'phone';
  tags: string[];
  createdAt: string;
  updatedAt: string;
  firstResponseAt: string | null;
  resolvedAt: string | null;
  mergedInto: string | null;
}

export interface TicketComment {
  id: string;
  ticketId: string;
  authorId: string;
  body: string;
  internal: boolean;
  createdAt: string;
}

export type ProjectStatus = 'planning' | 'active' | 'on_hold' | 'completed' | 'archived';
export interface Project {
  id: string;
  name: string;
  description: string;
  status: ProjectStatus;
  ownerId: string;
  teamId: string;
  createdAt: string;
  dueAt: string | null;
}

export type TaskStatus = 'todo' | 'in_progress' | 'in_review' | 'done';
export type TaskPriority = 'low' | 'medium' | 'high' | 'urgent';
export interface Task {
  id: string;
  projectId: string;
  title: string;
  status: TaskStatus;
  priority: TaskPriority;
  assigneeId: string | null;
  estimateHours: number | null;
  createdAt: string;
  dueAt: string | null;
  completedAt: string | null;
}

export interface Warehouse {
  id: string;
  name: string;
  city: string;
  country: string;
  capacityUnits: number;
}

export interface Supplier {
  id: string;
  name: string;
  email: string;
  country: string;
  leadTimeDays: number;
}

export interface Item {
  id: string;
  sku: string;
  name: string;
  category: string;
  unitPriceCents: number;
  unitCostCents: number;
  reorderPoint: number;
  reorderQuantity: number;
  supplierId: string;
  active: boolean;
  createdAt: string;
}

export interface StockLevel {
  itemId: string;
  warehouseId: string;
  onHand: number;
  reserved: number;
}

export type MovementReason =
  | 'receipt'
  | 'sale'
  | 'adjustment'
  | 'transfer_in'
  | 'transfer_out'
  | 'damage'
  | 'return'
  | 'reservation'
  | 'release';
export interface StockMovement {
  id: string;
  itemId: string;
  warehouseId: string;
  delta: number;
  reason: MovementReason;
  note: string | null;
  createdAt: string;
}

export interface PurchaseOrderLine {
  itemId: string;
  quantity: number;
  unitCostCents: number;
}
export interface PurchaseOrder {
  id: string;
  supplierId: string;
  warehouseId: string;
  status: 'ordered' | 'received' | 'canceled';
  lines: PurchaseOrderLine[];
  totalCents: number;
  createdAt: string;
  expectedAt: string;
  receivedAt: string | null;
}

export interface DailyMetrics {
  date: string;
  activeUsers: number;
  newSignups: number;
  sessions: number;
  pageViews: number;
  apiCalls: number;
  errors: number;
  avgSessionSeconds: number;
  churnedUsers: number;
}

export type Channel = 'email' | 'sms' | 'webhook' | 'slack' | 'push';
export interface SentNotification {
  id: string;
  channel: Channel;
  to: string;
  subject: string | null;
  body: string;
  payload: Record<string, unknown> | null;
  status: 'sent' | 'delivered' | 'bounced' | 'failed';
  triggeredBy: string;
  sentAt: string;
}

export interface NotificationPreferences {
  userId: string;
  email: boolean;
  sms: boolean;
  push: boolean;
  marketing: boolean;
  digest: 'none' | 'daily' | 'weekly';
}

export interface WebhookEndpoint {
  id: string;
  url: string;
  description: string;
  events: string[];
  active: boolean;
  createdAt: string;
}

export interface EmailTemplate {
  id: string;
  name: string;
  subject: string;
  body: string;
  variables: string[];
}

export interface SlackChannel {
  id: string;
  name: string;
  isPrivate: boolean;
  memberCount: number;
}

/** One catalog instance's data. Maps keep insertion order, which is the natural listing order. */
export interface DemoStore {
  readonly now: () => number;
  /** `now()` at construction; generated history is anchored here. */
  readonly createdAtMs: number;
  readonly seq: Map<string, number>;
  readonly users: Map<string, User>;
  readonly teams: Map<string, Team>;
  readonly plans: Map<Plan, PlanDefinition>;
  readonly subscriptions: Map<string, Subscription>;
  readonly usage: Map<string, Usage>;
  readonly coupons: Map<string, Coupon>;
  readonly credits: Map<string, Credit>;
  readonly paymentMethods: Map<string, PaymentMethod>;
  readonly invoices: Map<string, Invoice>;
  readonly payments: Map<string, Payment>;
  readonly refunds: Map<string, Refund>;
  readonly disputes: Map<string, Dispute>;
  readonly tickets: Map<string, Ticket>;
  readonly comments: Map<string, TicketComment>;
  readonly projects: Map<string, Project>;
  readonly tasks: Map<string, Task>;
  readonly warehouses: Map<string, Warehouse>;
  readonly suppliers: Map<string, Supplier>;
  readonly items: Map<string, Item>;
  /** Keyed by `${itemId}/${warehouseId}`. */
  readonly stock: Map<string, StockLevel>;
  readonly movements: Map<string, StockMovement>;
  readonly purchaseOrders: Map<string, PurchaseOrder>;
  readonly metrics: DailyMetrics[];
  readonly sent: Map<string, SentNotification>;
  readonly preferences: Map<string, NotificationPreferences>;
  readonly webhookEndpoints: Map<string, WebhookEndpoint>;
  readonly emailTemplates: Map<string, EmailTemplate>;
  readonly slackChannels: Map<string, SlackChannel>;
}
