//! The reader against serde-saphyr: on every text either it declines or both read the same
//! document, and it never reads a text serde-saphyr refuses.

use std::path::Path;

use openapiv3::OpenAPI;
use serde_json::Value;

use super::{Plain, parse, parse_as};
use crate::load::repository_file;

fn saphyr<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, serde_saphyr::Error> {
    serde_saphyr::from_str_with_options(text, crate::load::yaml_options())
}

/// Both readers on `text`: `Some` with the document when this reader takes it (and then it
/// must be serde-saphyr's), `None` when it declines.
fn agree(text: &str) -> Option<OpenAPI> {
    let fast = parse(text);
    let slow = saphyr::<OpenAPI>(text);
    match (&fast, &slow) {
        (Some(fast), Ok(slow)) => assert!(fast == slow, "documents differ for:\n{text}"),
        (Some(_), Err(error)) => panic!("read a text serde-saphyr refuses ({error}):\n{text}"),
        (None, _) => {}
    }
    fast
}

/// As [`agree`], as a JSON value.
fn agree_value(text: &str) -> Option<Value> {
    let fast = parse_as::<Value>(text);
    let slow = saphyr::<Value>(text);
    match (&fast, &slow) {
        (Some(fast), Ok(slow)) => assert_eq!(fast, slow, "for:\n{text}"),
        (Some(_), Err(error)) => panic!("read a text serde-saphyr refuses ({error}):\n{text}"),
        (None, _) => {}
    }
    fast
}

#[test]
fn the_specs_in_the_repository_are_read_here_as_serde_saphyr_reads_them() {
    for path in [
        "spec/atlas-admin-v2.yaml",
        "spec/reference/atlas-admin-api-v2-2025-06-30-subset.yaml",
    ] {
        let text = repository_file(path);
        assert!(agree(&text).is_some(), "{path} is declined");
    }
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures");
    let mut read = 0;
    for entry in std::fs::read_dir(fixtures).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "yaml") {
            let text = std::fs::read_to_string(&path).unwrap();
            read += usize::from(agree(&text).is_some());
        }
    }
    assert!(read >= 10, "only {read} fixtures read here");
}

#[test]
fn the_official_spec_is_read_here_as_serde_saphyr_reads_it() {
    let text = repository_file("spec/reference/atlas-admin-api-v2-2025-06-30.yaml");
    assert!(agree(&text).is_some(), "the official spec is declined");
}

/// Plain scalars in the three places that type them differently: any type (an extension),
/// a string (`info.version`), a number (a schema's `maximum`).
#[test]
fn plain_scalars_are_typed_as_serde_saphyr_types_them() {
    let scalars = [
        "0",
        "7",
        "-7",
        "-0",
        "20000",
        "18446744073709551615",
        "18446744073709551616",
        "-9223372036854775808",
        "-9223372036854775809",
        "007",
        "1.5",
        "-1.5",
        "1.",
        ".5",
        "1e5",
        "1E5",
        "1.1991456e+09",
        "1.636481348e+09",
        "1e999",
        "-1e999",
        "0x1F",
        "0X1F",
        "0o17",
        "0b101",
        "1_000",
        "+1",
        "+1.5",
        ".inf",
        "-.inf",
        ".nan",
        "inf",
        "nan",
        "NaN",
        "Infinity",
        "info",
        "nancy",
        "3.0.3",
        "216.172.40.186",
        "203.0.113.0/24",
        "2023-01-01",
        "2023-01-01T00:00:00Z",
        "1:30",
        "12:30:00",
        "32b6e34b3d91647abb20e7b8",
        "4ABBE97386",
        "1e5e3",
        "1-2",
        "1.2e",
        "e5",
        "true",
        "True",
        "TRUE",
        "tRue",
        "false",
        "yes",
        "no",
        "on",
        "off",
        "y",
        "n",
        "null",
        "Null",
        "NULL",
        "~",
        "nil",
        "-",
        "a-b",
        "a b",
        "a#b",
        "a:b",
        "#hash",
        "$ref",
        "/path/{id}",
        "%",
        "@at",
        "`tick",
        "é",
        "日本",
    ];
    for scalar in scalars {
        let text = format!(
            "openapi: 3.0.3\ninfo:\n  title: t\n  version: {scalar}\n  x-probe: {scalar}\n\
             paths: {{}}\ncomponents:\n  schemas:\n    S:\n      maximum: {scalar}\n      \
             x-probe: [{scalar}, {{k: {scalar}}}]\n"
        );
        agree(&text);
        agree_value(&format!("a: {scalar}\nb:\n- {scalar}\n"));
    }
    // What is typed here rather than declined.
    assert_eq!(Plain::of("20000"), Plain::U64(20000));
    assert_eq!(Plain::of("-7"), Plain::I64(-7));
    assert_eq!(Plain::of("1.1991456e+09"), Plain::F64(1.1991456e9));
    for text in [
        "3.0.3",
        "216.172.40.186",
        "2023-01-01",
        "32b6e34b3d91647abb20e7b8",
        "info",
    ] {
        assert_eq!(Plain::of(text), Plain::Str, "{text}");
    }
    for text in ["0x1F", "+1", "1_000", ".inf", "nan", "007", "1."] {
        assert_eq!(Plain::of(text), Plain::Unsure, "{text}");
    }
}

