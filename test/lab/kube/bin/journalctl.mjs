#!/usr/bin/env node
// The lab's journalctl: `-u UNIT [-n N]` prints the tail of the unit's log under /var/log.
import { main, parseFlags, readMaybe } from '../lib/common.mjs';

await main(() => {
  const { flags } = parseFlags(process.argv.slice(2), ['no-pager', 'x', 'e', 'xe', 'xeu', 'f', 'q']);
  const unit = String(flags.u ?? flags.unit ?? flags.xeu ?? '').replace(/\.service$/, '');
  const n = Number(flags.n ?? flags.lines ?? 200);
  const text = unit ? readMaybe(`/var/log/${unit}.log`) ?? '' : '';
  const lines = text.split('\n').filter(Boolean);
  process.stdout.write(lines.length ? lines.slice(-n).join('\n') + '\n' : '-- No entries --\n');
  return 0;
});
