/** The floor every HTTP figure is compared with: express answering a small JSON POST, etag off. */
import express from 'express';
import type { AddressInfo } from 'node:net';

const app = express();
app.disable('x-powered-by');
app.set('etag', false);
app.post('/v1/execute', express.json(), (_req, res) => {
  res.json({ status: 'ok', result: 1 });
});
const server = app.listen(0, '127.0.0.1', () => {
  console.log(JSON.stringify({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, pid: process.pid }));
});
process.once('SIGTERM', () => server.close(() => process.exit(0)));
