//! The generated crate's JSON codec (`atlas_admin::models::codec`), the path every response
//! body and request body takes: it must read exactly what serde_json reads, write what
//! serde_json writes, and report errors with their place.

use atlas_admin::models::codec;
use proptest::prelude::*;
use serde_json::{Value, json};

/// Any JSON value, nested a few levels, with strings that need escaping.
fn arbitrary_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(Value::from),
        any::<String>().prop_map(Value::String),
        "[\"\\\\/\\u{0}-\\u{1f}é😀a-z]{0,8}".prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec(("[a-zA-Z\"\\\\é]{0,6}", inner), 0..6)
                .prop_map(|entries| Value::Object(entries.into_iter().collect())),
        ]
    })
}

/// Whether two values are equal, floats to within serde_json's own parsing error: without
/// its `float_roundtrip` feature it may read the last bit differently, where the codec (Rust's
/// `str::parse`) rounds correctly.
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) if x.is_f64() || y.is_f64() => {
            let (x, y) = (x.as_f64().unwrap(), y.as_f64().unwrap());
            x == y || (x - y).abs() <= x.abs().max(y.abs()) * 4.0 * f64::EPSILON
        }
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same(x, y))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w)))
        }
        _ => a == b,
    }
}

/// serde_json's and the codec's readings of the same bytes: both fail, or both give the same
/// value.
fn assert_same_reading(bytes: &[u8]) {
    let expected = serde_json::from_slice::<Value>(bytes);
    let actual = codec::from_slice::<Value>(bytes);
    match (&expected, &actual) {
        (Ok(expected), Ok(actual)) => assert!(
            same(actual, expected),
            "{}: {actual:?} vs {expected:?}",
            String::from_utf8_lossy(bytes)
        ),
        (Err(_), Err(_)) => {}
        _ => panic!(
            "serde_json: {expected:?}, codec: {actual:?}, input: {:?}",
            String::from_utf8_lossy(bytes)
        ),
    }
}

proptest! {
    // The cases that once failed are pinned in `edge_cases_read_as_serde_json_reads_them`, so
    // no regressions file is kept. `PROPTEST_CASES` runs more.
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(400),
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn reads_what_serde_json_writes(value in arbitrary_json(), pretty in any::<bool>()) {
        let bytes = if pretty {
            serde_json::to_vec_pretty(&value).unwrap()
        } else {
            serde_json::to_vec(&value).unwrap()
        };
        let read = codec::from_slice::<Value>(&bytes).unwrap();
        // Written by serde_json's shortest round-trip formatting, so read back exactly.
        prop_assert_eq!(read, value);
    }

    #[test]
    fn accepts_and_refuses_what_serde_json_does(
        value in arbitrary_json(),
        edits in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>(), 0..3u8), 1..4),
    ) {
        let mut bytes = serde_json::to_vec(&value).unwrap();
        for (at, byte, kind) in edits {
            if bytes.is_empty() {
                break;
            }
            let at = at.index(bytes.len());
            // JSON's own punctuation, so edits often stay near-valid.
            let punctuation = b"{}[]:,\"\\-+.0123456789eEtruefalsn \n";
            let byte = punctuation[byte as usize % punctuation.len()];
            match kind {
                0 => bytes[at] = byte,
                1 => bytes.insert(at, byte),
                _ => {
                    bytes.remove(at);
                }
            }
        }
        assert_same_reading(&bytes);
    }

    #[test]
    fn writes_strings_as_serde_json_does(text in any::<String>()) {
        prop_assert_eq!(codec::to_vec(&text), serde_json::to_vec(&text).unwrap());
    }

    #[test]
    fn writes_numbers_as_serde_json_does(int in any::<i64>(), float in any::<f64>()) {
        prop_assert_eq!(codec::to_vec(&int), serde_json::to_vec(&int).unwrap());
        prop_assert_eq!(codec::to_vec(&float), serde_json::to_vec(&float).unwrap());
    }

    #[test]
    fn writes_and_reads_timestamps_as_chrono_serde_does(
        seconds in -62_000_000_000i64..250_000_000_000,
        nanos in prop_oneof![Just(0u32), 0..1_000_000_000u32, (0..1000u32).prop_map(|m| m * 1_000_000)],
    ) {
        let time = chrono::DateTime::from_timestamp(seconds, nanos).unwrap();
        let written = codec::to_vec(&time);
        prop_assert_eq!(&written, &serde_json::to_vec(&time).unwrap());
        prop_assert_eq!(codec::from_slice::<chrono::DateTime<chrono::Utc>>(&written).unwrap(), time);
        let date = time.date_naive();
        prop_assert_eq!(codec::to_vec(&date), serde_json::to_vec(&date).unwrap());
    }
}

