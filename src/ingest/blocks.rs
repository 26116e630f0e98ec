//! Sixteen bytes of text at a time as bit masks: where the delimiter is, and where
//! a line end or a quote stops the record splitter's fast path. Bit `j` of a mask
//! is byte `j` of the block. A [`Window`] is four blocks (64 bytes) at once: the
//! delimiters, line ends and quotes as three words, from which the splitter's
//! fast path takes every delimiter and line end in order.
//!
//! In wasm (built with `+simd128`, `.cargo/config.toml`) one vector load and three
//! comparisons per block; elsewhere the same masks from 64-bit words with the exact
//! zero-byte test (no false positives), gathered into bits by one multiplication.
//! Both give the same masks (property tests check the portable forms against a
//! byte loop; `tests/web.rs` runs the loader in wasm).

/// The masks of one block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Masks {
    /// The delimiter's bytes.
    pub delimiter: u32,
    /// `\n`, `\r` and `"` bytes.
    pub stop: u32,
}

/// The masks of 64 bytes (four blocks): bit `j` of each is byte `j`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    /// The delimiter's bytes.
    pub delimiter: u64,
    /// Line ends: `\n` and `\r` bytes.
    pub end: u64,
    /// `"` bytes.
    pub quote: u64,
}

/// The window masks of `b` for delimiter `d` (inlined: a call returned the
/// three words through memory).
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
#[inline(always)]
pub fn window(b: &[u8; 64], d: u8) -> Window {
    use core::arch::wasm32::{u8x16_bitmask, u8x16_eq, u8x16_splat, v128_or};
    let (dv, nl, cr, q) = (
        u8x16_splat(d),
        u8x16_splat(b'\n'),
        u8x16_splat(b'\r'),
        u8x16_splat(b'"'),
    );
    let mut w = Window {
        delimiter: 0,
        end: 0,
        quote: 0,
    };
    for (k, block) in b.chunks_exact(16).enumerate() {
        let Ok(block) = <&[u8; 16]>::try_from(block) else {
            continue;
        };
        let v = load(block);
        let shift = 16 * k as u32;
        let end = v128_or(u8x16_eq(v, nl), u8x16_eq(v, cr));
        w.delimiter |= u64::from(u8x16_bitmask(u8x16_eq(v, dv))) << shift;
        w.end |= u64::from(u8x16_bitmask(end)) << shift;
        w.quote |= u64::from(u8x16_bitmask(u8x16_eq(v, q))) << shift;
    }
    w
}

/// The window masks of `b` for delimiter `d`.
#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
#[inline]
pub fn window(b: &[u8; 64], d: u8) -> Window {
    let mut w = Window {
        delimiter: 0,
        end: 0,
        quote: 0,
    };
    for (k, chunk) in b.chunks_exact(8).enumerate() {
        let mut bytes = [0u8; 8];
        bytes.copy_from_slice(chunk);
        let x = u64::from_le_bytes(bytes);
        let bits = |c: u8| u64::from(gather(zero_bytes(x ^ splat(c)))) << (8 * k);
        w.delimiter |= bits(d);
        w.end |= bits(b'\n') | bits(b'\r');
        w.quote |= bits(b'"');
    }
    w
}

/// One block as a vector (compiles to one `v128.load`).
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
#[inline]
fn load(b: &[u8; 16]) -> core::arch::wasm32::v128 {
    core::arch::wasm32::u8x16(
        b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13],
        b[14], b[15],
    )
}

/// The masks of `block` for delimiter `d`.
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
#[inline]
pub fn masks(b: &[u8; 16], d: u8) -> Masks {
    use core::arch::wasm32::{u8x16_bitmask, u8x16_eq, u8x16_splat, v128_or};
    let v = load(b);
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

    /// The window masks byte by byte.
    fn plain_window(b: &[u8; 64], d: u8) -> Window {
        let bits =
            |hit: &dyn Fn(u8) -> bool| (0..64).filter(|&j| hit(b[j])).fold(0u64, |m, j| m | 1 << j);
        Window {
            delimiter: bits(&|c| c == d),
            end: bits(&|c| matches!(c, b'\n' | b'\r')),
            quote: bits(&|c| c == b'"'),
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(3000))]
        /// On random windows of the same bytes, the window masks equal the byte
        /// loop's.
        #[test]
        fn window_masks_equal_the_byte_loop(
            bytes in proptest::collection::vec(proptest::sample::select(
                b",;\t|\n\r\"\x0b\x0c\x0e\x2b\x2d\x21\x23\x00\x80\xac\xff a".to_vec()), 64),
            d in proptest::sample::select(b",;\t|".to_vec()),
        ) {
            let mut b = [0u8; 64];
            b.copy_from_slice(&bytes);
            proptest::prop_assert_eq!(window(&b, d), plain_window(&b, d));
        }
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
