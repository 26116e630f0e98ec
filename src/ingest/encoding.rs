//! Text encoding: recognise binary files, detect the encoding of text (BOM, valid
//! UTF-8, else `chardetng`'s guess: GBK/GB18030 from Chinese Excel, Windows-1252 from
//! old Western tools…), and decode chunk by chunk into UTF-8 with `encoding_rs`.

use encoding_rs::{Decoder, DecoderResult, Encoding, UTF_8, UTF_16BE, UTF_16LE};

/// The encoding chosen for a file and why.
#[derive(Debug, Clone)]
pub struct Detected {
    /// The encoding.
    pub encoding: &'static Encoding,
    /// Why it was chosen, for the summary.
    pub reason: String,
    /// Bytes of byte order mark to skip at the start.
    pub bom_len: usize,
}

/// Why an input was refused before decoding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// The bytes are a binary format (its name, with what to do).
    Binary(&'static str),
    /// The user's encoding label is unknown (the sentence to show).
    UnknownLabel(String),
}

/// If the sample starts like a well-known binary format, its name.
pub fn binary_kind(sample: &[u8]) -> Option<&'static str> {
    if sample.starts_with(b"PK\x03\x04") {
        return Some(zip_kind(sample));
    }
    const MAGIC: [(&[u8], &str); 9] = [
        (b"\x89PNG", "a PNG image"),
        (
            b"\xD0\xCF\x11\xE0",
            "an old Excel .xls workbook (save it as CSV first)",
        ),
        (b"%PDF", "a PDF document"),
        (b"\x1F\x8B", "a gzip archive (unpack it first)"),
        (b"\xFF\xD8\xFF", "a JPEG image"),
        (b"GIF8", "a GIF image"),
        (b"PAR1", "a Parquet file"),
        (b"SQLite format 3\0", "an SQLite database"),
        (b"\x7FELF", "a program"),
    ];
    if let Some((_, name)) = MAGIC.iter().find(|(m, _)| sample.starts_with(m)) {
        return Some(name);
    }
    // NUL bytes never occur in 8-bit or UTF-8 text (UTF-16 has a BOM and is handled
    // before this check).
    sample
        .contains(&0)
        .then_some("binary data (it contains NUL bytes)")
}

/// What a ZIP archive holds, from the entry names in its first bytes: Office
/// documents are ZIP archives whose parts live under `xl/`, `word/`, `ppt/`.
fn zip_kind(sample: &[u8]) -> &'static str {
    let has = |name: &[u8]| memchr::memmem::find(sample, name).is_some();
    if has(b"xl/") {
        "an Excel .xlsx workbook (save it as CSV first)"
    } else if has(b"word/") {
        "a Word .docx document"
    } else if has(b"[Content_Types].xml") {
        "an Office document (if it is an Excel workbook, save it as CSV first)"
    } else {
        "a ZIP archive (unpack it first)"
    }
}

/// Chooses the encoding from the file's first bytes, or from the user's label.
pub fn detect(
    sample: &[u8],
    forced: Option<&str>,
    is_whole_file: bool,
) -> Result<Detected, Refusal> {
    let bom = Encoding::for_bom(sample);
    if let Some(label) = forced.filter(|l| !l.trim().is_empty() && l.trim() != "auto") {
        let encoding = Encoding::for_label(label.trim().as_bytes()).ok_or_else(|| {
            Refusal::UnknownLabel(format!("unknown text encoding \"{label}\" (try utf-8, gbk, gb18030, big5, shift_jis, windows-1252)"))
        })?;
        let bom_len = bom.filter(|(e, _)| *e == encoding).map_or(0, |(_, n)| n);
        return Ok(Detected {
            encoding,
            reason: "set by you".into(),
            bom_len,
        });
    }
    if let Some((encoding, bom_len)) = bom {
        return Ok(Detected {
            encoding,
            reason: "byte order mark".into(),
            bom_len,
        });
    }
    if let Some(kind) = binary_kind(sample) {
        return Err(Refusal::Binary(kind));
    }
    let utf8_ok = match std::str::from_utf8(sample) {
        Ok(_) => true,
        // An incomplete character cut by the end of the sample is still valid UTF-8.
        Err(e) => e.error_len().is_none() && !is_whole_file,
    };
    if utf8_ok {
        let reason = if sample.is_ascii() {
            "plain ASCII text"
        } else {
            "valid UTF-8"
        };
        return Ok(Detected {
            encoding: UTF_8,
            reason: reason.into(),
            bom_len: 0,
        });
    }
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    detector.feed(sample, is_whole_file);
    let encoding = detector.guess(None, chardetng::Utf8Detection::Allow);
    Ok(Detected {
        encoding,
        reason: format!("not UTF-8; the bytes look like {}", encoding.name()),
        bom_len: 0,
    })
}

