/**
 * The demo catalog as a tool module, the form any operator's tools take: `sources.demo` adds this directory
 * to `sources.modules`. Built only on the package's public API (`defineTool`, `ToolFailure`, the types), so
 * it also shows that API is enough for a catalog of this size.
 */
import { defineTool } from '../../src';
import { createDemoTools } from '../catalog';

export const tools = createDemoTools().map((tool) => defineTool(tool));