#[test]
fn edge_cases_read_as_serde_json_reads_them() {
    let cases: &[&str] = &[
        "-0",
        "3.534658110465522e+242",
        "0",
        "01",
        "1.",
        ".5",
        "+1",
        "1e400",
        "-1e400",
        "1E+2",
        "18446744073709551615",
        "18446744073709551616",
        "-9223372036854775808",
        "-9223372036854775809",
        "123456789012345678901234567890",
        "\"\\ud83d\\ude00\"",
        "\"\\ud83d\"",
        "\"\\ude00\"",
        "\"\\ud83dx\"",
        "\"\\u00e9\\/\\b\\f\"",
        "\"\\x\"",
        "\"a\u{1}\"",
        "\"\u{7f}\"",
        "[1,]",
        "{\"a\":1,}",
        "{\"a\" 1}",
        "{1:1}",
        "[1 2]",
        "nul",
        "true false",
        " \t\r\n[ ] ",
        "",
        "{\"a\":1,\"a\":2}",
    ];
    for case in cases {
        assert_same_reading(case.as_bytes());
    }
    assert_same_reading(b"\"\xff\"");
    // serde_json's nesting limit: 128 levels read, 129 refused.
    for depth in [127, 128, 129, 200] {
        let nested = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
        assert_same_reading(nested.as_bytes());
    }
}

#[test]
fn errors_name_the_model_the_field_and_the_place() {
    use atlas_admin::models::{CloudDatabaseUser, SearchIndexResponse};

    let error = codec::from_slice::<CloudDatabaseUser>(
        b"{\n  \"databaseName\": \"admin\",\n  \"groupId\": \"g\"\n}",
    )
    .unwrap_err()
    .to_string();
    assert_eq!(error, "missing field `username` at line 4 column 1");

    let error = codec::from_slice::<CloudDatabaseUser>(b"[1]")
        .unwrap_err()
        .to_string();
    assert_eq!(
        error,
        "invalid type: sequence, expected a CloudDatabaseUser object at line 1 column 1"
    );

    let body = b"{\"databaseName\": \"admin\", \"username\": 7}";
    let error = codec::from_slice::<CloudDatabaseUser>(body)
        .unwrap_err()
        .to_string();
    assert_eq!(
        error,
        "invalid type: integer `7`, expected a string at line 1 column 39"
    );
    // Like serde_json, a scalar of the wrong type is placed at its last byte.
    let body = b"{\"databaseName\": \"admin\", \"username\": true}";
    let error = codec::from_slice::<CloudDatabaseUser>(body)
        .unwrap_err()
        .to_string();
    assert_eq!(
        error,
        "invalid type: boolean `true`, expected a string at line 1 column 42"
    );

    let error = codec::from_slice::<SearchIndexResponse>(b"{\"type\": 3}")
        .unwrap_err()
        .to_string();
    assert!(
        error.starts_with("field `type` must be a string, found 3"),
        "{error}"
    );

    // Where serde_json puts the same error.
    let body = b"{\"databaseName\": \"admin\", \"groupId\": \"g\", \"username\": \"u\"}\n x";
    let error = codec::from_slice::<CloudDatabaseUser>(body)
        .unwrap_err()
        .to_string();
    let expected = serde_json::from_slice::<Value>(body)
        .unwrap_err()
        .to_string();
    assert_eq!(error, expected);
    assert_eq!(error, "trailing characters at line 2 column 2");
}

#[test]
fn a_tagged_union_finds_its_tag_anywhere_and_keeps_unknown_objects_whole() {
    use atlas_admin::models::SearchIndexResponse;

    // The tag last, after fields with nested objects that hold their own `type`.
    let body = json!({
        "name": "idx",
        "latestDefinition": {"mappings": {"dynamic": true, "fields": {"type": {"type": "string"}}}},
        "type": "search"
    });
    let decoded: SearchIndexResponse =
        codec::from_slice(&serde_json::to_vec(&body).unwrap()).unwrap();
    assert_eq!(decoded.tag(), Some("search"));
    let written: Value = serde_json::from_slice(&codec::to_vec(&decoded)).unwrap();
    assert_eq!(written["type"], "search");
    assert_eq!(written["name"], "idx");

    let unknown = json!({"type": "hybrid", "name": "idx", "extra": [1, {"a": null}]});
    let decoded: SearchIndexResponse =
        codec::from_slice(&serde_json::to_vec(&unknown).unwrap()).unwrap();
    assert_eq!(decoded, SearchIndexResponse::Unknown(unknown.clone()));
    assert_eq!(
        serde_json::from_slice::<Value>(&codec::to_vec(&decoded)).unwrap(),
        unknown
    );
}

#[test]
fn the_serde_impls_agree_with_the_codec() {
    use atlas_admin::models::CloudDatabaseUser;

    let body = json!({
        "databaseName": "admin",
        "groupId": "32b6e34b3d91647abb20e7b8",
        "username": "u\"ser\n",
        "roles": [{"databaseName": "admin", "roleName": "readWriteAnyDatabase"}],
        "deleteAfterDate": "2025-05-04T09:42:00.123Z",
        "labels": [{"key": "k", "value": "v"}]
    });
    let bytes = serde_json::to_vec(&body).unwrap();
    let fast: CloudDatabaseUser = codec::from_slice(&bytes).unwrap();
    let through_serde: CloudDatabaseUser = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(fast, through_serde);
    let written: Value = serde_json::from_slice(&codec::to_vec(&fast)).unwrap();
    assert_eq!(written, body);
    assert_eq!(serde_json::to_value(&fast).unwrap(), body);
}
