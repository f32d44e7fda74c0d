/**
 * The built-in demo catalog: ~150 realistic tools over a seeded, in-memory company (users, billing,
 * invoices, payments, analytics, tickets, projects, inventory, notifications). Each call builds its own
 * store, so catalogs never share state and the same seed always yields the same data.
 */
import type { ToolDefinition } from '../../src';
import { createStore } from './data';
import { analyticsTools } from './analytics';
import { billingTools } from './billing';
import { inventoryTools } from './inventory';
import { inventoryOrderTools } from './inventory-orders';
import { invoiceTools } from './invoices';
import { notificationTools } from './notifications';
import { paymentTools } from './payments';
import { projectTools } from './projects';
import { teamTools } from './teams';
import { ticketTools } from './tickets';
import { userTools } from './users';

export interface DemoCatalogOptions {
  /** PRNG seed for the generated data (default 42). */
  seed?: number;
  /** Clock used for generated history and new timestamps (default Date.now). */
  now?: () => number;
}

export const DEFAULT_DEMO_SEED = 42;

export function createDemoTools(options: DemoCatalogOptions = {}): ToolDefinition[] {
  const store = createStore({ seed: options.seed ?? DEFAULT_DEMO_SEED, now: options.now ?? Date.now });
  return [
    ...userTools(store),
    ...teamTools(store),
    ...billingTools(store),
    ...invoiceTools(store),
    ...paymentTools(store),
    ...analyticsTools(store),
    ...ticketTools(store),
    ...projectTools(store),
    ...inventoryTools(store),
    ...inventoryOrderTools(store),
    ...notificationTools(store),
  ];
}
