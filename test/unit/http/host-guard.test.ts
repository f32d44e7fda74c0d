import { createHostGuard, isLoopbackAddress } from '../../../src/http/host-guard';

describe('host guard', () => {
  test.each([['127.0.0.1'], ['127.1.2.3'], ['::1'], ['localhost']])('bound to %s: on, loopback names only', (bindHost) => {
    const guard = createHostGuard({ bindHost, allowedHosts: [], allowedOrigins: [] })!;
    expect(guard({ host: '127.0.0.1:3000' }, '/v1/execute')).toBeUndefined();
    expect(guard({ host: '[::1]:3000' }, '/v1/execute')).toBeUndefined();
    expect(guard({ host: 'localhost' }, '/v1/execute')).toBeUndefined();
    expect(guard({ host: 'localhost.evil.example' }, '/v1/execute')?.code).toBe('HOST_NOT_ALLOWED');
    expect(guard({ host: '127.0.0.1.evil.example:3000' }, '/v1/execute')?.code).toBe('HOST_NOT_ALLOWED');
    expect(guard({ host: '192.168.1.10:3000' }, '/v1/execute')?.code).toBe('HOST_NOT_ALLOWED');
    expect(guard({}, '/v1/execute')?.code).toBe('HOST_NOT_ALLOWED');
    expect(guard({ host: 'localhost:3000', origin: 'http://[::1]:3000' }, '/v1/execute')).toBeUndefined();
    expect(guard({ host: 'localhost:3000', origin: 'https://evil.example' }, '/v1/execute')?.code).toBe('ORIGIN_NOT_ALLOWED');
  });

  test('bound to every interface with no list: off, authentication decides', () => {
    expect(createHostGuard({ bindHost: '0.0.0.0', allowedHosts: [], allowedOrigins: [] })).toBeUndefined();
    expect(isLoopbackAddress('0.0.0.0')).toBe(false);
    expect(isLoopbackAddress('app.localhost')).toBe(false);
  });

  test('lists compare case-insensitively, by name or name:port; an origin by its exact value', () => {
    const guard = createHostGuard({ bindHost: '0.0.0.0', allowedHosts: ['Gateway.Example.com', 'proxy.example.com:8443'], allowedOrigins: ['https://App.example.com/'] })!;
    expect(guard({ host: 'gateway.example.com:443' }, '/v1/execute')).toBeUndefined();
    expect(guard({ host: 'proxy.example.com:8443' }, '/v1/execute')).toBeUndefined();
    expect(guard({ host: 'proxy.example.com:9000' }, '/v1/execute')?.code).toBe('HOST_NOT_ALLOWED');
    expect(guard({ host: 'gateway.example.com', origin: 'https://app.example.com' }, '/v1/execute')).toBeUndefined();
    expect(guard({ host: 'gateway.example.com', origin: 'http://app.example.com' }, '/v1/execute')?.code).toBe('ORIGIN_NOT_ALLOWED');
    // A kubelet probes by the pod's IP: ops routes pass on a public bind, not on a loopback one.
    for (const path of ['/health', '/ready', '/metrics', '/ready?x=1']) expect(guard({ host: '10.0.0.7:3000' }, path)).toBeUndefined();
    expect(guard({ host: '10.0.0.7:3000' }, '/healthz')?.code).toBe('HOST_NOT_ALLOWED');
    expect(createHostGuard({ bindHost: '127.0.0.1', allowedHosts: [], allowedOrigins: [] })!({ host: 'evil.example' }, '/health')?.code).toBe('HOST_NOT_ALLOWED');
  });
});
