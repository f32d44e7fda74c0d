import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';

/**
 * Media an upstream tool returns (images, audio, embedded resources, resource links) reaches a script
 * as a plain value `{ type, mimeType, data }`, and whatever the script or invoke hands back may still
 * hold it. Sent as JSON text, a model would read kilobytes of base64; sent as MCP content blocks, a
 * client shows the image or hands it to the model as one. The JSON text keeps a short stand-in.
 */

type Block = CallToolResult['content'][number];

const MAX_BLOCKS = 16;
const MAX_DEPTH = 6;
/** Cheap pre-check on the text already rendered: most answers carry no media and skip the walk. */
const MEDIA_HINT = /"type":"(?:image|audio|resource|resource_link)"/;

const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** The value as an MCP media content block, or undefined when it is not one. */
export function mediaBlock(value: unknown): Block | undefined {
  if (!isRecord(value)) return undefined;
  const { type } = value;
  if ((type === 'image' || type === 'audio') && typeof value.data === 'string' && typeof value.mimeType === 'string') {
    return { type, data: value.data, mimeType: value.mimeType } as Block;
  }
  if (type === 'resource' && isRecord(value.resource) && typeof value.resource.uri === 'string') {
    const r = value.resource;
    if (typeof r.text !== 'string' && typeof r.blob !== 'string') return undefined;
    return { type, resource: { uri: r.uri, ...(typeof r.mimeType === 'string' ? { mimeType: r.mimeType } : {}), ...(typeof r.text === 'string' ? { text: r.text } : { blob: r.blob as string }) } } as Block;
  }
  if (type === 'resource_link' && typeof value.uri === 'string' && typeof value.name === 'string') {
    return { type, uri: value.uri, name: value.name, ...(typeof value.mimeType === 'string' ? { mimeType: value.mimeType } : {}), ...(typeof value.description === 'string' ? { description: value.description } : {}) } as Block;
  }
  return undefined;
}

/** How a media block reads in the JSON text once it travels as its own content block (`position` from 2). */
function standIn(block: Block, position: number): string {
  const b = block as { type: string; mimeType?: string; data?: string; resource?: { uri: string; blob?: string; text?: string }; uri?: string };
  const size = b.data ?? b.resource?.blob ?? b.resource?.text;
  const what = b.type === 'resource_link' ? b.uri : `${b.mimeType ?? b.type}${size !== undefined ? `, ${size.length} characters` : ''}`;
  return `[${b.type}: ${what}; sent as content block ${position}]`;
}

/**
 * A structured answer as MCP content: its JSON text (`text`, already rendered), plus a content block for
 * each media value inside it (at most 16), which the text then names instead of repeating.
 */
export function withMediaBlocks(value: unknown, text: string): CallToolResult['content'] {
  if (!MEDIA_HINT.test(text)) return [{ type: 'text', text }];
  const blocks: Block[] = [];
  const standIns = new Map<unknown, string>();
  const walk = (node: unknown, depth: number): void => {
    if (blocks.length >= MAX_BLOCKS || depth > MAX_DEPTH || node === null || typeof node !== 'object') return;
    const block = mediaBlock(node);
    if (block) {
      blocks.push(block);
      standIns.set(node, standIn(block, blocks.length + 1));
      return;
    }
    for (const child of Array.isArray(node) ? node : Object.values(node)) walk(child, depth + 1);
  };
  walk(value, 0);
  if (blocks.length === 0) return [{ type: 'text', text }];
  const lean = JSON.stringify(value, (_key, v: unknown) => standIns.get(v) ?? v);
  return [{ type: 'text', text: lean }, ...blocks];
}

/**
 * A raw tool's value as MCP content: text as itself (not a quoted JSON string), media as content blocks,
 * anything else as JSON text.
 */
export function contentOfValue(value: unknown): CallToolResult['content'] {
  if (typeof value === 'string') return [{ type: 'text', text: value }];
  const single = mediaBlock(value);
  if (single) return [single];
  // An upstream's mixed answer, kept as it came: { content: [text, image, …] }.
  if (isRecord(value) && Array.isArray(value.content) && Object.keys(value).length === 1) {
    const blocks = value.content.map((c) => mediaBlock(c) ?? (isRecord(c) && c.type === 'text' && typeof c.text === 'string' ? ({ type: 'text', text: c.text } as Block) : undefined));
    if (blocks.length > 0 && blocks.every((b) => b !== undefined)) return blocks as Block[];
  }
  return withMediaBlocks(value, JSON.stringify(value) ?? 'null');
}
