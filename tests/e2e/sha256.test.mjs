// www/js/sha256.js (the report's file fingerprint, fed chunk by chunk in the worker)
// against node:crypto: random inputs of every length around the block and padding
// edges, split into random chunks, and the FIPS 180-4 examples. No browser needed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { Sha256 } from '../../www/js/sha256.js';

const reference = (bytes) => createHash('sha256').update(bytes).digest('hex');

test('SHA-256 equals node:crypto on random inputs in random chunks', () => {
  const lengths = [0, 1, 3, 55, 56, 57, 63, 64, 65, 119, 120, 127, 128, 129, 1000, 65_536, 200_003];
  for (const n of lengths) {
    for (let trial = 0; trial < 4; trial++) {
      const bytes = new Uint8Array(randomBytes(n));
      const hash = new Sha256();
      let at = 0;
      while (at < n) {
        const take = 1 + Math.floor(Math.random() * (trial === 0 ? 7 : 300));
        hash.update(bytes.subarray(at, at + take));
        at += take;
      }
      assert.equal(hash.hex(), reference(bytes), `length ${n}, trial ${trial}`);
    }
  }
});

test('SHA-256 of the FIPS 180-4 examples', () => {
  const enc = (s) => new TextEncoder().encode(s);
  assert.equal(new Sha256().hex(), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  assert.equal(new Sha256().update(enc('abc')).hex(), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  assert.equal(new Sha256().update(enc('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq')).hex(),
    '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1');
});
