/** Outgoing webhooks: ad-hoc sends, registered endpoints and event fan-out. All logged, none delivered. */
import type { JsonSchema, ToolDefinition } from '../../src';
import { optBool, optObject, optString, optStringArray, reqString } from './args';
import { WEBHOOK_EVENTS } from './fixtures';
import { clone, conflict, mustGet, nextId, nowIso, recordSent } from './store';
import type { DemoStore, WebhookEndpoint } from './model';
import { arrayOf, bool, dateTime, defineTool, enumOf, id, input, record, str } from './schema-helpers';

const endpointSchema = record({
  id: str('Endpoint id.'), url: str('HTTPS URL events are POSTed to.'), description: str('What the endpoint is for.'),
  events: arrayOf(str('Event name.'), 'Subscribed events.'), active: bool('Disabled endpoints receive nothing.'),
  createdAt: dateTime('When it was registered.'),
}, 'A registered webhook endpoint.');

const HTTPS_URL = str('Target URL; must be https.', { format: 'uri', pattern: '^https://' });
const PAYLOAD = { type: 'object', description: 'JSON object sent as the request body.' };

export function webhookTools(store: DemoStore, sentSchema: JsonSchema): ToolDefinition[] {
  return [
    defineTool({
      name: 'webhooks:send',
      kind: 'sink',
      description: 'POSTs a JSON payload to any HTTPS URL, tagged with an event name. The demo never opens a connection: the request is recorded in the notification log. Returns the log entry.',
      input: input({ url: HTTPS_URL, event: str("Event name sent in the X-Event header, e.g. 'invoice.paid'.", { minLength: 1 }), payload: PAYLOAD }, ['url', 'event', 'payload']),
      output: sentSchema,
      handler: (args) => {
        const payload = optObject(args, 'payload') ?? {};
        return clone(recordSent(store, {
          channel: 'webhook', to: reqString(args, 'url'), subject: reqString(args, 'event'), body: JSON.stringify(payload),
          payload: clone(payload), triggeredBy: 'webhooks:send',
        }));
      },
    }),
    defineTool({
      name: 'webhooks:dispatchEvent',
      kind: 'sink',
      description: 'Delivers an event to every active registered endpoint subscribed to it (see webhooks:listEndpoints). Returns one log entry per delivery; an empty list means nobody listens for the event.',
      input: input({ event: enumOf(WEBHOOK_EVENTS, 'Event to publish.'), payload: PAYLOAD }, ['event', 'payload']),
      output: record({ event: str('Event published.'), deliveries: arrayOf(sentSchema, 'One entry per endpoint reached.') }),
      handler: (args) => {
        const event = reqString(args, 'event');
        const payload = optObject(args, 'payload') ?? {};
        const targets = [...store.webhookEndpoints.values()].filter((e) => e.active && e.events.includes(event));
        const deliveries = targets.map((e) => clone(recordSent(store, {
          channel: 'webhook', to: e.url, subject: event, body: JSON.stringify({ event, data: payload }),
          payload: { event, data: clone(payload), endpointId: e.id }, triggeredBy: 'webhooks:dispatchEvent',
        })));
        return { event, deliveries };
      },
    }),
    defineTool({
      name: 'webhooks:listEndpoints',
      kind: 'read',
      description: 'Registered webhook endpoints with the events they subscribe to. Pass activeOnly to hide disabled ones.',
      input: input({ activeOnly: bool('Only active endpoints (default false).') }),
      output: record({ items: arrayOf(endpointSchema, 'Endpoints.') }),
      handler: (args) => ({
        items: [...store.webhookEndpoints.values()].filter((e) => optBool(args, 'activeOnly') !== true || e.active).map((e) => clone(e)),
      }),
    }),
    defineTool({
      name: 'webhooks:createEndpoint',
      kind: 'create',
      description: 'Registers an HTTPS endpoint for one or more events. Fails with CONFLICT if the URL is already registered. Returns the endpoint.',
      input: input({
        url: HTTPS_URL,
        events: arrayOf(enumOf(WEBHOOK_EVENTS, 'Event name.'), 'Events to subscribe to.', { minItems: 1, uniqueItems: true }),
        description: str('What the endpoint is for.'),
      }, ['url', 'events']),
      output: endpointSchema,
      handler: (args) => {
        const url = reqString(args, 'url');
        if ([...store.webhookEndpoints.values()].some((e) => e.url === url)) conflict(`endpoint '${url}' is already registered`);
        const endpoint: WebhookEndpoint = {
          id: nextId(store, 'we_', 3), url, description: optString(args, 'description') ?? '',
          events: optStringArray(args, 'events') ?? [], active: true, createdAt: nowIso(store),
        };
        store.webhookEndpoints.set(endpoint.id, endpoint);
        return clone(endpoint);
      },
    }),
    defineTool({
      name: 'webhooks:deleteEndpoint',
      kind: 'destructive',
      description: 'Unregisters a webhook endpoint; it receives no further events. Returns the endpoint as it was.',
      input: input({ id: id('Endpoint', 'we_002') }, ['id']),
      output: endpointSchema,
      handler: (args) => {
        const endpoint = mustGet(store.webhookEndpoints, reqString(args, 'id'), 'webhook endpoint');
        store.webhookEndpoints.delete(endpoint.id);
        return clone(endpoint);
      },
    }),
  ];
}
