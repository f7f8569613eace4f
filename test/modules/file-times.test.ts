// The file module's times as Python's time.strptime reads them (rows checked against Python 3.11's),
// and the touch commands that set them only when they differ.
import { describe, expect, it } from 'vitest';
import { strptime, timeCommands, timeWant } from '../../engine/modules/file-times.js';

const at = (year: number, month: number, day: number, hour = 0, minute = 0, second = 0): unknown => ({ year, month, day, hour, minute, second });

describe('strptime', () => {
  it.each([
    ['202301021504.05', '%Y%m%d%H%M.%S', at(2023, 1, 2, 15, 4, 5)],
    ['2023-1-2 3:4', '%Y-%m-%d %H:%M', at(2023, 1, 2, 3, 4)],
    ['68 1 1', '%y %m %d', at(2068, 1, 1)],
    ['69 1 1', '%y %m %d', at(1969, 1, 1)],
    ['23  3\t4', '%y %m %d', at(2023, 3, 4)],
    ['12:30', '%H:%M', at(1900, 1, 1, 12, 30)],
    ['2024-02-29', '%Y-%m-%d', at(2024, 2, 29)],
    ['100% 2020', '100%% %Y', at(2020, 1, 1)],
    ['2023-02-29', '%Y-%m-%d', 'day is out of range for month'],
    ['2023', '%Y-%m-%d', "time data '2023' does not match format '%Y-%m-%d'"],
    ['2023-01-01x', '%Y-%m-%d', 'unconverted data remains: x'],
    ['2023-13-01', '%Y-%m-%d', "time data '2023-13-01' does not match format '%Y-%m-%d'"],
    ['Jan 2023', '%b %Y', "kplay reads the time formats %Y, %y, %m, %d, %H, %M, %S and %% (not %b) in '%b %Y'"],
  ])('%s with %s', (text, format, fields) => {
    expect(strptime(text, format)).toEqual(fields);
  });
});

describe('timeCommands', () => {
  const want = (v: string | undefined, state = 'file'): ReturnType<typeof timeWant> => timeWant(v, undefined, state);
  it.each([
    ['both preserved (unset outside touch)', want(undefined), want(undefined), {}, undefined, []],
    ['both now: one touch', want('now'), want('now'), {}, undefined, ["touch -c -- /p"]],
    ['a time the path has, the other preserved', want('preserve'), want('202301021504.05'), { m: 1672671845 }, '5.5 1672671845.000000000', []],
    ['a time the path lacks by a fraction', want('preserve'), want('202301021504.05'), { m: 1672671845 }, '5.5 1672671845.100000000', ["touch -c -m -d @1672671845 -- /p"]],
    ['a missing path (no times read)', want('202301021504.05'), want('preserve'), { a: 1672671845 }, undefined, ["touch -c -a -d @1672671845 -- /p"]],
  ])('%s', (_what, a, m, epochs, current, commands) => {
    if (typeof a === 'string' || typeof m === 'string') throw new Error('a row wants times');
    expect(timeCommands('/p', a, m, epochs, current)).toEqual(commands);
  });
});
