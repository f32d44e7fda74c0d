/** Inventory: catalogue items, warehouses, stock levels and stock movements. */
import type { ToolDefinition } from '../../src';
import {
  matchesQuery, optBool, optEnum, optNumber, optString, paginate, reqNumber, reqString, sortByField, sum, within,
} from './args';
import type { Args } from './args';
import { PRODUCT_LINES } from './fixtures';
import {
  MOVEMENT_REASONS, clone, conflict, mustGet, nextId, nowIso, stockKey,
} from './store';
import type { DemoStore, Item, MovementReason, StockLevel, StockMovement } from './model';
import {
  NO_INPUT, arrayOf, bool, dateTime, defineTool, enumOf, id, input, int, listInput, nullable, num, page, record, str,
} from './schema-helpers';
import { ToolFailure } from '../../src';

const CATEGORIES = PRODUCT_LINES.map(([category]) => category);
export const ITEM_ID = id('Item', 'itm_0042');
export const WAREHOUSE_ID = str("Warehouse id: 'wh_ams', 'wh_nyc', 'wh_sfo' or 'wh_sin'.", { minLength: 1 });

const itemProperties = {
  id: str('Item id.'),
  sku: str('Stock keeping unit, e.g. SKU-10042.'),
  name: str('Product name.'),
  category: str('Product category.'),
  unitPriceCents: int('Selling price per unit, in cents.'),
  unitCostCents: int('Purchase cost per unit, in cents.'),
  reorderPoint: int('Reorder when total available stock falls to this level.'),
  reorderQuantity: int('Usual quantity to reorder.'),
  supplierId: str('Default supplier.'),
  active: bool('Inactive items are no longer sold.'),
  createdAt: dateTime('When the item was added.'),
};
export const itemSchema = record(itemProperties, 'A catalogue item.');

export const levelSchema = record({
  itemId: str('Item.'), warehouseId: str('Warehouse.'), onHand: int('Units physically present.'),
  reserved: int('Units promised to open orders.'), available: int('onHand minus reserved.'),
}, 'Stock of one item in one warehouse.');

const movementSchema = record({
  id: str('Movement id.'), itemId: str('Item.'), warehouseId: str('Warehouse.'), delta: int('Change in on-hand units (negative = out).'),
  reason: enumOf(MOVEMENT_REASONS, 'Why stock moved.'), note: nullable(str('Free-text note, or null.')), createdAt: dateTime('When it happened.'),
});

const warehouseSchema = record({
  id: str('Warehouse id.'), name: str('Name.'), city: str('City.'), country: str('Country code.'),
  capacityUnits: int('Capacity in units.'), unitsOnHand: int('Units currently stored.'), skuCount: int('Distinct items stocked.'),
  utilizationPct: num('unitsOnHand / capacityUnits, percent.'),
});

export function levelView(level: StockLevel): StockLevel & { available: number } {
  return { ...clone(level), available: level.onHand - level.reserved };
}

/** Finds an item by id or SKU, since people quote SKUs far more often than ids. */
export function findItem(store: DemoStore, ref: string): Item {
  const byId = store.items.get(ref);
  if (byId) return byId;
  const bySku = [...store.items.values()].find((i) => i.sku.toUpperCase() === ref.toUpperCase());
  if (!bySku) throw new ToolFailure('NOT_FOUND', `item '${ref}' not found`);
  return bySku;
}

/** Applies a stock change and logs it; refuses to go below what is reserved. */
export function moveStock(store: DemoStore, itemId: string, warehouseId: string, delta: number, reason: MovementReason, note: string | null): { level: StockLevel; movement: StockMovement } {
  mustGet(store.warehouses, warehouseId, 'warehouse');
  const key = stockKey(itemId, warehouseId);
  const level = store.stock.get(key) ?? { itemId, warehouseId, onHand: 0, reserved: 0 };
  if (level.onHand + delta < level.reserved) {
    conflict(`only ${level.onHand - level.reserved} unreserved units of '${itemId}' in ${warehouseId}; cannot apply ${delta}`);
  }
  level.onHand += delta;
  store.stock.set(key, level);
  const movement: StockMovement = { id: nextId(store, 'mv_', 5), itemId, warehouseId, delta, reason, note, createdAt: nowIso(store) };
  store.movements.set(movement.id, movement);
  return { level, movement };
}

function warehouseView(store: DemoStore, warehouseId: string): Record<string, unknown> {
  const wh = mustGet(store.warehouses, warehouseId, 'warehouse');
  const levels = [...store.stock.values()].filter((l) => l.warehouseId === wh.id);
  const units = sum(levels.map((l) => l.onHand));
  return { ...clone(wh), unitsOnHand: units, skuCount: levels.filter((l) => l.onHand > 0).length, utilizationPct: Math.round((units / wh.capacityUnits) * 1000) / 10 };
}

