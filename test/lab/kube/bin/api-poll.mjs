#!/usr/bin/env node
// The tests' API poller (test/support/cluster-lab.ts pollApi): what `kubectl --kubeconfig K
// --request-timeout 3s get --raw /readyz` does, every --every-ms after the last poll ended, each poll on
// a fresh TLS connection to the kubeconfig's server, in one process. A kubectl run and an ssh login per
// poll cost a node start each: a fifth of a lab test's CPU while it polled. Prints '.' for an answered
// poll and 'x' for a failed one, until its standard input closes (the test stops it by ending the ssh).
import { KubeClient, loadKubeconfig } from '../lib/client.mjs';
import { Fatal, flag, main, parseFlags, sleep } from '../lib/common.mjs';

await main(async () => {
  const { flags } = parseFlags(process.argv.slice(2));
  const kubeconfig = flag(flags, 'kubeconfig');
  const everyMs = Number(flag(flags, 'every-ms') ?? 300);
  const timeoutMs = Number(flag(flags, 'timeout-ms') ?? 3000);
  if (!kubeconfig || !(everyMs > 0) || !(timeoutMs > 0)) throw new Fatal('usage: api-poll.mjs --kubeconfig FILE [--every-ms N] [--timeout-ms N]', 2);
  let polling = true;
  const stop = () => {
    polling = false;
  };
  process.stdin.on('end', stop).on('error', stop).resume();
  process.stdout.on('error', stop);
  while (polling) {
    let answered = true;
    try {
      // read each time, as kubectl does: a test may rewrite the file between polls
      await new KubeClient(loadKubeconfig(kubeconfig), { timeoutMs }).request('GET', '/readyz', undefined, { accept: '*/*' });
    } catch {
      answered = false;
    }
    if (polling) process.stdout.write(answered ? '.' : 'x');
    await sleep(everyMs);
  }
  return 0;
});
