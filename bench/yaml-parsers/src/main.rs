//! Parses the full official Atlas spec (4 MB of YAML) into `openapiv3::OpenAPI` with each
//! maintained serde-compatible YAML crate, and once from the same document as JSON for scale.
//! Prints the median and minimum of 15 runs, and the peak memory of the process per crate
//! (one process per candidate: `yaml-parsers <candidate>`; without an argument it runs them
//! all as child processes).

use std::process::Command;
use std::time::Instant;

const CANDIDATES: &[&str] = &["serde-saphyr", "serde-saphyr-via-value", "serde_yaml_ng", "serde_norway", "json"];
const RUNS: usize = 15;

fn parse(candidate: &str, yaml: &str, json: &str) -> openapiv3::OpenAPI {
    match candidate {
        "serde-saphyr" => serde_saphyr::from_str(yaml).expect("serde-saphyr parses the spec"),
        "serde_yaml_ng" => serde_yaml_ng::from_str(yaml).expect("serde_yaml_ng parses the spec"),
        "serde_norway" => serde_norway::from_str(yaml).expect("serde_norway parses the spec"),
        "json" => serde_json::from_str(json).expect("JSON parses"),
        "serde-saphyr-via-value" => {
            let value: serde_json::Value = serde_saphyr::from_str(yaml).expect("serde-saphyr parses the spec");
            serde_json::from_value(value).expect("the value is an OpenAPI document")
        }
        other => panic!("unknown candidate {other}"),
    }
}

fn peak_rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches(" kB").trim().parse().ok())
        .unwrap_or(0)
}

fn main() {
    let spec = std::env::var("ATLAS_SPEC")
        .unwrap_or_else(|_| "../../../shared/reference/atlas-admin-api-v2-2025-06-30.yaml".into());
    let yaml = std::fs::read_to_string(&spec).unwrap_or_else(|e| panic!("{spec}: {e}"));
    match std::env::args().nth(1) {
        Some(candidate) => {
            // JSON input is the same document, converted once, outside the timing.
            let value: serde_json::Value = serde_saphyr::from_str(&yaml).unwrap();
            let json = serde_json::to_string(&value).unwrap();
            let baseline = peak_rss_kib();
            let mut times = Vec::new();
            for _ in 0..RUNS {
                let start = Instant::now();
                let api = parse(&candidate, &yaml, &json);
                times.push(start.elapsed().as_secs_f64() * 1e3);
                assert!(api.paths.paths.len() > 200);
            }
            times.sort_by(f64::total_cmp);
            println!(
                "{candidate:>22}: median {:7.1} ms  min {:7.1} ms  peak +{:6} KiB",
                times[RUNS / 2],
                times[0],
                peak_rss_kib().saturating_sub(baseline)
            );
        }
        None => {
            println!("{} bytes of YAML, {RUNS} runs each", yaml.len());
            let exe = std::env::current_exe().unwrap();
            for candidate in CANDIDATES {
                let status = Command::new(&exe).arg(candidate).status().unwrap();
                assert!(status.success());
            }
        }
    }
}
