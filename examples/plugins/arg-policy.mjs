/**
 * Request plugin: an allow-list of argument names per tool. options.allow maps a tool name (or '*') to
 * the argument names it may be called with; a call with any other argument is refused with
 * POLICY_DENIED, naming it. Tools the list does not name pass unchanged.
 */
export default async function argPolicy({ tool, args, options }) {
  const allow = options.allow ?? {};
  const allowed = allow[tool] ?? allow['*'];
  if (!Array.isArray(allowed)) return {};
  const refused = Object.keys(args).filter((name) => !allowed.includes(name));
  if (refused.length === 0) return {};
  return { error: { code: 'POLICY_DENIED', message: `argument${refused.length > 1 ? 's' : ''} ${refused.join(', ')} not allowed for ${tool} (allowed: ${allowed.join(', ') || 'none'})` } };
}
