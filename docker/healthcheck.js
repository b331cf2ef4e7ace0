// Docker HEALTHCHECK: GET /health of the app running as PID 1 (Kubernetes
// ignores HEALTHCHECK and uses the Deployments' probes instead). The app and
// its PORT are read from PID 1 itself, because `docker exec` does not inherit
// what the entrypoint chose; a migration run has no server and is "healthy".
'use strict';
const { readFileSync } = require('node:fs');
const http = require('node:http');

const DEFAULT_PORTS = { gateway: 4000, prompt: 4001, experiment: 4002, feedback: 4003, 'model-registry': 4004 };

function pid1(file) {
  try {
    return readFileSync(`/proc/1/${file}`, 'utf8').split('\0');
  } catch {
    return [];
  }
}

const cmdline = pid1('cmdline').join(' ');
if (cmdline.includes('migrate.js')) process.exit(0);
const app = (/dist\/apps\/([^/]+)\/main\.js/.exec(cmdline) || [])[1] || process.env.FLYWHEEL_APP || 'gateway';
const portEntry = pid1('environ').find((entry) => entry.startsWith('PORT='));
const port = Number((portEntry && portEntry.slice(5)) || process.env.PORT || DEFAULT_PORTS[app] || 4000);

const request = http.get({ host: '127.0.0.1', port, path: '/health', timeout: 2500 }, (response) => {
  response.resume();
  process.exit(response.statusCode === 200 ? 0 : 1);
});
request.on('timeout', () => request.destroy(new Error('timeout')));
request.on('error', () => process.exit(1));
