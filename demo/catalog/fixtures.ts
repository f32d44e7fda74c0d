/**
 * Static vocabularies the generator draws from. The first-name list deliberately holds many "Me…"
 * names: the catalog's showcase query (first name starting with "me", logged in within 10 days) must
 * return a healthy handful of users rather than one or two.
 */
import type { Coupon, EmailTemplate, PlanDefinition, SlackChannel, Supplier, Warehouse } from './model';

export const FIRST_NAMES: readonly string[] = [
  'Melissa', 'Megan', 'Melvin', 'Meredith', 'Mei', 'Mehmet', 'Melanie', 'Merle', 'Mercedes', 'Mette',
  'James', 'Mary', 'Robert', 'Patricia', 'John', 'Jennifer', 'Michael', 'Linda', 'David', 'Elizabeth',
  'William', 'Barbara', 'Richard', 'Susan', 'Joseph', 'Jessica', 'Thomas', 'Sarah', 'Charles', 'Karen',
  'Christopher', 'Lisa', 'Daniel', 'Nancy', 'Matthew', 'Betty', 'Anthony', 'Sandra', 'Mark', 'Margaret',
  'Donald', 'Ashley', 'Steven', 'Kimberly', 'Andrew', 'Emily', 'Paul', 'Donna', 'Joshua', 'Michelle',
  'Kenneth', 'Carol', 'Kevin', 'Amanda', 'Brian', 'Dorothy', 'Timothy', 'Rebecca', 'Ronald', 'Stephanie',
  'Jason', 'Laura', 'George', 'Helen', 'Edward', 'Sharon', 'Jeffrey', 'Cynthia', 'Ryan', 'Kathleen',
  'Jacob', 'Amy', 'Nicholas', 'Angela', 'Gary', 'Anna', 'Eric', 'Ruth', 'Jonathan', 'Brenda', 'Stephen',
  'Pamela', 'Larry', 'Nicole', 'Justin', 'Katherine', 'Scott', 'Samantha', 'Brandon', 'Christine',
  'Lukas', 'Sofia', 'Mateo', 'Yuki', 'Hiroshi', 'Priya', 'Arjun', 'Fatima', 'Omar', 'Ingrid', 'Lars',
  'Chloe', 'Hugo', 'Amelie', 'Luca', 'Giulia', 'Ana', 'Joao', 'Aisha', 'Kwame', 'Wei', 'Min-jun', 'Olga',
  'Dmitri', 'Noor', 'Elif', 'Finn', 'Freya', 'Max', 'Martina', 'Miguel', 'Mila', 'Maya', 'Marco',
];

export const LAST_NAMES: readonly string[] = [
  'Smith', 'Johnson', 'Williams', 'Brown', 'Jones', 'Garcia', 'Miller', 'Davis', 'Rodriguez', 'Martinez',
  'Hernandez', 'Lopez', 'Gonzalez', 'Wilson', 'Anderson', 'Thomas', 'Taylor', 'Moore', 'Jackson', 'Martin',
  'Lee', 'Perez', 'Thompson', 'White', 'Harris', 'Sanchez', 'Clark', 'Ramirez', 'Lewis', 'Robinson',
  'Walker', 'Young', 'Allen', 'King', 'Wright', 'Scott', 'Torres', 'Nguyen', 'Hill', 'Flores', 'Green',
  'Adams', 'Nelson', 'Baker', 'Hall', 'Rivera', 'Campbell', 'Mitchell', 'Carter', 'Roberts', 'Muller',
  'Schmidt', 'Schneider', 'Fischer', 'Weber', 'Dubois', 'Laurent', 'Bernard', 'Rossi', 'Russo', 'Bianchi',
  'Silva', 'Santos', 'Oliveira', 'Tanaka', 'Suzuki', 'Sato', 'Kim', 'Park', 'Chen', 'Wang', 'Li', 'Zhang',
  'Patel', 'Sharma', 'Singh', 'Khan', 'Yilmaz', 'Kaya', 'Jansen', 'de Vries', 'Bakker', 'Andersson',
  'Johansson', 'Nielsen', 'Hansen', 'Novak', 'Kowalski', 'Ivanova', 'Okafor', 'Mensah', 'OConnor',
  'Murphy', 'Kelly', 'Byrne', 'Fernandez', 'Costa', 'Becker', 'Hoffmann',
];