/// Decodes a stream of chunks into UTF-8 text.
///
/// UTF-8 input is validated and copied (keeping a character cut by a chunk boundary
/// for the next chunk); other encodings go through `encoding_rs`. Malformed bytes
/// become U+FFFD and are counted in `malformed`.
pub struct TextDecoder {
    decoder: Option<Decoder>,
    carry: Vec<u8>,
    /// Malformed sequences replaced by U+FFFD.
    pub malformed: u64,
}

impl TextDecoder {
    /// A decoder for the detected encoding (the BOM must already be skipped).
    pub fn new(encoding: &'static Encoding) -> Self {
        let decoder = (encoding != UTF_8).then(|| encoding.new_decoder_without_bom_handling());
        Self {
            decoder,
            carry: Vec::new(),
            malformed: 0,
        }
    }

    /// Appends the UTF-8 text of `chunk` to `out`. With `last`, flushes a trailing
    /// incomplete sequence (as a replacement character).
    pub fn decode(&mut self, chunk: &[u8], out: &mut String, last: bool) {
        match self.decoder.as_mut() {
            None => self.decode_utf8(chunk, out, last),
            Some(decoder) => {
                // Without encoding_rs's own replacement, which says only whether a
                // call replaced something: each malformed sequence is counted, so the
                // count does not depend on how the input was cut into chunks.
                let mut src = chunk;
                loop {
                    let need = decoder
                        .max_utf8_buffer_length_without_replacement(src.len())
                        .unwrap_or(src.len() * 3 + 16);
                    out.reserve(need);
                    let (result, read) =
                        decoder.decode_to_string_without_replacement(src, out, last);
                    src = &src[read..];
                    match result {
                        DecoderResult::InputEmpty => break,
                        DecoderResult::OutputFull => {}
                        DecoderResult::Malformed(_, _) => {
                            self.malformed += 1;
                            out.push('\u{FFFD}');
                        }
                    }
                }
            }
        }
    }

    /// For UTF-8 input with nothing carried from the last chunk: the text of
    /// `chunk` up to a character its end cuts (which [`TextDecoder::decode`] of the
    /// rest then carries), when that text is valid; `None` otherwise (another
    /// encoding, a carried character, malformed bytes): decode the chunk instead.
    /// The loader parses such text where it is, without copying it first.
    /// Checked as ASCII first (one pass of byte-wise ORs, which the compiler
    /// turns into vector code: in wasm `from_utf8` reads four bytes at a time and
    /// was 3% of a parse's profile); anything else by `from_utf8`.
    pub fn valid_prefix<'a>(&self, chunk: &'a [u8]) -> Option<&'a [u8]> {
        if self.decoder.is_some() || !self.carry.is_empty() {
            return None;
        }
        let text = &chunk[..chunk.len() - incomplete_tail(chunk)];
        (is_ascii(text) || std::str::from_utf8(text).is_ok()).then_some(text)
    }

    /// True when the input is UTF-8.
    pub fn is_utf8(&self) -> bool {
        self.decoder.is_none()
    }

    /// True when a character cut by the last chunk's end waits for the next.
    pub fn has_carry(&self) -> bool {
        !self.carry.is_empty()
    }

    /// UTF-8 input: validated once (a character cut by the chunk's end is kept
    /// for the next chunk before validating) and appended as text, so the loader
    /// reads it as `str` without checking it again.
    fn decode_utf8(&mut self, chunk: &[u8], out: &mut String, last: bool) {
        let joined;
        let bytes: &[u8] = if self.carry.is_empty() {
            chunk
        } else {
            let mut j = std::mem::take(&mut self.carry);
            j.extend_from_slice(chunk);
            joined = j;
            &joined
        };
        let cut = if last {
            bytes.len()
        } else {
            bytes.len() - incomplete_tail(bytes)
        };
        let mut rest = &bytes[..cut];
        loop {
            match std::str::from_utf8(rest) {
                Ok(text) => {
                    out.push_str(text);
                    break;
                }
                Err(e) => {
                    let (good, bad) = rest.split_at(e.valid_up_to());
                    // The prefix is valid: its check cannot fail.
                    out.push_str(std::str::from_utf8(good).unwrap_or_default());
                    self.malformed += 1;
                    out.push('\u{FFFD}');
                    // A malformed sequence, or (with `last`) one the input cut short.
                    rest = &bad[e.error_len().unwrap_or(bad.len())..];
                }
            }
        }
        self.carry = bytes[cut..].to_vec();
    }
}

