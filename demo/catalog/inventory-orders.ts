/** Inventory planning: low-stock report, valuation, suppliers and purchase orders. */
import type { ToolDefinition } from '../../src';
import { optEnum, optString, paginate, reqString, sortByField, sum } from './args';
import {
  DAY_MS, clone, conflict, iso, mustGet, nextId, nowIso,
} from './store';
import type { DemoStore, PurchaseOrder, PurchaseOrderLine } from './model';
import { ITEM_ID, WAREHOUSE_ID, findItem, moveStock } from './inventory';
import {
  NO_INPUT, arrayOf, dateTime, defineTool, enumOf, id, input, int, listInput, nullable, page, record, str,
} from './schema-helpers';

const PO_STATUSES = ['ordered', 'received', 'canceled'] as const;
const SUPPLIER_ID = str("Supplier id, e.g. 'sup_02'.", { minLength: 1 });

const supplierSchema = record({
  id: str('Supplier id.'), name: str('Company name.'), email: str('Ordering address.'), country: str('Country code.'),
  leadTimeDays: int('Typical days from order to delivery.'),
});

const purchaseOrderSchema = record({
  id: str('Purchase order id.'), supplierId: str('Supplier.'), warehouseId: str('Receiving warehouse.'),
  status: enumOf(PO_STATUSES, 'ordered (in transit), received (stock booked in) or canceled.'),
  lines: arrayOf(record({ itemId: str('Item.'), quantity: int('Units ordered.'), unitCostCents: int('Cost per unit, in cents.') }), 'Ordered items.'),
  totalCents: int('Order value, in cents.'), createdAt: dateTime('When it was placed.'), expectedAt: dateTime('Expected delivery.'),
  receivedAt: nullable(dateTime('When it was received, or null.')),
}, 'A purchase order.');

const lowStockSchema = record({
  itemId: str('Item.'), sku: str('SKU.'), name: str('Name.'), available: int('Units available across the considered warehouses.'),
  reorderPoint: int('Reorder level.'), reorderQuantity: int('Suggested order quantity.'), supplierId: str('Default supplier.'),
  onOrder: int('Units on open purchase orders.'),
});