/** ISO country code and relative weight of the user base. */
export const COUNTRIES: ReadonlyArray<readonly [string, number]> = [
  ['US', 30], ['GB', 10], ['DE', 9], ['FR', 6], ['NL', 4], ['CA', 5], ['AU', 4], ['IN', 6], ['BR', 4],
  ['JP', 4], ['ES', 3], ['SE', 3], ['IT', 3], ['IE', 2], ['MX', 2], ['SG', 2], ['TR', 2], ['PL', 1],
];

export const EMAIL_DOMAINS: readonly string[] = [
  'example.com', 'example.org', 'example.net', 'acme.example', 'globex.example', 'initech.example',
  'umbrella.example', 'hooli.example', 'piedpiper.example', 'stark.example',
];

export const TEAM_NAMES: readonly string[] = [
  'Platform', 'Growth', 'Payments', 'Mobile', 'Data', 'Infrastructure', 'Design', 'Marketing', 'Sales',
  'Support', 'Security', 'Finance', 'Operations', 'Partnerships', 'Research', 'Onboarding', 'Web',
  'Integrations', 'Analytics', 'Quality', 'Legal', 'People', 'Search', 'Notifications', 'Enterprise',
];

export const PLAN_DEFINITIONS: readonly PlanDefinition[] = [
  {
    id: 'free', name: 'Free', monthlyPriceCents: 0, yearlyPriceCents: 0, seatsIncluded: 1,
    apiCallsPerMonth: 10_000, storageGb: 1, features: ['Community support', '1 project', 'Basic analytics'],
  },
  {
    id: 'pro', name: 'Pro', monthlyPriceCents: 2_900, yearlyPriceCents: 29_000, seatsIncluded: 5,
    apiCallsPerMonth: 500_000, storageGb: 100,
    features: ['Email support', 'Unlimited projects', 'Advanced analytics', 'Webhooks'],
  },
  {
    id: 'enterprise', name: 'Enterprise', monthlyPriceCents: 9_900, yearlyPriceCents: 99_000, seatsIncluded: 25,
    apiCallsPerMonth: 10_000_000, storageGb: 2_000,
    features: ['24/7 support', 'SSO / SAML', 'Audit log', 'Custom contracts', 'Dedicated success manager'],
  },
];

export const COUPONS: readonly Omit<Coupon, 'expiresAt' | 'timesRedeemed'>[] = [
  { code: 'WELCOME10', description: '10% off the first 3 months', percentOff: 10, durationMonths: 3, active: true, maxRedemptions: null },
  { code: 'ANNUAL20', description: '20% off when switching to yearly billing', percentOff: 20, durationMonths: 12, active: true, maxRedemptions: null },
  { code: 'STARTUP50', description: 'Startup programme: 50% off for 6 months', percentOff: 50, durationMonths: 6, active: true, maxRedemptions: 200 },
  { code: 'BLACKFRIDAY', description: 'Black Friday: 30% off for 12 months', percentOff: 30, durationMonths: 12, active: false, maxRedemptions: 500 },
  { code: 'EDU100', description: 'Free for verified education accounts', percentOff: 100, durationMonths: 12, active: true, maxRedemptions: 100 },
  { code: 'PARTNER15', description: 'Agency partner discount', percentOff: 15, durationMonths: 24, active: true, maxRedemptions: null },
  { code: 'WINBACK25', description: 'Win-back offer for churned customers', percentOff: 25, durationMonths: 3, active: true, maxRedemptions: 300 },
];

export const WAREHOUSES: readonly Warehouse[] = [
  { id: 'wh_ams', name: 'Amsterdam DC', city: 'Amsterdam', country: 'NL', capacityUnits: 60_000 },
  { id: 'wh_nyc', name: 'New Jersey DC', city: 'Newark', country: 'US', capacityUnits: 80_000 },
  { id: 'wh_sfo', name: 'Oakland DC', city: 'Oakland', country: 'US', capacityUnits: 50_000 },
  { id: 'wh_sin', name: 'Singapore Hub', city: 'Singapore', country: 'SG', capacityUnits: 30_000 },
];

