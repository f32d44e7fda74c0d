/**
 * Curated synonym groups. Words in a group are interchangeable in a tool query ("remove an invoice" finds
 * `billing:delete_invoice`); a query word adds the other words of its groups at a lower weight, so an
 * exact word still ranks first. Keep groups to true synonyms of operations and everyday domain nouns:
 * a loose group ("find" ~ "create") costs more precision than it buys recall.
 */
const GROUPS: readonly (readonly string[])[] = [
  // operations
  ['get', 'fetch', 'retrieve', 'obtain', 'read', 'lookup', 'look'],
  ['list', 'enumerate', 'browse'],
  ['search', 'find', 'query', 'lookup', 'locate'],
  ['create', 'add', 'new', 'make', 'insert', 'register', 'open'],
  ['update', 'modify', 'edit', 'change', 'patch', 'set', 'rename'],
  ['remove', 'delete', 'erase', 'drop', 'destroy', 'purge', 'discard'],
  ['cancel', 'abort', 'revoke', 'void'],
  ['deactivate', 'disable', 'suspend', 'block', 'ban'],
  ['activate', 'enable', 'reactivate', 'unblock', 'unban'],
  ['send', 'deliver', 'dispatch', 'notify', 'post'],
  ['calculate', 'compute', 'determine', 'estimate', 'calc'],
  ['convert', 'transform', 'translate'],
  ['validate', 'verify', 'check'],
  ['count', 'number', 'total', 'tally'],
  ['download', 'export'],
  ['upload', 'import'],
  ['archive', 'close'],
  ['restore', 'recover', 'undelete'],
  ['assign', 'allocate'],
  ['refund', 'reimburse', 'chargeback'],
  ['pay', 'payment', 'charge', 'settle'],
  ['subscribe', 'subscription', 'enroll', 'watch'],
  ['star', 'stargazer'],
  ['recommend', 'recommendation', 'suggest', 'suggestion'],
  ['summarize', 'summary', 'overview', 'digest'],
  // things
  ['billing', 'invoice', 'bill', 'invoicing'],
  ['user', 'account', 'member', 'person', 'profile'],
  ['customer', 'client', 'buyer'],
  ['company', 'business', 'firm', 'organization', 'organisation', 'org', 'enterprise'],
  ['employee', 'staff', 'worker'],
  ['ticket', 'issue', 'case', 'incident'],
  ['message', 'mail', 'email', 'notification'],
  ['phone', 'telephone', 'mobile', 'cell'],
  ['address', 'location', 'place'],
  ['city', 'town'],
  ['country', 'nation'],
  ['price', 'cost', 'fee', 'rate', 'quote'],
  ['product', 'item', 'article', 'sku'],
  ['order', 'purchase'],
  ['stock', 'share', 'equity', 'ticker'],
  ['inventory', 'stock'],
  ['crypto', 'cryptocurrency', 'coin', 'token'],
  ['currency', 'money', 'forex', 'fx'],
  ['image', 'picture', 'photo', 'img'],
  ['video', 'clip'],
  ['song', 'track', 'music'],
  ['movie', 'film'],
  ['show', 'series', 'tv'],
  ['book', 'novel'],
  ['news', 'article', 'headline'],
  ['job', 'position', 'vacancy', 'opening'],
  ['weather', 'forecast'],
  ['trip', 'travel', 'journey'],
  ['hotel', 'lodging', 'accommodation'],
  ['flight', 'airline'],
  ['car', 'vehicle', 'auto'],
  ['doc', 'document', 'file'],
  ['stat', 'statistic', 'metric', 'analytic'],
  ['report', 'summary'],
  ['schedule', 'calendar', 'appointment'],
  ['event', 'meeting'],
  ['game', 'match'],
  ['team', 'squad', 'group'],
  ['player', 'athlete'],
  ['recipe', 'dish', 'meal'],
  ['distance', 'length'],
  ['date', 'day'],
  ['time', 'clock'],
  ['zip', 'postcode', 'postal'],
  ['ip', 'ipv4', 'ipv6'],
  ['url', 'link', 'website', 'site', 'domain'],
  ['password', 'passphrase', 'credential'],
  ['permission', 'role', 'access'],
  ['webhook', 'callback', 'hook'],
  ['log', 'audit', 'history'],
];

/** word → the other words of every group it is in. */
export function buildSynonymMap(groups: readonly (readonly string[])[] = GROUPS): ReadonlyMap<string, readonly string[]> {
  const map = new Map<string, Set<string>>();
  for (const group of groups) {
    for (const word of group) {
      const others = map.get(word) ?? new Set<string>();
      for (const other of group) if (other !== word) others.add(other);
      map.set(word, others);
    }
  }
  return new Map([...map].map(([word, others]) => [word, [...others]]));
}

export const SYNONYMS = buildSynonymMap();

/**
 * A query about oneself ("list my repositories", "who am I") asks for the caller's own things, which
 * APIs name after the authenticated or current user (`repos/list-for-authenticated-user`, `GET /me`).
 */
export const FIRST_PERSON: ReadonlySet<string> = new Set(['i', 'me', 'my', 'mine', 'myself']);
export const SELF_WORDS: readonly string[] = ['authenticated', 'current'];
