// A host key for the loopback ssh2 servers of the transport tests. ssh2's generateKeyPairSync('ed25519')
// strips the public key's leading zero bytes, so about one key in 256 is one its own Server then refuses
// ("Malformed OpenSSH private key", mscdex/ssh2#1390, #1513): a key is drawn again until ssh2 reads it.
import ssh2 from 'ssh2';

const { utils } = ssh2;

/** A fresh ed25519 private key (OpenSSH format) that ssh2 parses, public half included. */
export function hostKey(): string {
  for (;;) {
    const pair = utils.generateKeyPairSync('ed25519');
    if (!(utils.parseKey(pair.private) instanceof Error) && !(utils.parseKey(pair.public) instanceof Error)) return pair.private;
  }
}
