/**
 * What an upstream MCP tool's answer becomes for a script: structured content when the tool gives it;
 * one text block as its JSON value (or the text itself); one image, audio or resource block as that
 * block, a plain value `{ type, mimeType, data }` (or `{ type: 'resource', resource }`); several blocks
 * as `{ content: [...] }` with each block as it came.
 */
export function resultOf(result: { content?: unknown; structuredContent?: unknown }): unknown {
  if (result.structuredContent !== undefined) return result.structuredContent;
  const content = Array.isArray(result.content) ? (result.content as Record<string, unknown>[]) : [];
  if (content.length === 1) {
    const only = content[0]!;
    if (only.type === 'text' && typeof only.text === 'string') {
      try {
        return JSON.parse(only.text) as unknown;
      } catch {
        return only.text;
      }
    }
    if (only.type === 'image' || only.type === 'audio' || only.type === 'resource' || only.type === 'resource_link') return only;
  }
  return { content };
}

/**
 * A tool that can only run as a task (2025-11-25 `execution.taskSupport: "required"`): a plain call
 * always fails, and the client has no task support, so the tool is not offered at all.
 */
export function taskRequired(tool: { execution?: unknown }): boolean {
  const execution = tool.execution as { taskSupport?: unknown } | undefined;
  return execution?.taskSupport === 'required';
}
