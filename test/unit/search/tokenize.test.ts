import { contentWords, queryWords, segmentWord, splitClauses, splitWords, weightedQueryWords } from '../../../src/search';

describe('splitWords', () => {
  test.each([
    ['users:list_active', ['users', 'list', 'active']],
    ['billing.invoices-create', ['billing', 'invoices', 'create']],
    ['getUserById', ['get', 'user', 'by', 'id']],
    ['HTTPServerStatus', ['http', 'server', 'status']],
    ['t3ma v2 ipv4', ['t3ma', 'v2', 'ipv4']],
    ['Café résumé', ['café', 'résumé']],
    ['  ', []],
  ])('%s', (text, words) => {
    expect(splitWords(text)).toEqual(words);
  });
});

describe('splitWords: short forms and acronym plurals', () => {
  test('short forms are spelled out, in names and in text alike', () => {
    expect(splitWords('repos/list-for-org')).toEqual(['repositories', 'list', 'for', 'organization']);
    expect(splitWords('merge my PR')).toEqual(['merge', 'my', 'pull', 'request']);
    expect(splitWords('the env config')).toEqual(['the', 'environment', 'configuration']);
  });
  test("an acronym's plural stays one word, and is spelled out when it is a short form", () => {
    expect(splitWords('list PRs')).toEqual(['list', 'pull', 'requests']);
    expect(splitWords('URLs and IDs')).toEqual(['urls', 'and', 'ids']);
    expect(splitWords('HTTPServer')).toEqual(['http', 'server']);
  });
  test('a short form is not also kept whole as a query word', () => {
    expect(queryWords('repo stats')).toEqual(['repository', 'statistics']);
  });
});

describe('contentWords', () => {
  test('drops stop words and one-letter noise but keeps operation words and numbers', () => {
    expect(contentWords('How do I get all the users in a team?')).toEqual(['get', 'all', 'users', 'team']);
    expect(contentWords('error 404 x')).toEqual(['error', '404']);
  });
});

describe('queryWords', () => {
  test('a camelCase or mixed-case word also counts whole', () => {
    expect(queryWords('WhoIS lookup')).toEqual(['whois', 'lookup']);
    expect(queryWords('LeetCode scores')).toEqual(['leetcode', 'leet', 'code', 'scores']);
  });
  test('lunr query syntax is just text', () => {
    expect(queryWords('users:list -admin +name~2 title^10 foo*')).toEqual(['users', 'list', 'admin', 'name', '2', 'title', '10', 'foo']);
  });
});

describe('weightedQueryWords', () => {
  test('quoted values weigh less; bare numbers are dropped; apostrophes are not quotes', () => {
    const { weights, sequence } = weightedQueryWords("I'm looking for the movie 'Inception' from 2010", 0.3);
    expect(weights.get('movie')).toBe(1);
    expect(weights.get('inception')).toBe(0.3);
    expect(weights.has('2010')).toBe(false);
    expect(sequence).toEqual(['looking', 'movie']);
  });
  test('a word both quoted and bare keeps the bare weight', () => {
    expect(weightedQueryWords('search for "search"', 0.3).weights.get('search')).toBe(1);
  });
});

describe('segmentWord', () => {
  const vocabulary = new Map([
    ['get', 50],
    ['tech', 3],
    ['domains', 4],
    ['email', 9],
    ['verifier', 1],
    ['chapter', 2],
  ]);
  test('splits run-together words into known words, fewest parts first', () => {
    expect(segmentWord('gettechdomains', vocabulary)).toEqual(['get', 'tech', 'domains']);
    expect(segmentWord('emailverifier', vocabulary)).toEqual(['email', 'verifier']);
  });
  test('leaves known words, short words, words with digits and unsplittable words alone', () => {
    expect(segmentWord('chapter', vocabulary)).toEqual([]);
    expect(segmentWord('getx', vocabulary)).toEqual([]);
    expect(segmentWord('get2tech', vocabulary)).toEqual([]);
    expect(segmentWord('zzzzzzzz', vocabulary)).toEqual([]);
  });
});

describe('splitClauses', () => {
  test('splits chained requests', () => {
    expect(splitClauses('Find the weather in Paris. Also, convert 10 USD to EUR.')).toEqual(['Find the weather in Paris', 'convert 10 USD to EUR']);
    expect(splitClauses('Get the air quality in Berlin and the current weather in Tokyo')).toEqual(['Get the air quality in Berlin', 'the current weather in Tokyo']);
    expect(splitClauses('list invoices and then send a reminder')).toEqual(['list invoices', 'send a reminder']);
  });
  test('an abbreviation followed by lower case does not end a sentence', () => {
    expect(splitClauses('stock history for Apple Inc. on January 1')).toEqual(['stock history for Apple Inc. on January 1']);
  });
  test('clauses without content words are dropped', () => {
    expect(splitClauses('Show open tickets. Thanks!')).toEqual(['Show open tickets', 'Thanks']);
    expect(splitClauses('Can you? Please.')).toEqual([]);
  });
});
