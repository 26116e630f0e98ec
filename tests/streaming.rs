//! The streaming loader's chunk handling against one push of the whole input (which
//! decodes all of it into one buffer before parsing). UTF-8 is parsed in place, in
//! each pushed chunk, with only the record a chunk leaves open carried over to the
//! next: on random records after a prefix longer than the sniffing sample —
//! multi-byte characters (split by chunk ends), invalid UTF-8 and a truncated
//! character (at chunk ends too), quoted line ends and delimiters, CRLF and
//! `\r`-only line ends, ragged and blank lines, numeric ids of 1–20 digits with
//! leading zeros, times at the edges of the day — cut into chunks of random sizes
//! from one byte up (so that every byte of a record is a chunk boundary in some
//! case), the table (every row, every dictionary in key order, the summary with its
//! skipped rows and lines and the encoding's malformed count) or the error is the
//! same.

use proptest::prelude::*;
use tidemark::ingest::{LoadOptions, Loader};

#[path = "common/table_dump.rs"]
mod table_dump;
use table_dump::outcome;

/// A header and rows past the sniffing sample, so that the body streams.
fn prefix() -> Vec<u8> {
    let mut out = b"user_id,time,event,revenue,note\n".to_vec();
    let mut i = 0u64;
    while out.len() <= tidemark::ingest::sniff::SNIFF_BYTES + 1000 {
        let note = ["plain", "é中", "", "\"a,b\""][i as usize % 4];
        out.extend(
            format!(
                "{},2024-01-{:02}T{:02}:{:02}:{:02}Z,ev{},{},{note}\n",
                3_006_369_229 + i % 977,
                1 + i % 28,
                i % 24,
                i % 60,
                (i * 7) % 60,
                i % 5,
                if i.is_multiple_of(3) { "12.5" } else { "" },
            )
            .as_bytes(),
        );
        i += 1;
    }
    out
}

const PIECES: [&[u8]; 22] = [
    b"1234567890,2024-01-02T10:11:12Z,view,,plain\n",
    b"3006369229,2024-01-02T23:59:59Z,buy,12.5,\"q,\"\"x\"\"\"\r\n",
    "中文用户,2024-01-03 00:00:00,浏览,,é\n".as_bytes(),
    b"42,2024-01-03T24:00:00Z,view,,x\n",
    b"0042,2024-02-29T01:02:03Z,view,,\"line\nbreak\"\n",
    b"9999999999999999999,2024-01-02T10:11:12Z,view,,x\r",
    b"18446744073709551616,2024-01-02T10:11:12Z,view,,x\n",
    b"1234567890123456,2024-01-02T10:1:12Z,view,,x\n",
    b"\xff\xfe bad,2024-01-02T10:11:12Z,view,,x\n",
    b"7,2024-01-02T00:00:00,view,,\xe4\xb8\n",
    b",,,,\n",
    b"a,b\n",
    b"\n",
    b"\r\n",
    b"\"",
    "é".as_bytes(),
    "中".as_bytes(),
    b"0,2024-01-02T10:11:12Z,view,-3,x",
    b"\n12345678,2024-12-31T23:59:59Z,view,,x",
    b"123456789,2024-01-02T10:11:12Z,view,1e3,\"\"\n",
    b"u1,2024-01-02T10:11:12+08:00,view,,x\r\n",
    b"u1,2024-01-02T10:11:12Z,view,NaN,x\n",
];

/// The pieces with invalid UTF-8 or a lone quote.
const BAD: [usize; 3] = [8, 9, 14];

fn whole(bytes: &[u8]) -> String {
    let run = || {
        let mut loader = Loader::new("t.csv", LoadOptions::default())?;
        loader.push(bytes)?;
        loader.finish()
    };
    outcome(run())
}

fn chunked(bytes: &[u8], sizes: &[usize], declared: bool) -> String {
    let run = || {
        let mut loader = Loader::new("t.csv", LoadOptions::default())?;
        if declared {
            loader.expect_bytes(bytes.len() as u64)?;
        }
        let (mut at, mut k) = (0, 0);
        while at < bytes.len() {
            let end = (at + sizes[k % sizes.len()]).min(bytes.len());
            loader.push(&bytes[at..end])?;
            (at, k) = (end, k + 1);
        }
        loader.finish()
    };
    outcome(run())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]
    #[test]
    fn chunks_parsed_in_place_equal_one_decoded_buffer(
        picks in proptest::collection::vec(0usize..PIECES.len(), 0..300),
        sizes in proptest::collection::vec(prop_oneof![1usize..80, 80usize..5000, 60_000usize..300_000], 1..40),
        declared in proptest::bool::ANY,
        clean in proptest::bool::ANY,
    ) {
        let mut bytes = prefix();
        for p in picks {
            // Invalid UTF-8 sends a whole chunk down the decoding path, and a lone
            // quote swallows the rest into one field: in half the cases, neither.
            if clean && BAD.contains(&p) {
                continue;
            }
            bytes.extend_from_slice(PIECES[p]);
        }
        let want = whole(&bytes);
        let got = chunked(&bytes, &sizes, declared);
        prop_assert!(got == want, "chunks {sizes:?}\n--- chunked\n{}\n--- whole\n{}", &got[..got.len().min(2000)], &want[..want.len().min(2000)]);
    }
}

/// Every chunk boundary inside the records after the prefix, one at a time: the
/// prefix in one push (decoded whole, with the plan), then the body in two pushes
/// (parsed in place) cut at each of its bytes.
#[test]
fn a_cut_at_every_byte_of_the_body() {
    let mut bytes = prefix();
    let body_from = bytes.len();
    for p in [0, 2, 4, 8, 9, 1, 15, 16, 19, 5, 20] {
        bytes.extend_from_slice(PIECES[p]);
    }
    let want = whole(&bytes);
    assert!(want.contains("中文用户"), "the body loaded");
    for cut in body_from + 1..bytes.len() {
        let sizes = [body_from, cut - body_from, bytes.len()];
        assert_eq!(chunked(&bytes, &sizes, true), want, "cut at {cut}");
    }
}
