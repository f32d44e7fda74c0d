/**
 * Response plugin: keeps a result under options.maxBytes (default 20000) of JSON. A list (the result
 * itself, or its largest list field, such as a page's items) keeps as many leading items as fit, with a
 * `truncated` marker saying how many were left out; anything else becomes a text preview with a marker.
 */
export default async function truncate({ result, options }) {
  const maxBytes = Number.isInteger(options.maxBytes) && options.maxBytes > 0 ? options.maxBytes : 20000;
  const size = (v) => Buffer.byteLength(JSON.stringify(v) ?? '');
  const total = size(result);
  if (total <= maxBytes) return {};
  const fit = (list, build) => {
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      if (size(build(list.slice(0, mid), list.length - mid)) <= maxBytes) lo = mid;
      else hi = mid - 1;
    }
    return build(list.slice(0, lo), list.length - lo);
  };
  const marker = (omitted) => ({ omittedItems: omitted, originalBytes: total, maxBytes, note: `[truncated by the gateway: ${omitted} items left out]` });
  if (Array.isArray(result)) return { result: fit(result, (kept, omitted) => [...kept, { truncated: marker(omitted) }]) };
  if (result !== null && typeof result === 'object') {
    const lists = Object.entries(result).filter(([, v]) => Array.isArray(v)).sort(([, a], [, b]) => size(b) - size(a));
    if (lists.length > 0) {
      const [key, list] = lists[0];
      const cut = fit(list, (kept, omitted) => ({ ...result, [key]: kept, truncated: marker(omitted) }));
      if (size(cut) <= maxBytes) return { result: cut };
    }
  }
  const text = JSON.stringify(result);
  return { result: { truncated: { originalBytes: total, maxBytes, note: '[truncated by the gateway: a preview of the JSON follows]' }, preview: text.slice(0, Math.max(0, maxBytes - 200)) } };
}