/// How many bytes at the end of `b` are the start of a UTF-8 character the chunk
/// cut short (0 to 3): they wait for the next chunk. Malformed bytes are not
/// counted here; validation replaces them.
fn incomplete_tail(b: &[u8]) -> usize {
    for back in 1..=b.len().min(3) {
        let c = b[b.len() - back];
        if c & 0xC0 == 0x80 {
            continue; // a continuation byte: look further back for the lead
        }
        let need = match c {
            0xC0..=0xDF => 2,
            0xE0..=0xEF => 3,
            0xF0..=0xF7 => 4,
            _ => 1,
        };
        return if need > back { back } else { 0 };
    }
    0
}

/// True when every byte of `b` is ASCII: the OR of all bytes, with no early exit,
/// so that the loop vectorises.
#[inline]
fn is_ascii(b: &[u8]) -> bool {
    b.iter().fold(0u8, |acc, &c| acc | c) < 0x80
}

/// True for UTF-16 encodings (their NUL bytes are not binary).
pub fn is_utf16(encoding: &'static Encoding) -> bool {
    encoding == UTF_16LE || encoding == UTF_16BE
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]
        /// On random bytes (ASCII, multi-byte characters, a character cut at the
        /// end, stray continuation and invalid bytes), the valid prefix is the
        /// chunk without its cut character when that is valid UTF-8 (by
        /// `from_utf8`), else none; the ASCII check equals `is_ascii`.
        #[test]
        fn valid_prefix_is_from_utf8s(
            parts in proptest::collection::vec(proptest::sample::select(vec![
                &b"a"[..], b",", b"\n", b"0123456789abcdefghij", b"\x7f", "é".as_bytes(), "中".as_bytes(),
                "😀".as_bytes(), b"\xe4\xb8", b"\xf0\x9f\x98", b"\xc3", b"\x80", b"\xff", b"\xc0\xaf",
            ]), 0..80),
        ) {
            let chunk: Vec<u8> = parts.concat();
            proptest::prop_assert_eq!(is_ascii(&chunk), chunk.is_ascii());
            let body = &chunk[..chunk.len() - incomplete_tail(&chunk)];
            let want = std::str::from_utf8(body).ok().map(str::as_bytes);
            proptest::prop_assert_eq!(TextDecoder::new(UTF_8).valid_prefix(&chunk), want);
        }
    }

    #[test]
    fn detects_bom_utf8_and_legacy() {
        assert_eq!(detect(b"\xEF\xBB\xBFa,b\n", None, true).unwrap().bom_len, 3);
        assert_eq!(
            detect(b"\xFF\xFEa\0", None, true).unwrap().encoding,
            UTF_16LE
        );
        assert_eq!(
            detect("用户,时间\n".as_bytes(), None, true)
                .unwrap()
                .encoding,
            UTF_8
        );
        let (gbk, _, _) = encoding_rs::GBK
            .encode("用户,时间,事件\n张三,2024-01-01,购买\n李四,2024-01-02,浏览商品\n");
        let d = detect(&gbk, None, true).unwrap();
        assert!(
            d.encoding == encoding_rs::GBK || d.encoding == encoding_rs::GB18030,
            "{}",
            d.encoding.name()
        );
        let (w, _, _) =
            encoding_rs::WINDOWS_1252.encode("name,city\nJosé,Málaga\nFrançois,Besançon\n");
        assert_eq!(
            detect(&w, None, true).unwrap().encoding,
            encoding_rs::WINDOWS_1252
        );
    }

    #[test]
    fn detects_binary() {
        assert_eq!(
            detect(b"\x89PNG\r\n\x1a\n", None, true).unwrap_err(),
            Refusal::Binary("a PNG image")
        );
        assert_eq!(
            detect(b"PK\x03\x04xx", None, true).unwrap_err(),
            Refusal::Binary("a ZIP archive (unpack it first)")
        );
        assert_eq!(
            detect(
                b"PK\x03\x04..[Content_Types].xml..xl/workbook.xml",
                None,
                true
            )
            .unwrap_err(),
            Refusal::Binary("an Excel .xlsx workbook (save it as CSV first)")
        );
        assert_eq!(
            detect(b"a,b\n\0\0\0", None, true).unwrap_err(),
            Refusal::Binary("binary data (it contains NUL bytes)")
        );
    }

    #[test]
    fn forced_label() {
        assert_eq!(
            detect(b"abc", Some("gbk"), true).unwrap().encoding,
            encoding_rs::GBK
        );
        assert!(matches!(
            detect(b"abc", Some("klingon"), true).unwrap_err(),
            Refusal::UnknownLabel(why) if why.starts_with("unknown text encoding")
        ));
    }

    #[test]
    fn decodes_split_characters_across_chunks() {
        let (gbk, _, _) = encoding_rs::GBK.encode("购买");
        let mut d = TextDecoder::new(encoding_rs::GBK);
        let mut out = String::new();
        d.decode(&gbk[..1], &mut out, false);
        d.decode(&gbk[1..], &mut out, true);
        assert_eq!(out, "购买");
        let s = "é,ü".as_bytes();
        let mut d = TextDecoder::new(UTF_8);
        let mut out = String::new();
        d.decode(&s[..1], &mut out, false);
        d.decode(b"", &mut out, false);
        d.decode(&s[1..], &mut out, true);
        assert_eq!(out, "é,ü");
        let mut out = String::new();
        d.decode(b"a\xFFb\xC3", &mut out, true);
        assert_eq!(out, "a\u{FFFD}b\u{FFFD}");
        assert_eq!(d.malformed, 2);
    }

    /// Decodes `bytes` in `encoding` cut into chunks of `sizes` (cycled).
    fn chunked(encoding: &'static Encoding, bytes: &[u8], sizes: &[usize]) -> (String, u64) {
        let mut d = TextDecoder::new(encoding);
        let mut out = String::new();
        let mut at = 0;
        for &n in sizes.iter().cycle() {
            let end = (at + n).min(bytes.len());
            d.decode(&bytes[at..end], &mut out, end == bytes.len());
            at = end;
            if at == bytes.len() {
                break;
            }
        }
        (out, d.malformed)
    }

    #[test]
    fn counts_each_malformed_sequence_of_other_encodings() {
        // UTF-16LE: "a", a lone high surrogate, "b", a lone low surrogate, "c", and
        // an odd last byte: three malformed sequences, in one chunk or many.
        let bytes = b"a\x00\x00\xD8b\x00\x00\xDCc\x00x";
        for sizes in [&[usize::MAX][..], &[1], &[2, 3], &[5]] {
            let (text, malformed) = chunked(encoding_rs::UTF_16LE, bytes, sizes);
            assert_eq!(text, "a\u{FFFD}b\u{FFFD}c\u{FFFD}", "{sizes:?}");
            assert_eq!(malformed, 3, "{sizes:?}");
        }
    }

    proptest::proptest! {
        /// Any bytes in GBK, UTF-16LE or Shift_JIS, in any chunking: the text
        /// encoding_rs gives in one call, and one count whatever the chunking.
        #[test]
        fn chunking_never_changes_text_or_count(
            bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..200),
            sizes in proptest::collection::vec(1usize..9, 1..5),
            which in 0usize..3,
        ) {
            let encoding = [encoding_rs::GBK, encoding_rs::UTF_16LE, encoding_rs::SHIFT_JIS][which];
            let (whole, count) = chunked(encoding, &bytes, &[usize::MAX]);
            let (text, malformed) = chunked(encoding, &bytes, &sizes);
            let (reference, _) = encoding.decode_without_bom_handling(&bytes);
            proptest::prop_assert_eq!(&text, &reference);
            proptest::prop_assert_eq!(&whole, &reference);
            proptest::prop_assert_eq!(malformed, count);
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]
        /// UTF-8 input cut into random chunks (through 2-, 3- and 4-byte characters,
        /// malformed and truncated sequences) decodes to `from_utf8_lossy` of the
        /// whole input, with one malformed count per replacement it made.
        #[test]
        fn chunked_utf8_is_the_lossy_whole(
            parts in proptest::collection::vec(proptest::sample::select(vec![
                &b"a"[..], b",", b"\n", "é".as_bytes(), "购".as_bytes(), "😀".as_bytes(),
                b"\xFF", b"\x80", b"\xC3", b"\xE8\xB4", b"\xF0\x9F\x98", b"\xE0\x80", b"\xED\xA0\x80"]), 0..40),
            cuts in proptest::collection::vec(0usize..200, 0..8),
        ) {
            let bytes: Vec<u8> = parts.concat();
            let mut cuts: Vec<usize> = cuts.into_iter().map(|c| c.min(bytes.len())).collect();
            cuts.sort_unstable();
            let (mut d, mut out, mut at) = (TextDecoder::new(UTF_8), String::new(), 0);
            for c in cuts {
                d.decode(&bytes[at..c], &mut out, false);
                at = c;
            }
            d.decode(&bytes[at..], &mut out, true);
            let want = String::from_utf8_lossy(&bytes);
            proptest::prop_assert_eq!(&out, &want);
            let replaced = want.matches('\u{FFFD}').count();
            proptest::prop_assert_eq!(d.malformed, replaced as u64);
        }
    }
}
