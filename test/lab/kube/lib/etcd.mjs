// A small client for etcd's v3 JSON gateway (/v3/kv/*) over mutual TLS: the lab apiserver's object
// store. Tries each endpoint in turn, as the real apiserver's etcd client balances over --etcd-servers.
import https from 'node:https';
import { readFileSync } from 'node:fs';

const b64 = (s) => Buffer.from(s).toString('base64');
const unb64 = (s) => Buffer.from(s ?? '', 'base64').toString();

/** The etcd key range end for "every key under prefix". */
function prefixEnd(prefix) {
  const b = Buffer.from(prefix);
  b[b.length - 1] += 1;
  return b.toString('base64');
}

/** etcd client over the gateway. */
export class Etcd {
  constructor({ endpoints, ca, cert, key }) {
    this.endpoints = endpoints;
    this.tls = { ca: ca && readFileSync(ca), cert: cert && readFileSync(cert), key: key && readFileSync(key) };
    this.preferred = 0;
    // the apiserver keeps its etcd connections open (a TLS handshake per call cost both sides most of their CPU)
    this.agent = new https.Agent({ keepAlive: true, maxSockets: 8 });
  }

  async call(path, body) {
    let lastErr;
    for (let i = 0; i < this.endpoints.length; i++) {
      const idx = (this.preferred + i) % this.endpoints.length;
      try {
        const r = await this.callOne(this.endpoints[idx], path, body).catch((e) => (e.reused ? this.callOne(this.endpoints[idx], path, body, false) : Promise.reject(e)));
        this.preferred = idx;
        return r;
      } catch (e) {
        lastErr = e;
      }
    }
    throw lastErr;
  }

  callOne(endpoint, path, body, agent = this.agent) {
    const u = new URL(path, endpoint);
    const data = JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const req = https.request(u, { method: 'POST', ...this.tls, agent, timeout: 5000, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) } }, (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString();
          if (res.statusCode !== 200) return reject(new Error(`etcd ${endpoint}: HTTP ${res.statusCode}: ${text.trim()}`));
          try {
            resolve(JSON.parse(text));
          } catch (e) {
            reject(e);
          }
        });
      });
      req.on('timeout', () => req.destroy(new Error(`etcd ${endpoint}: timeout`)));
      // a kept-alive connection etcd had closed: the caller tries once more on a fresh one
      req.on('error', (e) => reject(req.reusedSocket && e.code === 'ECONNRESET' ? Object.assign(e, { reused: true }) : e));
      req.end(data);
    });
  }

  /** One key: { value, modRevision } or undefined. */
  async get(key) {
    const r = await this.call('/v3/kv/range', { key: b64(key) });
    const kv = r.kvs?.[0];
    return kv ? { value: unb64(kv.value), modRevision: Number(kv.mod_revision) } : undefined;
  }

  /** Every key under a prefix. */
  async list(prefix) {
    const r = await this.call('/v3/kv/range', { key: b64(prefix), range_end: prefixEnd(prefix) });
    return { items: (r.kvs ?? []).map((kv) => ({ key: unb64(kv.key), value: unb64(kv.value), modRevision: Number(kv.mod_revision) })), revision: Number(r.header?.revision ?? 0) };
  }

  /**
   * Writes a key when its mod revision is `expect` (0: must not exist; undefined: unconditional).
   * Returns the new revision, or undefined when the precondition failed.
   */
  async put(key, value, expect) {
    if (expect === undefined) {
      const r = await this.call('/v3/kv/put', { key: b64(key), value: b64(value) });
      return Number(r.header?.revision ?? 0);
    }
    const r = await this.call('/v3/kv/txn', {
      compare: [{ key: b64(key), target: 'MOD', result: 'EQUAL', mod_revision: String(expect) }],
      success: [{ request_put: { key: b64(key), value: b64(value) } }],
    });
    return r.succeeded ? Number(r.header?.revision ?? 0) : undefined;
  }

  /** Deletes a key; true when it existed. */
  async del(key) {
    const r = await this.call('/v3/kv/deleterange', { key: b64(key) });
    return Number(r.deleted ?? 0) > 0;
  }

  /** True when some endpoint answers. */
  async healthy() {
    try {
      await this.call('/v3/kv/range', { key: b64('health') });
      return true;
    } catch {
      return false;
    }
  }
}
