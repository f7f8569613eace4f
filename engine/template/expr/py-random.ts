// Python's random.Random(seed): CPython's Mersenne Twister, seeded as CPython seeds it from text (version 2:
// the text's bytes and their SHA-512) or an integer, with the draws Ansible's seeded uses make — choice()
// for `password seed=...`, randrange() and choice() for `random(seed=...)`, shuffle() for `shuffle(seed=...)`.
// The same seed gives what Python gives, so a seeded value is the one ansible-playbook would choose.
import { isNumber } from '../../util/py-float.js';
import { createHash } from 'node:crypto';
import { UnsafeText } from '../../yaml/unsafe-text.js';
import { ExprError, typeName } from './pyops.js';

const N = 624;
const M = 397;

/** A seeded generator giving Python's sequence for that seed. */
export class PyRandom {
  private readonly mt = new Uint32Array(N);
  private mti = N + 1;

  /** `seed`: text or a whole number, as Ansible's seeds are (inventory_hostname, say). */
  constructor(seed: unknown, col: number) {
    this.initByArray(seedKey(seed, col));
  }

  private initGenrand(s: number): void {
    const mt = this.mt;
    mt[0] = s >>> 0;
    for (let i = 1; i < N; i++) {
      const prev = (mt[i - 1] as number) ^ ((mt[i - 1] as number) >>> 30);
      mt[i] = (Math.imul(1812433253, prev) + i) >>> 0;
    }
    this.mti = N;
  }

  private initByArray(key: number[]): void {
    const mt = this.mt;
    this.initGenrand(19650218);
    let i = 1;
    let j = 0;
    for (let k = Math.max(N, key.length); k > 0; k--) {
      const prev = (mt[i - 1] as number) ^ ((mt[i - 1] as number) >>> 30);
      mt[i] = (((mt[i] as number) ^ Math.imul(prev, 1664525)) + (key[j] as number) + j) >>> 0;
      i++;
      j++;
      if (i >= N) {
        mt[0] = mt[N - 1] as number;
        i = 1;
      }
      if (j >= key.length) j = 0;
    }
    for (let k = N - 1; k > 0; k--) {
      const prev = (mt[i - 1] as number) ^ ((mt[i - 1] as number) >>> 30);
      mt[i] = (((mt[i] as number) ^ Math.imul(prev, 1566083941)) - i) >>> 0;
      i++;
      if (i >= N) {
        mt[0] = mt[N - 1] as number;
        i = 1;
      }
    }
    mt[0] = 0x80000000;
  }

  private uint32(): number {
    const mt = this.mt;
    if (this.mti >= N) {
      const mix = (a: number, b: number, c: number): number => {
        const y = (a & 0x80000000) | (b & 0x7fffffff);
        return (c ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0)) >>> 0;
      };
      let kk = 0;
      for (; kk < N - M; kk++) mt[kk] = mix(mt[kk] as number, mt[kk + 1] as number, mt[kk + M] as number);
      for (; kk < N - 1; kk++) mt[kk] = mix(mt[kk] as number, mt[kk + 1] as number, mt[kk + M - N] as number);
      mt[N - 1] = mix(mt[N - 1] as number, mt[0] as number, mt[M - 1] as number);
      this.mti = 0;
    }
    let y = mt[this.mti++] as number;
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** getrandbits(k): k random bits, words drawn least significant first as CPython draws them. */
  getrandbits(k: number): bigint {
    if (k <= 32) return k === 0 ? 0n : BigInt(this.uint32() >>> (32 - k));
    let out = 0n;
    for (let shift = 0n, left = k; left > 0; left -= 32, shift += 32n) {
      const word = left < 32 ? this.uint32() >>> (32 - left) : this.uint32();
      out |= BigInt(word) << shift;
    }
    return out;
  }

  /** A whole number in [0, n), by rejection as Python's _randbelow. */
  randbelow(n: number): number {
    const big = BigInt(n);
    const k = big.toString(2).length;
    let r = this.getrandbits(k);
    while (r >= big) r = this.getrandbits(k);
    return Number(r);
  }

  /** random.choice(seq). */
  choice<T>(seq: readonly T[], col: number): T {
    if (!seq.length) throw new ExprError('Cannot choose from an empty sequence', col);
    return seq[this.randbelow(seq.length)] as T;
  }

  /** random.randrange(start, stop, step), with Python's errors for an empty range. */
  randrange(start: number, stop: number, step: number, col: number): number {
    const width = stop - start;
    if (step === 1) {
      if (width > 0) return start + this.randbelow(width);
      throw new ExprError(`empty range for randrange() (${start}, ${stop}, ${width})`, col);
    }
    if (step === 0) throw new ExprError('zero step for randrange()', col);
    const n = step > 0 ? Math.floor((width + step - 1) / step) : Math.floor((width + step + 1) / step);
    if (n <= 0) throw new ExprError('empty range for randrange()', col);
    return start + step * this.randbelow(n);
  }

  /** random.shuffle(list) on a copy. */
  shuffled<T>(items: readonly T[]): T[] {
    const x = [...items];
    for (let i = x.length - 1; i > 0; i--) {
      const j = this.randbelow(i + 1);
      [x[i], x[j]] = [x[j] as T, x[i] as T];
    }
    return x;
  }
}

// CPython's seed → init_by_array key: text becomes the integer of its UTF-8 bytes followed by their
// SHA-512; the integer's absolute value is cut into 32-bit words, least significant first
function seedKey(seed: unknown, col: number): number[] {
  const s = seed instanceof UnsafeText ? seed.text : seed;
  let n: bigint;
  if (typeof s === 'string') {
    const bytes = Buffer.from(s, 'utf8');
    n = BigInt(`0x${Buffer.concat([bytes, createHash('sha512').update(bytes).digest()]).toString('hex')}`);
  } else if (typeof s === 'boolean' || (typeof s === 'number' && Number.isInteger(s))) {
    n = BigInt(Number(s));
    if (n < 0n) n = -n;
  } else if (isNumber(s)) {
    // Python seeds with a float's hash, which kplay does not reproduce
    throw new ExprError(`kplay reproduces Python's random.Random(seed) for a text or whole-number seed, not a ${typeName(s)}`, col);
  } else {
    throw new ExprError('The only supported seed types are: None, int, float, str, bytes, and bytearray.', col);
  }
  const key: number[] = [];
  for (; n > 0n; n >>= 32n) key.push(Number(n & 0xffffffffn));
  return key.length ? key : [0];
}
