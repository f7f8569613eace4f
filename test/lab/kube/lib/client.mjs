// Kubeconfigs and an HTTPS client that verifies the apiserver's certificate against the CA and the
// server name in the kubeconfig, as client-go does, and words failures as kubectl prints them.
import https from 'node:https';
import { Fatal, YAML, readMaybe } from './common.mjs';

/** Builds a kubeconfig (the shape kubeadm writes). */
export function makeKubeconfig({ cluster = 'kubernetes', server, caPem, user, certPem, keyPem, token }) {
  const u = token ? { token } : { 'client-certificate-data': b64(certPem), 'client-key-data': b64(keyPem) };
  return YAML.stringify({
    apiVersion: 'v1',
    clusters: [{ cluster: { 'certificate-authority-data': b64(caPem), server }, name: cluster }],
    contexts: [{ context: { cluster, user }, name: `${user}@${cluster}` }],
    'current-context': `${user}@${cluster}`,
    kind: 'Config',
    preferences: {},
    users: [{ name: user, user: u }],
  });
}

const b64 = (s) => Buffer.from(s).toString('base64');

/** Reads a kubeconfig file into { server, ca, cert, key, token, path }. */
export function loadKubeconfig(path) {
  const text = readMaybe(path);
  if (text === undefined) throw new Fatal(`error: stat ${path}: no such file or directory`);
  const doc = YAML.parse(text) ?? {};
  const ctxName = doc['current-context'];
  const ctx = (doc.contexts ?? []).find((c) => c.name === ctxName)?.context ?? doc.contexts?.[0]?.context ?? {};
  const cluster = (doc.clusters ?? []).find((c) => c.name === ctx.cluster)?.cluster ?? doc.clusters?.[0]?.cluster ?? {};
  const user = (doc.users ?? []).find((u) => u.name === ctx.user)?.user ?? doc.users?.[0]?.user ?? {};
  const fromData = (d, file) => (d ? Buffer.from(d, 'base64').toString() : file ? readMaybe(file) : undefined);
  return {
    path,
    doc,
    server: cluster.server,
    ca: fromData(cluster['certificate-authority-data'], cluster['certificate-authority']),
    insecure: cluster['insecure-skip-tls-verify'] === true,
    cert: fromData(user['client-certificate-data'], user['client-certificate']),
    key: fromData(user['client-key-data'], user['client-key']),
    token: user.token,
  };
}

/** An API error carrying the HTTP status and the Status object's message. */
export class ApiError extends Error {
  constructor(status, body) {
    super(body?.message ?? `the server returned HTTP ${status}`);
    this.status = status;
    this.reason = body?.reason;
  }
}

/** A connection-level failure, worded like Go's net/http and crypto/tls. */
export class ConnError extends Error {
  constructor(message, refused = false) {
    super(message);
    this.refused = refused;
  }
}