export function inventoryTools(store: DemoStore): ToolDefinition[] {
  const item = (args: Args, key = 'itemId'): Item => findItem(store, reqString(args, key));
  const ADJUST_REASONS: readonly MovementReason[] = ['adjustment', 'damage', 'receipt', 'return', 'sale'];
  return [
    defineTool({
      name: 'inventory:listItems',
      kind: 'read',
      description: 'Lists catalogue items in SKU order, filtered by category, supplier, active flag or a name/SKU search. Returns a page `{ items, total, nextOffset }`.',
      input: listInput({
        category: enumOf(CATEGORIES, 'Only this category.'),
        supplierId: str("Only items from this supplier, e.g. 'sup_02'."),
        active: bool('Only active (true) or inactive (false) items.'),
        query: str('Case-insensitive substring of the name or SKU.'),
      }),
      output: page(itemSchema, 'items'),
      handler: (args) => {
        const category = optString(args, 'category');
        const supplierId = optString(args, 'supplierId');
        const active = optBool(args, 'active');
        const query = optString(args, 'query');
        const found = [...store.items.values()].filter((i) =>
          (category === undefined || i.category === category) && (supplierId === undefined || i.supplierId === supplierId) &&
          (active === undefined || i.active === active) && (query === undefined || matchesQuery(query, i.name, i.sku)));
        return paginate(sortByField(found, 'sku', 'asc'), args);
      },
    }),
    defineTool({
      name: 'inventory:getItem',
      kind: 'read',
      description: 'Fetches one catalogue item by id or SKU. Fails with NOT_FOUND if neither matches.',
      input: input({ id: str("Item id ('itm_0042') or SKU ('SKU-10042').", { minLength: 1 }) }, ['id']),
      output: itemSchema,
      handler: (args) => clone(item(args, 'id')),
    }),
    defineTool({
      name: 'inventory:createItem',
      kind: 'create',
      description: 'Adds an item to the catalogue (no stock yet; use inventory:adjustStock or a purchase order). Fails with CONFLICT if the SKU exists. Returns the new item.',
      input: input({
        sku: str('Unique SKU, e.g. SKU-20001.', { pattern: '^SKU-[0-9]{5}$' }),
        name: str('Product name.', { minLength: 1, maxLength: 120 }),
        category: enumOf(CATEGORIES, 'Category.'),
        unitPriceCents: int('Selling price, in cents.', { minimum: 0 }),
        unitCostCents: int('Purchase cost, in cents.', { minimum: 0 }),
        supplierId: str("Default supplier, e.g. 'sup_02'.", { minLength: 1 }),
        reorderPoint: int('Reorder level (default 20).', { minimum: 0 }),
        reorderQuantity: int('Reorder quantity (default 100).', { minimum: 1 }),
      }, ['sku', 'name', 'category', 'unitPriceCents', 'unitCostCents', 'supplierId']),
      output: itemSchema,
      handler: (args) => {
        const sku = reqString(args, 'sku').toUpperCase();
        if ([...store.items.values()].some((i) => i.sku === sku)) conflict(`SKU '${sku}' already exists`);
        const created: Item = {
          id: nextId(store, 'itm_', 4), sku, name: reqString(args, 'name'), category: reqString(args, 'category'),
          unitPriceCents: reqNumber(args, 'unitPriceCents'), unitCostCents: reqNumber(args, 'unitCostCents'),
          reorderPoint: optNumber(args, 'reorderPoint') ?? 20, reorderQuantity: optNumber(args, 'reorderQuantity') ?? 100,
          supplierId: mustGet(store.suppliers, reqString(args, 'supplierId'), 'supplier').id, active: true, createdAt: nowIso(store),
        };
        store.items.set(created.id, created);
        return clone(created);
      },
    }),
    defineTool({
      name: 'inventory:updateItem',
      kind: 'update',
      description: 'Changes price, cost, reorder settings, name or active flag of an item (by id or SKU). Only passed fields change. Returns the item.',
      input: {
        ...input({
          id: str('Item id or SKU.', { minLength: 1 }),
          name: str('New name.', { minLength: 1, maxLength: 120 }),
          unitPriceCents: int('New selling price, in cents.', { minimum: 0 }),
          unitCostCents: int('New cost, in cents.', { minimum: 0 }),
          reorderPoint: int('New reorder level.', { minimum: 0 }),
          reorderQuantity: int('New reorder quantity.', { minimum: 1 }),
          active: bool('Activate or retire the item.'),
        }, ['id']),
        minProperties: 2,
      },
      output: itemSchema,
      handler: (args) => {
        const it = item(args, 'id');
        it.name = optString(args, 'name') ?? it.name;
        it.unitPriceCents = optNumber(args, 'unitPriceCents') ?? it.unitPriceCents;
        it.unitCostCents = optNumber(args, 'unitCostCents') ?? it.unitCostCents;
        it.reorderPoint = optNumber(args, 'reorderPoint') ?? it.reorderPoint;
        it.reorderQuantity = optNumber(args, 'reorderQuantity') ?? it.reorderQuantity;
        it.active = optBool(args, 'active') ?? it.active;
        return clone(it);
      },
    }),
    defineTool({
      name: 'inventory:deleteItem',
      kind: 'destructive',
      description: 'Removes an item from the catalogue along with its stock records (movement history is kept). Fails with CONFLICT while units are reserved. Returns the item as it was.',
      input: input({ id: str('Item id or SKU.', { minLength: 1 }) }, ['id']),
      output: itemSchema,
      handler: (args) => {
        const it = item(args, 'id');
        const levels = [...store.stock.entries()].filter(([, l]) => l.itemId === it.id);
        if (levels.some(([, l]) => l.reserved > 0)) conflict(`item '${it.id}' has reserved units; release them first`);
        for (const [key] of levels) store.stock.delete(key);
        store.items.delete(it.id);
        return clone(it);
      },
    }),
    defineTool({
      name: 'inventory:listWarehouses',
      kind: 'read',
      description: 'All warehouses with capacity, units stored and utilisation. Takes no arguments.',
      input: NO_INPUT,
      output: record({ items: arrayOf(warehouseSchema, 'Warehouses.') }),
      handler: () => ({ items: [...store.warehouses.keys()].map((whId) => warehouseView(store, whId)) }),
    }),
    defineTool({
      name: 'inventory:getWarehouse',
      kind: 'read',
      description: 'One warehouse with capacity, units stored and utilisation. Fails with NOT_FOUND for unknown ids.',
      input: input({ id: WAREHOUSE_ID }, ['id']),
      output: warehouseSchema,
      handler: (args) => warehouseView(store, reqString(args, 'id')),
    }),
    defineTool({
      name: 'inventory:getStock',
      kind: 'read',
      description: 'Stock of an item (id or SKU) per warehouse plus totals; available = on hand minus reserved. Pass warehouseId to see just one location.',
      input: input({ itemId: str('Item id or SKU.', { minLength: 1 }), warehouseId: WAREHOUSE_ID }, ['itemId']),
      output: record({
        itemId: str('Item.'), sku: str('SKU.'), onHand: int('Total on hand.'), reserved: int('Total reserved.'), available: int('Total available.'),
        belowReorderPoint: bool('True when total available is at or below the reorder point.'),
        levels: arrayOf(levelSchema, 'Per-warehouse levels.'),
      }),
      handler: (args) => {
        const it = item(args);
        const warehouseId = optString(args, 'warehouseId');
        if (warehouseId !== undefined) mustGet(store.warehouses, warehouseId, 'warehouse');
        const levels = [...store.stock.values()].filter((l) => l.itemId === it.id && (warehouseId === undefined || l.warehouseId === warehouseId)).map(levelView);
        const available = sum(levels.map((l) => l.available));
        return {
          itemId: it.id, sku: it.sku, onHand: sum(levels.map((l) => l.onHand)), reserved: sum(levels.map((l) => l.reserved)), available,
          belowReorderPoint: available <= it.reorderPoint, levels,
        };
      },
    }),
    defineTool({
      name: 'inventory:adjustStock',
      kind: 'update',
      idempotent: false,
      description: 'Adds (positive delta) or removes (negative delta) units of an item in a warehouse and logs a stock movement. Fails with CONFLICT if it would leave fewer units than are reserved. Returns the new level and the movement.',
      input: input({
        itemId: str('Item id or SKU.', { minLength: 1 }),
        warehouseId: WAREHOUSE_ID,
        delta: int('Units to add (positive) or remove (negative), non-zero.', { minimum: -100_000, maximum: 100_000, not: { const: 0 } }),
        reason: enumOf(ADJUST_REASONS, 'Why (default adjustment).'),
        note: str('Free-text note, e.g. cycle count reference.'),
      }, ['itemId', 'warehouseId', 'delta']),
      output: record({ level: levelSchema, movement: movementSchema }),
      handler: (args) => {
        const it = item(args);
        const { level, movement } = moveStock(store, it.id, reqString(args, 'warehouseId'), reqNumber(args, 'delta'), optEnum(args, 'reason', ADJUST_REASONS) ?? 'adjustment', optString(args, 'note') ?? null);
        return { level: levelView(level), movement: clone(movement) };
      },
    }),
    defineTool({
      name: 'inventory:transferStock',
      kind: 'update',
      idempotent: false,
      description: 'Moves units of an item between two warehouses (two movements: transfer_out and transfer_in). Fails with CONFLICT when the source lacks unreserved units. Returns both levels.',
      input: input({
        itemId: str('Item id or SKU.', { minLength: 1 }),
        fromWarehouseId: WAREHOUSE_ID,
        toWarehouseId: WAREHOUSE_ID,
        quantity: int('Units to move.', { minimum: 1, maximum: 100_000 }),
      }, ['itemId', 'fromWarehouseId', 'toWarehouseId', 'quantity']),
      output: record({ from: levelSchema, to: levelSchema }),
      handler: (args) => {
        const it = item(args);
        const from = reqString(args, 'fromWarehouseId');
        const to = reqString(args, 'toWarehouseId');
        if (from === to) conflict('source and destination warehouse are the same');
        mustGet(store.warehouses, to, 'warehouse');
        const quantity = reqNumber(args, 'quantity');
        const out = moveStock(store, it.id, from, -quantity, 'transfer_out', `to ${to}`);
        const inbound = moveStock(store, it.id, to, quantity, 'transfer_in', `from ${from}`);
        return { from: levelView(out.level), to: levelView(inbound.level) };
      },
    }),
    defineTool({
      name: 'inventory:reserveStock',
      kind: 'update',
      idempotent: false,
      description: 'Reserves units of an item in a warehouse for an order so they cannot be sold twice. Fails with CONFLICT when not enough units are available. Returns the level.',
      input: input({ itemId: str('Item id or SKU.', { minLength: 1 }), warehouseId: WAREHOUSE_ID, quantity: int('Units to reserve.', { minimum: 1, maximum: 100_000 }) }, ['itemId', 'warehouseId', 'quantity']),
      output: levelSchema,
      handler: (args) => {
        const it = item(args);
        const level = mustGet(store.stock, stockKey(it.id, reqString(args, 'warehouseId')), 'stock level');
        const quantity = reqNumber(args, 'quantity');
        if (level.onHand - level.reserved < quantity) conflict(`only ${level.onHand - level.reserved} units available`);
        level.reserved += quantity;
        return levelView(level);
      },
    }),
    defineTool({
      name: 'inventory:releaseReservation',
      kind: 'update',
      idempotent: false,
      description: 'Releases previously reserved units (e.g. an order was canceled). Fails with CONFLICT when releasing more than is reserved. Returns the level.',
      input: input({ itemId: str('Item id or SKU.', { minLength: 1 }), warehouseId: WAREHOUSE_ID, quantity: int('Units to release.', { minimum: 1, maximum: 100_000 }) }, ['itemId', 'warehouseId', 'quantity']),
      output: levelSchema,
      handler: (args) => {
        const it = item(args);
        const level = mustGet(store.stock, stockKey(it.id, reqString(args, 'warehouseId')), 'stock level');
        const quantity = reqNumber(args, 'quantity');
        if (quantity > level.reserved) conflict(`only ${level.reserved} units are reserved`);
        level.reserved -= quantity;
        return levelView(level);
      },
    }),
    defineTool({
      name: 'inventory:listMovements',
      kind: 'read',
      description: 'Stock movement history (sales, receipts, adjustments, transfers...), newest first, filtered by item, warehouse, reason or date.',
      input: listInput({
        itemId: ITEM_ID, warehouseId: WAREHOUSE_ID, reason: enumOf(MOVEMENT_REASONS, 'Only this reason.'),
        since: dateTime('Only movements at or after this instant.'),
      }),
      output: page(movementSchema, 'movements'),
      handler: (args) => {
        const itemId = optString(args, 'itemId');
        const warehouseId = optString(args, 'warehouseId');
        const reason = optEnum(args, 'reason', MOVEMENT_REASONS);
        const since = optString(args, 'since');
        const found = [...store.movements.values()].filter((m) =>
          (itemId === undefined || m.itemId === itemId) && (warehouseId === undefined || m.warehouseId === warehouseId) &&
          (reason === undefined || m.reason === reason) && within(m.createdAt, since, undefined));
        return paginate(sortByField(found, 'createdAt', 'desc'), args);
      },
    }),
  ];
}
