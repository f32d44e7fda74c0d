import Ajv2020 from 'ajv/dist/2020';
import { startHttpServer, type RunningServer } from '../../src/http';
import { silentLogger } from '../../src/log';
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import { httpRequest, postJson } from '../helpers/http';

describe('GET /openapi.json describes the REST API as it behaves', () => {
  let g: TestGateway;
  let server: RunningServer;
  let doc: Record<string, unknown>;
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  beforeAll(async () => {
    g = await startTestGateway();
    server = await startHttpServer({ gateway: g.gateway, log: silentLogger(), host: '127.0.0.1', port: 0, bodyLimitBytes: 64 * 1024, shutdownGraceMs: 2_000 });
    doc = (await httpRequest(`${server.url}/openapi.json`)).body as Record<string, unknown>;
    ajv.addSchema({ ...doc, $id: 'openapi' });
  });
  afterAll(() => server.close());
  const schema = (name: string) => ajv.getSchema(`openapi#/components/schemas/${name}`)!;

  test('an OpenAPI 3.1 document with every route and error shape', () => {
    expect(doc.openapi).toBe('3.1.0');
    const paths = doc.paths as Record<string, Record<string, { responses: Record<string, unknown> }>>;
    expect(Object.keys(paths).sort()).toEqual(['/health', '/metrics', '/openapi.json', '/ready', '/v1/approvals', '/v1/describe', '/v1/execute', '/v1/invoke', '/v1/jobs', '/v1/jobs/{id}', '/v1/jobs/{id}/approvals/{approvalId}', '/v1/search']);
    for (const route of ['/v1/search', '/v1/describe', '/v1/execute', '/v1/invoke']) expect(Object.keys(paths[route]!.post!.responses)).toEqual(expect.arrayContaining(['200', '400', '401', '429']));
  });

  test.each([
    ['/v1/search', { query: 'overdue invoices' }],
    ['/v1/search', { queries: ['a', 'b'], topK: 5, minScore: 0.1 }],
    ['/v1/search', { query: 'x', topK: 51 }],
    ['/v1/search', { query: 'x', queries: ['y'] }],
    ['/v1/search', {}],
    ['/v1/describe', { names: ['users:list'] }],
    ['/v1/describe', { names: [] }],
    ['/v1/execute', { script: 'return 1', timeoutMs: 500, context: { a: 1 } }],
    ['/v1/execute', { script: '' }],
    ['/v1/execute', { script: 'return 1', extra: true }],
    ['/v1/invoke', { name: 'users:get', input: { id: 'u_0001' } }],
    ['/v1/invoke', { name: 42 }],
  ])('%s %j: the documented schema and the API agree', async (route, body) => {
    const name = { '/v1/search': 'SearchRequest', '/v1/describe': 'DescribeRequest', '/v1/execute': 'ExecuteRequest', '/v1/invoke': 'InvokeRequest' }[route]!;
    const documented = schema(name)(body) as boolean;
    const res = await postJson(`${server.url}${route}`, body);
    expect({ documented, accepted: res.status === 200 }).toEqual({ documented, accepted: documented });
    const responseSchema = res.status === 200 ? { '/v1/search': 'SearchResponse', '/v1/describe': 'DescribeResponse', '/v1/execute': 'ExecutionEnvelope', '/v1/invoke': 'InvokeResponse' }[route]! : 'ErrorBody';
    const validate = schema(responseSchema);
    expect([validate(res.body), validate.errors]).toEqual([true, null]);
  });
});
