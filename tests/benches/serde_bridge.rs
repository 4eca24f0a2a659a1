//! The models' serde impls, streamed (now) against the way through `serde_json::Value` they
//! took before, on a 20,000-entry access log (the largest real response): alternating rounds
//! in one run, medians and the ratio.
//!
//! `cargo bench -p atlas-codegen-tests --bench serde_bridge`

use std::time::{Duration, Instant};

use atlas_admin::models::{MongoDBAccessLogsList, codec};
use serde_json::Value;

const ROUNDS: usize = 9;

/// A 20,000-entry log: the recorded entries, repeated.
fn log() -> Vec<u8> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/realdata/access_logs/by-cluster-success-failureReason-null.json"
    );
    let mut body: Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    let entries = body["accessLogs"].as_array().unwrap().clone();
    let many: Vec<Value> = entries.iter().cycle().take(20_000).cloned().collect();
    body["accessLogs"] = Value::Array(many);
    serde_json::to_vec(&body).unwrap()
}

/// The bridge as it was: the model encoded, read into a `Value`, and that serialized; a
/// `Value` deserialized, encoded and decoded.
fn old_to_vec(model: &MongoDBAccessLogsList) -> Vec<u8> {
    let value = codec::to_value(model).unwrap();
    serde_json::to_vec(&value).unwrap()
}

fn old_from_slice(bytes: &[u8]) -> MongoDBAccessLogsList {
    let value: Value = serde_json::from_slice(bytes).unwrap();
    codec::from_slice(&serde_json::to_vec(&value).unwrap()).unwrap()
}

fn time(f: impl FnOnce()) -> Duration {
    let started = Instant::now();
    f();
    started.elapsed()
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

fn main() {
    let bytes = log();
    let model: MongoDBAccessLogsList = codec::from_slice(&bytes).unwrap();
    // Both ways give the same JSON and the same model.
    assert_eq!(serde_json::to_vec(&model).unwrap(), old_to_vec(&model));
    assert_eq!(
        serde_json::from_slice::<MongoDBAccessLogsList>(&bytes).unwrap(),
        old_from_slice(&bytes)
    );
    let (mut old_ser, mut new_ser, mut old_de, mut new_de) = (vec![], vec![], vec![], vec![]);
    for _ in 0..ROUNDS {
        old_ser.push(time(|| drop(old_to_vec(&model))));
        new_ser.push(time(|| drop(serde_json::to_vec(&model).unwrap())));
        old_de.push(time(|| drop(old_from_slice(&bytes))));
        new_de.push(time(|| {
            drop(serde_json::from_slice::<MongoDBAccessLogsList>(&bytes).unwrap())
        }));
    }
    let report = |what: &str, old: Vec<Duration>, new: Vec<Duration>| {
        let (old, new) = (median(old), median(new));
        println!(
            "{what}: through Value {old:.1?}, streamed {new:.1?} ({:.2}x)",
            new.as_secs_f64() / old.as_secs_f64()
        );
    };
    println!(
        "serde bridge, {} MB access log, median of {ROUNDS} alternating rounds",
        bytes.len() / 1_000_000
    );
    report("serialize (serde_json::to_vec)", old_ser, new_ser);
    report("deserialize (serde_json::from_slice)", old_de, new_de);
}