/// The YAML that specs are written in, each form read here and read as serde-saphyr reads it.
#[test]
fn block_yaml_forms_are_read_as_serde_saphyr_reads_them() {
    let forms = [
        // Nested mappings, comments, blank lines, compact and indented sequences.
        "a:\n  b: 1\n  # c\n\n  d:\n  - x\n  - y\ne:\n    - f: 1\n      g: [1, two, 'three']\n    - h\n",
        "a: # comment\n  b: c # trailing\nd: 'x # not a comment'\n",
        "a:\nb: ~\nc:\n  -\n  - d\n",
        // Flow collections.
        "a: []\nb: {}\nc: [x, 'y', \"z\"]\nd: {k: v, 'q': [1, 2]}\ne: [[a], {b: c}]\n",
        // Quoted scalars, escapes, and over several lines.
        "a: 'it''s'\nb: \"tab\\tquote\\\"u\\u00e9\\x41\\U0001F600\\\\\"\nc: \"a: b # c\"\n",
        "a: \"one\n  two\n\n  three\\\n  four\\n\\\n  \\nfive\"\nb: x\n",
        "a: 'one\n  two\n\n\n  three'\nb:\n  - 'x\n    y'\n",
        "a:\n  b: \"trailing   \n    spaces  \\  \n    kept\"\n",
        // Block scalars, every chomping, folding around more-indented lines and empty lines.
        "a: |\n  one\n   two\n\n  three\nb: x\n",
        "a: |-\n  one\n\n\nb: |+\n  two\n\n\nc: >\n  three\n  four\n\n  five\n    six\n  seven\n\n\nd: x\n",
        "a: >-\n  Folded text that goes\n  on over lines.\n\n  A new paragraph.\nb: x\n",
        "s:\n- a: >-\n    one\n    two\n  b: |\n    # not a comment\n    three\n",
        "a:\n  - |\n    x\n  - >\n\n    y\n",
        // Indentation indicators, which count from the mapping's column.
        "a: |2\n   x\n  y\nb:\n  c: >-1\n     z\n    w\n",
        // Keys.
        "'200':\n  a: 1\n\"x y\": 2\n/p/{id}:get: 3\nkey with spaces: 4\n",
        // Non-ASCII.
        "a: é日本\nb: 'ü'\n",
    ];
    for form in forms {
        let value = saphyr::<Value>(form);
        let fast = agree_value(form);
        if value.is_ok() {
            assert!(fast.is_some(), "declined:\n{form}");
        }
    }
}

/// What this reader leaves to serde-saphyr, valid YAML or not.
#[test]
fn other_yaml_is_declined() {
    let declined = [
        "a: &x 1\nb: *x\n",
        "a: !!str 1\n",
        "%YAML 1.2\n---\na: 1\n",
        "---\na: 1\n",
        "a: 1\n...\n",
        "a:\tb\n",
        "a: 1\r\nb: 2\r\n",
        "a: plain\n  continued\n",
        "? a\n: b\n",
        "<<: {a: 1}\n",
        "a: 1\na: 2\n",
        "a: {b: 1, b: 2}\n",
        "s:\n- |2\n   x\n",
        "a: [1,\n  2]\n",
        "a: [1, 2,]\n",
        "- - a\n",
        "a: b: c\n",
        "a: 'unclosed\n",
        "a: \"bad \\q escape\"\n",
        "a:\n  b: 1\n c: 2\n",
        "a: \u{85}\n",
        "\u{feff}a: 1\n",
        "{a: 1}\n",
        "a: x\n  # deeper comment\n  b: y\n",
    ];
    for text in declined {
        assert!(parse_as::<Value>(text).is_none(), "read:\n{text}");
    }
    // A hundred levels deep: serde-saphyr's budget refuses it, with its own message.
    let mut deep = String::new();
    for level in 0..100 {
        deep.push_str(&" ".repeat(level));
        deep.push_str("a:\n");
    }
    assert!(parse_as::<Value>(&deep).is_none());
}

/// Small random edits of specs: whatever serde-saphyr makes of the result, this reader
/// declines it or reads the same document, and never reads what serde-saphyr refuses.
#[test]
fn edited_specs_are_declined_or_read_as_serde_saphyr_reads_them() {
    let originals = [
        "tests/fixtures/discriminated.yaml",
        "tests/fixtures/endpoints.yaml",
        "tests/fixtures/untagged.yaml",
    ]
    .map(repository_file);
    let pieces: [&str; 14] = [
        " ", "\n", "- ", ": ", "'", "\"", "#", "\\", "[", "]", "{", "}", ",", "  x: 1\n",
    ];
    // xorshift64: the same edits on every run.
    let mut state = 0x9e37_79b9_7f4a_7c15_u64;
    let mut next = |bound: usize| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % bound as u64) as usize
    };
    let mut read = 0;
    for edit in 0..900 {
        let mut text = originals[edit % originals.len()].clone();
        for _ in 0..1 + next(3) {
            let mut at = next(text.len());
            while !text.is_char_boundary(at) {
                at -= 1;
            }
            if next(2) == 0 {
                text.insert_str(at, pieces[next(pieces.len())]);
            } else {
                let mut end = (at + 1 + next(4)).min(text.len());
                while !text.is_char_boundary(end) {
                    end += 1;
                }
                text.replace_range(at..end, "");
            }
        }
        read += usize::from(agree_value(&text).is_some());
        agree(&text);
    }
    assert!(read > 100, "only {read} of 900 edited texts read here");
}
