// HTTP on the host for get_url and uri: one curl run per request, its settings (credentials, headers,
// TLS, proxy) given on standard input (`-K -`) so no secret is ever on a command line, the response's
// status line and headers read back from a file.
import { shellQuote as q } from '../util/shell.js';
import type { HostIO } from './types.js';

/** What a request got: status and reason, headers (names lowercased), redirects followed; or curl's error. */
export interface CurlResponse {
  code: number;
  reason: string;
  headers: Record<string, string>;
  redirects: number;
  /** The URL the response came from (the last one when redirected). */
  url: string;
  /** Why there is no response, as Ansible's fetch_url words it ("Request failed: <urlopen error …>",
   * "Connection failure: timed out"). */
  error?: string;
  /** A file: URL read on the host: no HTTP status (Ansible reports `status_code: null`). */
  local?: true;
}

/** How one request is made besides the module's common options. */
export interface CurlRequest {
  method?: string;
  /** A file on the host sent as the body. */
  bodyFile?: string;
  follow: boolean;
  /** Where the body goes on the host. */
  out: string;
  /** The module's default timeout in seconds (get_url 10, uri 30). */
  timeout: number;
  /** Only the headers are asked for (HEAD): get_url's check mode. */
  head?: boolean | undefined;
}

// a value in curl's configuration, quoted; a line break would start another setting (or another HTTP
// header), so it is refused
function quoted(s: string): string {
  if (/[\r\n]/.test(s)) throw new Error('a header, user, password or agent value must be one line (it holds a line break)');
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

// the options of get_url and uri that curl's configuration reads (headers aside)
const SETTINGS = ['timeout', 'validate_certs', 'ca_path', 'client_cert', 'client_key', 'url_username', 'url_password', 'force_basic_auth', 'http_agent', 'use_proxy', 'unix_socket'] as const;

/** A request's settings from a module's options: the ones given of those curl reads, and the headers when there are any. */
export function requestSettings(o: Readonly<Record<string, unknown>>, headers?: Record<string, unknown>): Record<string, unknown> {
  const picked: Record<string, unknown> = Object.fromEntries(SETTINGS.flatMap((k) => (o[k] === undefined ? [] : [[k, o[k]]])));
  return headers !== undefined && Object.keys(headers).length ? { ...picked, headers } : picked;
}

// curl's configuration from the options get_url and uri share
function config(a: Record<string, unknown>, req: CurlRequest, extraHeaders: Record<string, string>): string {
  const lines = ['silent', 'show-error', `max-time = ${Number(a.timeout ?? req.timeout)}`, 'write-out = "%{num_redirects} %{url_effective}\\n"'];
  if (req.follow) lines.push('location');
  if (req.method) lines.push(`request = ${quoted(req.method)}`);
  if (req.head) lines.push('head');
  if (req.bodyFile) lines.push(`data-binary = ${quoted(`@${req.bodyFile}`)}`);
  if (a.validate_certs === false) lines.push('insecure');
  if (a.ca_path !== undefined) lines.push(`cacert = ${quoted(String(a.ca_path))}`);
  if (a.client_cert !== undefined) lines.push(`cert = ${quoted(String(a.client_cert))}`);
  if (a.client_key !== undefined) lines.push(`key = ${quoted(String(a.client_key))}`);
  if (a.url_username !== undefined) {
    lines.push(`user = ${quoted(`${String(a.url_username)}:${String(a.url_password ?? '')}`)}`);
    // force_basic_auth: credentials sent with the first request; else only when the server asks for them
    if (a.force_basic_auth !== true) lines.push('anyauth');
  }
  if (a.http_agent !== undefined) lines.push(`user-agent = ${quoted(String(a.http_agent))}`);
  if (a.use_proxy === false) lines.push('noproxy = "*"');
  if (a.unix_socket !== undefined) lines.push(`unix-socket = ${quoted(String(a.unix_socket))}`);
  const headers = { ...extraHeaders, ...((a.headers as Record<string, unknown> | undefined) ?? {}) };
  for (const [k, v] of Object.entries(headers)) lines.push(`header = ${quoted(`${k}: ${String(v)}`)}`);
  return lines.join('\n') + '\n';
}

// the errno texts Python's urllib shows for a connection that failed
const ERRNO: Record<string, number> = { 'Connection refused': 111, 'No route to host': 113, 'Network is unreachable': 101, 'Connection timed out': 110 };

// Python's ssl words for a failed TLS connection, from curl's (OpenSSL's reason, or the verification's);
// the `(_ssl.c:LINE)` Python adds is left out: it depends on the host's Python build
function sslError(rc: number, stderr: string): string | undefined {
  const text = stderr.replace(/^curl: \(\d+\) /, '').split('\n')[0] ?? '';
  if (rc === 60) {
    const mismatch = /no alternative certificate subject name matches target host name '([^']*)'|subject name '[^']*' does not match target host name '([^']*)'/.exec(text);
    if (mismatch) {
      const name = mismatch[1] ?? mismatch[2] ?? '';
      return `[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: ${/^[\d.]+$|:/.test(name) ? 'IP address' : 'Hostname'} mismatch, certificate is not valid for '${name}'.`;
    }
    const problem = /^SSL certificate problem: (.*)$/.exec(text);
    if (problem) return `[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: ${problem[1] ?? ''}`;
  }
  if (rc === 35) {
    // OpenSSL's "error:0A00010B:SSL routines::wrong version number": Python names the reason's code
    const reason = /error:[0-9A-F]+:[^:]*:[^:]*:(.+)$/.exec(text)?.[1]?.trim();
    if (reason) return `[SSL: ${reason.toUpperCase().replace(/[^A-Z0-9]+/g, '_')}] ${reason}`;
  }
  return undefined;
}

