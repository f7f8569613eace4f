import { describe, expect, it } from 'vitest';
import { REDACTED, isSecretName, redactSecrets } from '../../engine/vars/secrets.js';

describe('secret variables', () => {
  it.each([
    ['ansible_password', true],
    ['ansible_become_pass', true],
    ['KEEPALIVED_AUTH_PASS', true],
    ['kubeadm_join_token', true],
    ['CERTIFICATE_KEY', true],
    ['etcd_secret', true],
    ['ansible_ssh_private_key_file', false],
    ['passive_mode', false],
    ['tokens_dir', false],
    ['KUBERNETES_VERSION', false],
    // the getent module's facts: the passwd database is names, ids, homes and shells; the shadow one hashes
    ['getent_passwd', false],
    ['getent_shadow', true],
  ])('%s -> %s', (name, secret) => {
    expect(isSecretName(name)).toBe(secret);
  });

  it('redacts at any depth and leaves other values alone', () => {
    expect(redactSecrets({ a: 1, ansible_password: 'hunter2', nested: { join_token: 'abc.def', list: [{ cert_key: 'k' }] }, empty_token: '' })).toEqual({
      a: 1,
      ansible_password: REDACTED,
      nested: { join_token: REDACTED, list: [{ cert_key: REDACTED }] },
      empty_token: '',
    });
  });

  it('redacts text and numbers only (also inside collections): a boolean or null under a secret-looking name is a setting', () => {
    expect(redactSecrets({ kube_webhook_token_auth: false, token_auth: true, cert_key: null, auth_pass: 1234, token_files: { a: 'x.y', on: true }, secret_list: ['a', false] })).toEqual({
      kube_webhook_token_auth: false,
      token_auth: true,
      cert_key: null,
      auth_pass: REDACTED,
      token_files: { a: REDACTED, on: true },
      secret_list: [REDACTED, false],
    });
  });
});