export function inventoryOrderTools(store: DemoStore): ToolDefinition[] {
  const onOrder = (itemId: string): number => sum([...store.purchaseOrders.values()]
    .filter((po) => po.status === 'ordered').flatMap((po) => po.lines).filter((l) => l.itemId === itemId).map((l) => l.quantity));
  return [
    defineTool({
      name: 'inventory:listLowStock',
      kind: 'read',
      description: 'Active items whose available stock (all warehouses, or one) is at or below their reorder point, emptiest first, with units already on order. The input for a reorder run.',
      input: listInput({ warehouseId: WAREHOUSE_ID }),
      output: page(lowStockSchema, 'low-stock items'),
      handler: (args) => {
        const warehouseId = optString(args, 'warehouseId');
        if (warehouseId !== undefined) mustGet(store.warehouses, warehouseId, 'warehouse');
        const rows = [...store.items.values()].filter((it) => it.active).flatMap((it) => {
          const levels = [...store.stock.values()].filter((l) => l.itemId === it.id && (warehouseId === undefined || l.warehouseId === warehouseId));
          const available = sum(levels.map((l) => l.onHand - l.reserved));
          return available <= it.reorderPoint
            ? [{ itemId: it.id, sku: it.sku, name: it.name, available, reorderPoint: it.reorderPoint, reorderQuantity: it.reorderQuantity, supplierId: it.supplierId, onOrder: onOrder(it.id) }]
            : [];
        });
        return paginate(sortByField(rows, 'available', 'asc'), args);
      },
    }),
    defineTool({
      name: 'inventory:valuation',
      kind: 'read',
      description: 'Value of stock on hand at cost and at retail price, grouped by warehouse or category.',
      input: input({ groupBy: enumOf(['warehouse', 'category'], 'Grouping (default warehouse).') }),
      output: record({
        groupBy: enumOf(['warehouse', 'category'], 'Grouping used.'),
        totalUnits: int('Units on hand.'), totalCostCents: int('Value at cost, in cents.'), totalRetailCents: int('Value at selling price, in cents.'),
        groups: arrayOf(record({ key: str('Warehouse id or category.'), units: int('Units.'), costCents: int('At cost, cents.'), retailCents: int('At retail, cents.') }), 'Groups, most valuable first.'),
      }),
      handler: (args) => {
        const groupBy = optEnum(args, 'groupBy', ['warehouse', 'category'] as const) ?? 'warehouse';
        const groups = new Map<string, { key: string; units: number; costCents: number; retailCents: number }>();
        for (const level of store.stock.values()) {
          const it = store.items.get(level.itemId);
          if (!it) continue;
          const key = groupBy === 'warehouse' ? level.warehouseId : it.category;
          const g = groups.get(key) ?? { key, units: 0, costCents: 0, retailCents: 0 };
          g.units += level.onHand;
          g.costCents += level.onHand * it.unitCostCents;
          g.retailCents += level.onHand * it.unitPriceCents;
          groups.set(key, g);
        }
        const rows = [...groups.values()].sort((a, b) => b.costCents - a.costCents);
        return {
          groupBy, totalUnits: sum(rows.map((r) => r.units)), totalCostCents: sum(rows.map((r) => r.costCents)),
          totalRetailCents: sum(rows.map((r) => r.retailCents)), groups: rows,
        };
      },
    }),
    defineTool({
      name: 'inventory:listSuppliers',
      kind: 'read',
      description: 'Suppliers with contact address and typical lead time. Takes no arguments.',
      input: NO_INPUT,
      output: record({ items: arrayOf(supplierSchema, 'Suppliers.') }),
      handler: () => ({ items: [...store.suppliers.values()].map((s) => clone(s)) }),
    }),
    defineTool({
      name: 'inventory:listPurchaseOrders',
      kind: 'read',
      description: 'Purchase orders, newest first, filtered by status, supplier or warehouse. Returns a page `{ items, total, nextOffset }`.',
      input: listInput({ status: enumOf(PO_STATUSES, 'Only orders in this status.'), supplierId: SUPPLIER_ID, warehouseId: WAREHOUSE_ID }),
      output: page(purchaseOrderSchema, 'purchase orders'),
      handler: (args) => {
        const status = optEnum(args, 'status', PO_STATUSES);
        const supplierId = optString(args, 'supplierId');
        const warehouseId = optString(args, 'warehouseId');
        const found = [...store.purchaseOrders.values()].filter((po) =>
          (status === undefined || po.status === status) && (supplierId === undefined || po.supplierId === supplierId) &&
          (warehouseId === undefined || po.warehouseId === warehouseId));
        return paginate(sortByField(found, 'createdAt', 'desc'), args);
      },
    }),
    defineTool({
      name: 'inventory:getPurchaseOrder',
      kind: 'read',
      description: 'Fetches one purchase order with its lines. Fails with NOT_FOUND for unknown ids.',
      input: input({ id: id('Purchase order', 'po_0007') }, ['id']),
      output: purchaseOrderSchema,
      handler: (args) => clone(mustGet(store.purchaseOrders, reqString(args, 'id'), 'purchase order')),
    }),
    defineTool({
      name: 'inventory:createPurchaseOrder',
      kind: 'create',
      description: "Orders stock from a supplier for delivery to a warehouse, at each item's current unit cost; expected delivery is now plus the supplier's lead time. Returns the new order (status ordered).",
      input: input({
        supplierId: SUPPLIER_ID,
        warehouseId: WAREHOUSE_ID,
        lines: arrayOf(record({ itemId: ITEM_ID, quantity: int('Units to order.', { minimum: 1, maximum: 100_000 }) }), 'Items to order (1-50).', { minItems: 1, maxItems: 50 }),
      }, ['supplierId', 'warehouseId', 'lines']),
      output: purchaseOrderSchema,
      handler: (args) => {
        const supplier = mustGet(store.suppliers, reqString(args, 'supplierId'), 'supplier');
        const warehouse = mustGet(store.warehouses, reqString(args, 'warehouseId'), 'warehouse');
        const raw = Array.isArray(args.lines) ? (args.lines as unknown[]) : [];
        const lines: PurchaseOrderLine[] = raw.map((entry) => {
          const line = typeof entry === 'object' && entry !== null ? (entry as Record<string, unknown>) : {};
          const it = findItem(store, typeof line.itemId === 'string' ? line.itemId : '');
          const quantity = typeof line.quantity === 'number' ? line.quantity : 0;
          return { itemId: it.id, quantity, unitCostCents: it.unitCostCents };
        });
        const po: PurchaseOrder = {
          id: nextId(store, 'po_', 4), supplierId: supplier.id, warehouseId: warehouse.id, status: 'ordered', lines,
          totalCents: sum(lines.map((l) => l.quantity * l.unitCostCents)), createdAt: nowIso(store),
          expectedAt: iso(store.now() + supplier.leadTimeDays * DAY_MS), receivedAt: null,
        };
        store.purchaseOrders.set(po.id, po);
        return clone(po);
      },
    }),
    defineTool({
      name: 'inventory:receivePurchaseOrder',
      kind: 'update',
      description: 'Books a delivered purchase order into stock: every line is added to the receiving warehouse as a receipt movement and the order becomes received. Fails with CONFLICT unless it is ordered. Returns the order.',
      input: input({ id: id('Purchase order', 'po_0007') }, ['id']),
      output: purchaseOrderSchema,
      handler: (args) => {
        const po = mustGet(store.purchaseOrders, reqString(args, 'id'), 'purchase order');
        if (po.status !== 'ordered') conflict(`purchase order '${po.id}' is ${po.status}`);
        for (const line of po.lines) {
          if (store.items.has(line.itemId)) moveStock(store, line.itemId, po.warehouseId, line.quantity, 'receipt', po.id);
        }
        po.status = 'received';
        po.receivedAt = nowIso(store);
        return clone(po);
      },
    }),
  ];
}