// why a request got no response, as Ansible's fetch_url words it (Python's urllib's `<urlopen error …>`
// after "Request failed: ", a socket's "Connection failure: …"): curl does not name the errno when it
// cannot connect, so the host's own connect says it (only when no proxy stands between); else curl's own words
async function urlError(host: HostIO, url: string, rc: number, stderr: string, socket?: string): Promise<string> {
  // through a Unix socket: no name is looked up, and the socket's absence or refusal is the error, in the
  // words of Ansible's connection to a socket
  if (socket !== undefined && rc === 7) {
    const there = await host.run(`[ -S ${q(socket)} ]`);
    return `Request failed: <urlopen error Invalid Socket File (${socket}): ${there.rc === 0 ? '[Errno 111] Connection refused' : '[Errno 2] No such file or directory'}>`;
  }
  if (rc === 6) return 'Request failed: <urlopen error [Errno -2] Name or service not known>';
  // a timeout while connecting is urllib's; one while reading the response is the socket's
  if (rc === 28) return /Connection timed out|Resolving timed out/.test(stderr) ? 'Request failed: <urlopen error timed out>' : 'Connection failure: timed out';
  // a CA file that cannot be read fails as Python's ssl context loading it does
  const caFile = rc === 77 ? /error setting certificate file: (.*)/.exec(stderr)?.[1]?.trim() : undefined;
  if (caFile !== undefined && (await host.run(`[ -e ${q(caFile)} ]`)).rc !== 0) return `Connection failure: [Errno 2] No such file or directory: b'${caFile}'`;
  const ssl = sslError(rc, stderr);
  if (ssl !== undefined) return `Request failed: <urlopen error ${ssl}>`;
  if (rc === 7) {
    let target: URL | undefined;
    try {
      target = new URL(url);
    } catch {
      target = undefined;
    }
    const port = target?.port || (target?.protocol === 'https:' ? '443' : '80');
    const name = target?.hostname.replace(/^\[|\]$/g, '');
    if (name && /^https?:$/.test(target?.protocol ?? '')) {
      const probe = await host.run(`[ -z "$http_proxy$https_proxy$HTTP_PROXY$HTTPS_PROXY$all_proxy$ALL_PROXY" ] && command -v bash >/dev/null && timeout 5 bash -c 'exec 3<>/dev/tcp/'${q(name)}'/${port}' 2>&1`);
      const why = Object.keys(ERRNO).find((t) => probe.stdout.includes(t));
      if (why !== undefined) return `Request failed: <urlopen error [Errno ${ERRNO[why]}] ${why}>`;
    }
  }
  return `Request failed: ${(stderr || `curl exited with ${rc}`).trim()}`;
}

/** Whether a URL names a file on the host, which Ansible's urllib reads with no HTTP status at all. */
export function isFileUrl(url: string): boolean {
  return /^file:/i.test(url);
}