function goTlsMessage(e, host) {
  if (e.code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    const alt = e.cert?.subjectaltname ?? '';
    const names = alt.split(/,\s*/).map((x) => x.replace(/^(DNS|IP Address):/, ''));
    return `tls: failed to verify certificate: x509: certificate is valid for ${names.join(', ')}, not ${host}`;
  }
  if (['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'SELF_SIGNED_CERT_IN_CHAIN', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'CERT_SIGNATURE_FAILURE'].includes(e.code)) {
    return 'tls: failed to verify certificate: x509: certificate signed by unknown authority';
  }
  if (e.code === 'CERT_HAS_EXPIRED') return 'tls: failed to verify certificate: x509: certificate has expired or is not yet valid';
  return undefined;
}

// one pool for every kept-alive client of a process (connections are told apart by server and credentials)
const keepAliveAgent = new https.Agent({ keepAlive: true, maxSockets: 4 });

/** A client for one kubeconfig (or explicit server/credentials). */
export class KubeClient {
  constructor(cfg, opts = {}) {
    this.cfg = cfg;
    this.server = opts.server ?? cfg.server;
    if (!this.server) throw new Fatal('error: no server found for cluster');
    this.timeoutMs = opts.timeoutMs ?? 10000;
    this.insecure = opts.insecure ?? cfg.insecure;
    // kubeadm tries its API calls again for a while (client-go's retries, kubeadm's API call timeouts);
    // kubectl does not: retryMs > 0 retries a request whose connection failed (not a TLS verification error)
    this.retryMs = opts.retryMs ?? 0;
    // long-running stand-ins (kubelet, controllers) keep their connections open, as client-go does: a TLS
    // handshake per request was most of an idle lab's CPU
    this.agent = opts.keepAlive ? keepAliveAgent : false;
  }

  /** host:port as error messages print it. */
  get hostPort() {
    const u = new URL(this.server);
    return `${u.hostname}:${u.port || 443}`;
  }

  /** A request, tried again every 500 ms within retryMs while its connection fails (refused, reset, timed out). */
  async request(method, path, body, headers = {}) {
    const until = Date.now() + this.retryMs;
    for (;;) {
      try {
        return await this.requestOnce(method, path, body, headers);
      } catch (e) {
        // a kept-alive connection the server had closed: once more on a fresh one
        if (e instanceof ConnError && e.reused) {
          try {
            return await this.requestOnce(method, path, body, headers, false);
          } catch (e2) {
            e = e2;
          }
        }
        if (!(e instanceof ConnError) || e.tls || Date.now() >= until) throw e;
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  }

  /** One request; resolves to the parsed JSON body, rejects with ApiError or ConnError. */
  requestOnce(method, path, body, headers = {}, agent = this.agent) {
    const u = new URL(path, this.server);
    const data = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const req = https.request(
        u,
        {
          method,
          ca: this.cfg.ca,
          cert: this.cfg.cert,
          key: this.cfg.key,
          rejectUnauthorized: !this.insecure,
          agent,
          timeout: this.timeoutMs,
          headers: {
            accept: 'application/json',
            ...(data !== undefined ? { 'content-type': headers['content-type'] ?? 'application/json', 'content-length': Buffer.byteLength(data) } : {}),
            ...(this.cfg.token ? { authorization: `Bearer ${this.cfg.token}` } : {}),
            ...headers,
          },
        },
        (res) => {
          const chunks = [];
          res.on('data', (c) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString();
            let json;
            try {
              json = text ? JSON.parse(text) : {};
            } catch {
              json = { message: text };
            }
            if ((res.statusCode ?? 500) >= 400) reject(new ApiError(res.statusCode, json));
            else resolve(json);
          });
        },
      );
      req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })));
      req.on('error', (e) => {
        if (req.reusedSocket && e.code === 'ECONNRESET') return reject(Object.assign(new ConnError(`Get "${u.href}": ${e.message}`), { reused: true }));
        const tls = goTlsMessage(e, u.hostname);
        if (tls) reject(Object.assign(new ConnError(`Get "${u.href}": ${tls}`), { tls: true }));
        else if (e.code === 'ECONNREFUSED') reject(new ConnError(`dial tcp ${this.hostPort}: connect: connection refused`, true));
        else if (e.code === 'ETIMEDOUT') reject(new ConnError(`Get "${u.href}": net/http: request canceled while waiting for connection (Client.Timeout exceeded while awaiting headers)`));
        else if (e.code === 'EHOSTUNREACH') reject(new ConnError(`dial tcp ${this.hostPort}: connect: no route to host`));
        else if (e.code === 'ENOTFOUND' || e.code === 'EAI_AGAIN') reject(new ConnError(`dial tcp: lookup ${u.hostname}: no such host`));
        else reject(new ConnError(`Get "${u.href}": ${e.message}`));
      });
      if (data !== undefined) req.write(data);
      req.end();
    });
  }

  get(path) {
    return this.request('GET', path);
  }
  post(path, body) {
    return this.request('POST', path, body);
  }
  put(path, body) {
    return this.request('PUT', path, body);
  }
  patch(path, body, type = 'application/merge-patch+json') {
    return this.request('PATCH', path, body, { 'content-type': type });
  }
  delete(path) {
    return this.request('DELETE', path);
  }

  /** GET that returns undefined on 404. */
  async getMaybe(path) {
    try {
      return await this.get(path);
    } catch (e) {
      if (e instanceof ApiError && e.status === 404) return undefined;
      throw e;
    }
  }

  /** Creates or replaces an object at `path` (collection path + name). */
  async upsert(collection, obj) {
    try {
      return await this.post(collection, obj);
    } catch (e) {
      if (e instanceof ApiError && e.status === 409) return this.put(`${collection}/${obj.metadata.name}`, obj);
      throw e;
    }
  }
}

/** The REST path of a resource as the lab's apiserver serves it. */
export function resourcePath(resource, ns, name) {
  const group = { deployments: '/apis/apps/v1', daemonsets: '/apis/apps/v1', leases: '/apis/coordination.k8s.io/v1', certificatesigningrequests: '/apis/certificates.k8s.io/v1' }[resource] ?? '/api/v1';
  const clusterScoped = ['nodes', 'namespaces', 'certificatesigningrequests'].includes(resource);
  return `${group}${clusterScoped || !ns ? '' : `/namespaces/${ns}`}/${resource}${name ? `/${name}` : ''}`;
}
