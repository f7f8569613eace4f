// Whether the controller may run a file: password and vault password files are run, not read, when it can.
import { accessSync, constants } from 'node:fs';

/** True when this process may execute `file`. */
export function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