// the path a file: URL names on the host
function fileUrlPath(url: string): string {
  const path = url.replace(/^file:(\/\/[^/]*)?/i, '');
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

// why a file: URL could not be read, in the words of Python's urllib opening it
async function fileUrlError(host: HostIO, url: string): Promise<string> {
  const path = fileUrlPath(url);
  const there = (await host.run(`if [ -d ${q(path)} ]; then echo directory; elif [ -e ${q(path)} ]; then echo there; fi`)).stdout.trim();
  const why = there === 'directory' ? '21] Is a directory' : there === 'there' ? '13] Permission denied' : '2] No such file or directory';
  return `Request failed: <urlopen error [Errno ${why}: '${path}'>`;
}

// a response's headers (names lowercased); a header given twice (Set-Cookie) is joined with ", ", as
// Python's HTTP client gives it to Ansible
function headerFields(lines: string[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const i = line.indexOf(':');
    if (i <= 0) continue;
    const name = line.slice(0, i).trim().toLowerCase();
    const value = line.slice(i + 1).trim();
    headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
  }
  return headers;
}

/** One request with curl on the host (the last response's status line and headers when redirected). */
export async function curl(host: HostIO, a: Record<string, unknown>, url: string, req: CurlRequest, extraHeaders: Record<string, string> = {}): Promise<CurlResponse> {
  const h = `${req.out}.h`;
  const local = isFileUrl(url);
  // a file is read whole, whatever the method (urllib's file handler takes no HEAD); a directory is not
  // read (curl would give nothing where urllib fails)
  const notDir = local ? `[ -d ${q(fileUrlPath(url))} ] && { echo ----; exit 21; }; ` : '';
  const r = await host.run(`${notDir}curl -K - -D ${q(h)} -o ${q(req.out)} -- ${q(url)}; rc=$?; echo ----; cat ${q(h)} 2>/dev/null; rm -f ${q(h)}; exit $rc`, { stdin: config(a, local ? { ...req, head: false } : req, extraHeaders) });
  const [written = '', head = ''] = r.stdout.split('\n----\n');
  if (local) {
    if (r.rc !== 0) return { code: -1, reason: '', headers: {}, redirects: 0, url, error: await fileUrlError(host, url) };
    return { code: 200, reason: 'OK', headers: headerFields(head.split(/\r?\n/)), redirects: 0, url, local: true };
  }
  // with redirects the header file holds every response: the last status line starts the last one
  const blocks = head.split(/\r?\n(?=HTTP\/)/);
  const last = blocks[blocks.length - 1] ?? '';
  const m = /^HTTP\/\S+\s+(\d{3})[ \t]*([^\r\n]*)/.exec(last);
  if (r.rc !== 0 && !m) return { code: -1, reason: '', headers: {}, redirects: 0, url, error: await urlError(host, url, r.rc, r.stderr, a.unix_socket === undefined ? undefined : String(a.unix_socket)) };
  const headers = headerFields(last.split(/\r?\n/).slice(1));
  const [redirects = '0', effective = url] = (written.trim().split('\n').pop() ?? '').split(' ');
  return { code: Number(m?.[1] ?? -1), reason: m?.[2] ?? '', headers, redirects: Number(redirects) || 0, url: effective || url };
}

/** A small body (a signing key) fetched on the host and brought back: the response and its bytes. */
export async function fetchBytes(host: HostIO, a: Record<string, unknown>, url: string, timeout: number): Promise<{ res: CurlResponse; body: Buffer }> {
  const dir = await hostTempDir(host);
  if (!dir) return { res: { code: -1, reason: '', headers: {}, redirects: 0, url, error: 'cannot create a temporary directory on the host' }, body: Buffer.alloc(0) };
  try {
    const res = await curl(host, a, url, { follow: true, out: `${dir}/body`, timeout });
    return { res, body: res.error === undefined ? ((await host.read(`${dir}/body`)) ?? Buffer.alloc(0)) : Buffer.alloc(0) };
  } finally {
    await host.run(`rm -rf -- ${q(dir)}`);
  }
}

/** The URL's file name, as Ansible's url_filename gives it: the path's last part (index.html when empty). */
export function urlFilename(url: string): string {
  const path = url.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i, '').replace(/[?#].*$/, '');
  return path.slice(path.lastIndexOf('/') + 1) || 'index.html';
}

/** A temporary directory on the host (in `near`'s directory when given, so a rename into place is atomic). */
export async function hostTempDir(host: HostIO, near?: string): Promise<string | undefined> {
  const cmd = near ? `d=$(dirname -- ${q(near)}) && [ -d "$d" ] && mktemp -d "$d/.kplay-http.XXXXXX"` : 'mktemp -d "${TMPDIR:-/tmp}/.kplay-http.XXXXXX"';
  const made = await host.run(cmd);
  const dir = made.stdout.trim();
  return made.rc === 0 && dir ? dir : undefined;
}