export const SUPPLIERS: readonly Supplier[] = [
  { id: 'sup_01', name: 'Northwind Components', email: 'orders@northwind.example', country: 'US', leadTimeDays: 7 },
  { id: 'sup_02', name: 'Contoso Hardware', email: 'sales@contoso.example', country: 'DE', leadTimeDays: 12 },
  { id: 'sup_03', name: 'Fabrikam Textiles', email: 'po@fabrikam.example', country: 'PT', leadTimeDays: 21 },
  { id: 'sup_04', name: 'Tailspin Electronics', email: 'supply@tailspin.example', country: 'TW', leadTimeDays: 30 },
  { id: 'sup_05', name: 'Wide World Importers', email: 'orders@wideworld.example', country: 'NL', leadTimeDays: 14 },
  { id: 'sup_06', name: 'Proseware Paper Co.', email: 'hello@proseware.example', country: 'GB', leadTimeDays: 5 },
];

/** Category, product nouns and a price band in cents. */
export const PRODUCT_LINES: ReadonlyArray<readonly [string, readonly string[], number, number]> = [
  ['electronics', ['USB-C Hub', 'Wireless Mouse', 'Mechanical Keyboard', '27" Monitor', 'Webcam HD', 'Noise-cancelling Headset', 'Docking Station', 'Portable SSD 1TB'], 1_500, 45_000],
  ['accessories', ['Laptop Sleeve', 'Cable Organizer', 'Monitor Arm', 'Desk Mat', 'Phone Stand', 'Travel Adapter'], 800, 9_000],
  ['apparel', ['Logo Hoodie', 'Team T-Shirt', 'Beanie', 'Rain Jacket', 'Baseball Cap', 'Socks 3-pack'], 900, 12_000],
  ['office', ['Notebook A5', 'Gel Pens 10-pack', 'Sticky Notes', 'Whiteboard Markers', 'Desk Lamp', 'Ergonomic Chair'], 300, 60_000],
  ['furniture', ['Standing Desk', 'Bookshelf', 'Filing Cabinet', 'Meeting Table', 'Lounge Chair'], 15_000, 120_000],
  ['kitchen', ['Coffee Beans 1kg', 'Travel Mug', 'Water Bottle', 'Espresso Cups Set', 'Tea Sampler'], 600, 5_000],
];

export const PRODUCT_VARIANTS: readonly string[] = ['Black', 'White', 'Graphite', 'Blue', 'Large', 'Small', 'Pro', 'Lite'];

export const TICKET_SUBJECTS: Readonly<Record<string, readonly string[]>> = {
  billing: ['Charged twice this month', 'Invoice shows wrong VAT number', 'How do I get a refund?', 'Card declined on renewal', 'Need invoices in EUR'],
  bug: ['Dashboard graphs not loading', 'Export to CSV produces empty file', 'API returns 500 on /v2/orders', 'Mobile app crashes on login', 'Timezone wrong in reports'],
  account: ['Cannot reset my password', 'Please change the account owner', 'Two-factor device lost', 'Merge two accounts', 'Delete my account'],
  feature_request: ['Dark mode please', 'Support for SAML groups', 'Bulk edit for tasks', 'Slack integration for alerts', 'More granular roles'],
  how_to: ['How do I invite my team?', 'Setting up webhooks', 'Where is the API key?', 'How to downgrade plan', 'Connecting Zapier'],
  outage: ['Site is down for us', 'Webhooks delayed by hours', 'Login page times out', 'Degraded API performance in EU'],
};

