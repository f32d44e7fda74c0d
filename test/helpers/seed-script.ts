/** The seed example: the ten most recently active users whose first name starts with "me", paging through users:list. */
export const SEED = `
  const tenDaysAgo = Date.now() - 10 * 24 * 3600 * 1000;
  const hits = [];
  let offset = 0;
  do {
    const page = await callTool('users:list', { limit: 500, offset });
    hits.push(...page.items.filter(u => u.firstName.toLowerCase().startsWith('me') && Date.parse(u.lastLogin) >= tenDaysAgo));
    offset = page.nextOffset;
  } while (offset != null);
  return hits.sort((a, b) => b.lastLogin.localeCompare(a.lastLogin)).slice(0, 10).map(u => u.firstName);
`;
