// File-system helpers that treat a vanished or dangling path as absent instead of throwing.
import { statSync, type Stats } from 'node:fs';

/** stat() that returns undefined for a missing path or a dangling symlink. */
export function statOrUndefined(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}