export const PROJECT_NAMES: readonly string[] = [
  'Checkout Redesign', 'Mobile App v3', 'Data Warehouse Migration', 'SSO Rollout', 'Pricing Page Experiment',
  'Onboarding Revamp', 'Kubernetes Upgrade', 'GDPR Audit', 'Search Relevance', 'Partner API', 'Q3 Marketing Site',
  'Billing Engine v2', 'Support Bot', 'Observability Stack', 'Accessibility Fixes', 'Localization (DE/FR/JA)',
  'Usage-based Billing', 'Design System', 'Customer Health Score', 'Churn Prediction', 'Warehouse Scanner App',
  'Inventory Forecasting', 'Status Page', 'Referral Programme', 'Security Review 2024', 'Email Deliverability',
  'Admin Console', 'Audit Log', 'Webhooks Retry Queue', 'Performance Budget', 'iPad Support', 'Team Offsite',
  'Docs Overhaul', 'Self-serve Refunds', 'Fraud Rules', 'SOC 2 Evidence', 'CRM Sync', 'Realtime Dashboard',
  'Feature Flags Cleanup', 'Annual Plan Launch',
];

export const TASK_VERBS: readonly string[] = ['Design', 'Implement', 'Review', 'Test', 'Document', 'Migrate', 'Fix', 'Benchmark', 'Spec', 'Ship'];
export const TASK_OBJECTS: readonly string[] = [
  'login flow', 'database schema', 'API endpoints', 'error handling', 'CSV export', 'permissions model',
  'email templates', 'retry logic', 'caching layer', 'metrics dashboard', 'unit tests', 'release notes',
  'settings page', 'webhook payloads', 'search index', 'rate limiting', 'onboarding checklist', 'audit events',
];

export const EMAIL_TEMPLATES: readonly EmailTemplate[] = [
  { id: 'welcome', name: 'Welcome', subject: 'Welcome aboard, {{firstName}}!', body: 'Hi {{firstName}}, thanks for signing up. Your workspace is ready.', variables: ['firstName'] },
  { id: 'password_reset', name: 'Password reset', subject: 'Reset your password', body: 'Hi {{firstName}}, use this link to reset your password: {{resetUrl}}', variables: ['firstName', 'resetUrl'] },
  { id: 'invoice_reminder', name: 'Invoice reminder', subject: 'Invoice {{invoiceNumber}} is due', body: 'Hi {{firstName}}, invoice {{invoiceNumber}} for {{amount}} is due on {{dueDate}}.', variables: ['firstName', 'invoiceNumber', 'amount', 'dueDate'] },
  { id: 'plan_changed', name: 'Plan changed', subject: 'You are now on {{plan}}', body: 'Hi {{firstName}}, your subscription has moved to the {{plan}} plan.', variables: ['firstName', 'plan'] },
  { id: 'reengagement', name: 'We miss you', subject: 'It has been a while, {{firstName}}', body: 'Hi {{firstName}}, here is what is new since your last visit.', variables: ['firstName'] },
  { id: 'ticket_update', name: 'Ticket update', subject: 'Update on your request {{ticketId}}', body: 'Hi {{firstName}}, there is an update on "{{subject}}".', variables: ['firstName', 'ticketId', 'subject'] },
];

export const SLACK_CHANNELS: readonly SlackChannel[] = [
  { id: 'C01GENERAL', name: 'general', isPrivate: false, memberCount: 412 },
  { id: 'C02ALERTS', name: 'alerts', isPrivate: false, memberCount: 58 },
  { id: 'C03SUPPORT', name: 'support', isPrivate: false, memberCount: 37 },
  { id: 'C04BILLING', name: 'billing-ops', isPrivate: true, memberCount: 12 },
  { id: 'C05SALES', name: 'sales-wins', isPrivate: false, memberCount: 91 },
  { id: 'C06INCIDENTS', name: 'incidents', isPrivate: false, memberCount: 73 },
  { id: 'C07ENG', name: 'engineering', isPrivate: false, memberCount: 164 },
  { id: 'C08EXEC', name: 'leadership', isPrivate: true, memberCount: 9 },
];

export const WEBHOOK_EVENTS: readonly string[] = [
  'user.created', 'user.updated', 'user.deleted', 'invoice.created', 'invoice.paid', 'invoice.overdue',
  'payment.succeeded', 'payment.failed', 'payment.refunded', 'ticket.created', 'ticket.closed',
  'subscription.updated', 'subscription.canceled', 'stock.low',
];
