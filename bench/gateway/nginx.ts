import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const NGINX = '/usr/sbin/nginx';

/**
 * Candidate (b): nginx as reverse proxy with limit_req keyed like Rampart's two limits — client address
 * (per-ip) and the join token taken from the path (per-token) — at a rate it never reaches, keep-alive to the
 * upstream, one worker (a Node proxy is one thread too), no access log.
 */
export function writeNginxConfig(dir: string, port: number, upstreamPort: number): string {
  for (const d of ['logs', 'tmp']) mkdirSync(join(dir, d), { recursive: true });
  const file = join(dir, 'nginx.conf');
  writeFileSync(file, `
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/logs/error.log warn;
${process.getuid?.() === 0 ? 'user root;' : ''}
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path ${dir}/tmp/body;
  proxy_temp_path ${dir}/tmp/proxy;
  fastcgi_temp_path ${dir}/tmp/fastcgi;
  uwsgi_temp_path ${dir}/tmp/uwsgi;
  scgi_temp_path ${dir}/tmp/scgi;
  upstream app {
    server 127.0.0.1:${upstreamPort};
    keepalive 128;
  }
  map $uri $join_token {
    "~^/api/v1/(?:events|gallery)/(?<t>[^/]+)/" $t;
    default "";
  }
  limit_req_zone $binary_remote_addr zone=perip:10m rate=1000000r/s;
  limit_req_zone $join_token zone=pertoken:10m rate=1000000r/s;
  limit_req_status 429;
  server {
    listen 127.0.0.1:${port};
    keepalive_requests 1000000;
    location / {
      limit_req zone=perip burst=100000 nodelay;
      limit_req zone=pertoken burst=100000 nodelay;
      proxy_pass http://app;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto $scheme;
    }
  }
}
`);
  return file;
}
