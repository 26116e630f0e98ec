//! Sixteen bytes of text at a time as bit masks: where the delimiter is, and where
//! a line end or a quote stops the record splitter's fast path. Bit `j` of a mask
//! is byte `j` of the block.
//!
//! In wasm (built with `+simd128`, `.cargo/config.toml`) one vector load and three
//! comparisons; elsewhere the same masks from two 64-bit words with the exact
//! zero-byte test (no false positives), gathered into bits by one multiplication.
//! Both give the same masks (a property test checks the portable form against a
//! byte loop; `tests/web.rs` runs the loader in wasm).

/// The masks of one block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Masks {
    /// The delimiter's bytes.
    pub delimiter: u32,
    /// `\n`, `\r` and `"` bytes.
    pub stop: u32,
}

/// The masks of `block` for delimiter `d`.
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
#[inline]
pub fn masks(b: &[u8; 16], d: u8) -> Masks {
    use core::arch::wasm32::{u8x16, u8x16_bitmask, u8x16_eq, u8x16_splat, v128_or};
    // Compiles to one `v128.load`.
    let v = u8x16(
        b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13],
        b[14], b[15],
    );
    let eq = |c: u8| u8x16_eq(v, u8x16_splat(c));
    let stop = v128_or(v128_or(eq(b'\n'), eq(b'\r')), eq(b'"'));
    Masks {
        delimiter: u32::from(u8x16_bitmask(eq(d))),
        stop: u32::from(u8x16_bitmask(stop)),
    }
}

/// The masks of `block` for delimiter `d`.
#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
#[inline]
pub fn masks(b: &[u8; 16], d: u8) -> Masks {
    let mut lo = [0u8; 8];
    let mut hi = [0u8; 8];
    lo.copy_from_slice(&b[..8]);
    hi.copy_from_slice(&b[8..]);
    let (lo, hi) = (u64::from_le_bytes(lo), u64::from_le_bytes(hi));
    let both = |c: u8| gather(zero_bytes(lo ^ splat(c))) | gather(zero_bytes(hi ^ splat(c))) << 8;
    Masks {
        delimiter: both(d),
        stop: both(b'\n') | both(b'\r') | both(b'"'),
    }
}

/// `c` in every byte of a word.
#[cfg(any(test, not(all(target_arch = "wasm32", target_feature = "simd128"))))]
#[inline]
fn splat(c: u8) -> u64 {
    u64::from_ne_bytes([c; 8])
}

/// The high bit of each byte of `x` that is zero (and no other bit).
#[cfg(any(test, not(all(target_arch = "wasm32", target_feature = "simd128"))))]
#[inline]
fn zero_bytes(x: u64) -> u64 {
    const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    !(((x & LOW7) + LOW7) | x | LOW7)
}

/// The high bits of a word's bytes (as from [`zero_bytes`]) as 8 bits, byte `k`
/// to bit `k`: the multiplication moves bit `8k + 7` to bit `56 + k`, and every
/// other product lands below bit 56 (on distinct bits: no carry) or above 63.
#[cfg(any(test, not(all(target_arch = "wasm32", target_feature = "simd128"))))]
#[inline]
fn gather(high_bits: u64) -> u32 {
    ((high_bits >> 7).wrapping_mul(0x0102_0408_1020_4080) >> 56) as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The masks byte by byte.
    fn plain(b: &[u8; 16], d: u8) -> Masks {
        let bits =
            |hit: &dyn Fn(u8) -> bool| (0..16).filter(|&j| hit(b[j])).fold(0u32, |m, j| m | 1 << j);
        Masks {
            delimiter: bits(&|c| c == d),
            stop: bits(&|c| matches!(c, b'\n' | b'\r' | b'"')),
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(3000))]
        /// On random blocks of delimiters, line ends, quotes, bytes one off from
        /// them and high bytes, the masks equal the byte loop's.
        #[test]
        fn masks_equal_the_byte_loop(
            block in proptest::array::uniform16(proptest::sample::select(
                b",;\t|\n\r\"\x0b\x0c\x0e\x2b\x2d\x21\x23\x00\x80\xac\xff a".to_vec())),
            d in proptest::sample::select(b",;\t|".to_vec()),
        ) {
            proptest::prop_assert_eq!(masks(&block, d), plain(&block, d));
        }
    }

    #[test]
    fn gather_moves_each_high_bit_to_its_byte() {
        for k in 0..8 {
            assert_eq!(gather(0x80 << (8 * k)), 1 << k);
        }
        assert_eq!(gather(0x8080_8080_8080_8080), 0xff);
        assert_eq!(zero_bytes(0x0100_ff00_7f80_0001), 0x0080_0080_0000_8000);
        assert_eq!(splat(b','), 0x2c2c_2c2c_2c2c_2c2c);
    }
}
