//! Benchmarks of atlas-codegen, printed as tables (`cargo bench -p atlas-codegen`):
//!
//! 1. generating the hand-written spec and the full official spec, stage by stage (parse,
//!    lower = resolve + build the model, emit, format, write), with peak memory;
//! 2. how generation time grows with the size of the spec: the official spec cut to 25%, 50%
//!    and 100% of its operations (with the components they reach);
//! 3. decoding a 20,000-entry `listAccessLogsByClusterName` response into the generated
//!    model, against decoding the same bytes into `serde_json::Value`, time and peak memory;
//! 4. cold generation against openapi-to-rust 0.23 (the fastest peer; `cargo install --locked
//!    openapi-to-rust --version 0.23.0`, skipped with a note when it is not installed): both
//!    commands into a directory that does not exist, on the official 8-operation subset and on
//!    the full official spec, alternating runs, medians and the ratio (the release build),
//!    beside `cp -r` of the output into a new directory (creating the same files, as a floor)
//!    (`-- --cold-only` for this alone);
//! 5. with `-- --compile` (or `-- --compile-only`, without the rest): `cargo check` and
//!    `cargo build` of the crate generated from the official spec, with all features and with
//!    one tag's feature (the crate alone: its dependencies are built first and not counted),
//!    and of a crate calling two of its operations.
//!
//! Times are medians of repeated runs; memory is the peak of live heap bytes, counted by the
//! allocator below. Every ratio compares numbers measured in the same run.

use std::alloc::{GlobalAlloc, Layout};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use atlas_codegen::Config;

/// Counts live heap bytes and their peak.
struct CountingAllocator;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

/// The allocator the `atlas-codegen` command uses.
static INNER: mimalloc::MiMalloc = mimalloc::MiMalloc;

// SAFETY: every call is forwarded to mimalloc unchanged; the counters only add bookkeeping.
unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let pointer = unsafe { INNER.alloc(layout) };
        if !pointer.is_null() {
            let live = LIVE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(live, Ordering::Relaxed);
        }
        pointer
    }

    unsafe fn dealloc(&self, pointer: *mut u8, layout: Layout) {
        unsafe { INNER.dealloc(pointer, layout) };
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
    }

    unsafe fn realloc(&self, pointer: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let new = unsafe { INNER.realloc(pointer, layout, new_size) };
        if !new.is_null() {
            LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
            let live = LIVE.fetch_add(new_size, Ordering::Relaxed) + new_size;
            PEAK.fetch_max(live, Ordering::Relaxed);
        }
        new
    }
}

#[global_allocator]
static ALLOCATOR: CountingAllocator = CountingAllocator;

/// Runs `work` and returns its result and the heap it needed beyond what was live before.
fn peak_memory<T>(work: impl FnOnce() -> T) -> (T, usize) {
    let before = LIVE.load(Ordering::Relaxed);
    PEAK.store(before, Ordering::Relaxed);
    let result = work();
    (result, PEAK.load(Ordering::Relaxed).saturating_sub(before))
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

fn mib(bytes: usize) -> f64 {
    bytes as f64 / (1024.0 * 1024.0)
}

fn repository() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("generator/ has a parent")
        .to_path_buf()
}

fn official_spec() -> PathBuf {
    repository().join("spec/reference/atlas-admin-api-v2-2025-06-30.yaml")
}

/// The stages of one generation, timed.
#[derive(Default)]
struct Stages {
    parse: Vec<Duration>,
    lower: Vec<Duration>,
    emit: Vec<Duration>,
    format_cpu: Vec<Duration>,
    write: Vec<Duration>,
    total: Vec<Duration>,
}

/// Generates `runs` times into `out`: a directory name never used before each time (a
/// directory just deleted would make ext4 slower to create the same number of files again,
/// which no first generation meets), or (`regenerate`) over the previous, identical output,
/// as a developer regenerating an up-to-date crate does.
fn generate_stages(
    path: &Path,
    text: &str,
    runs: usize,
    out: &Path,
    regenerate: bool,
) -> (Stages, usize, usize) {
    let mut stages = Stages::default();
    let mut peak = 0;
    let mut files = 0;
    let fresh = |run: usize| out.with_file_name(format!("atlas-codegen-bench-new-{run}"));
    for run in 0..runs {
        let target = if regenerate {
            out.to_path_buf()
        } else {
            fresh(run)
        };
        let out = target.as_path();
        let ((), memory) = peak_memory(|| {
            let start = Instant::now();
            // As the command does: reuse the Rust files of the crate being overwritten.
            let config = Config {
                reuse_from: regenerate.then(|| out.to_path_buf()),
                ..Config::default()
            };
            let generated =
                atlas_codegen::generate_from_str(path, text, &config).expect("the spec generates");
            let written = Instant::now();
            generated.write_to(out).expect("the crate is written");
            let end = Instant::now();
            let timings = generated.timings();
            stages.parse.push(timings.parse);
            stages.lower.push(timings.lower);
            stages.emit.push(timings.emit);
            stages.format_cpu.push(timings.format_cpu);
            stages.write.push(end - written);
            stages.total.push(end - start);
            files = generated.files().len();
        });
        peak = peak.max(memory);
    }
    if !regenerate {
        for run in 1..runs {
            let _ = std::fs::remove_dir_all(fresh(run));
        }
        // What the regeneration runs start from.
        let _ = std::fs::remove_dir_all(out);
        let _ = std::fs::rename(fresh(0), out);
    }
    (stages, peak, files)
}

fn print_stages(label: &str, stages: Stages, peak: usize, files: usize) {
    let total = median(stages.total.clone());
    println!(
        "\n{label}: {files} files, median {:.1} ms, peak heap {:.1} MiB",
        ms(total),
        mib(peak)
    );
    println!("| stage | median ms | share |");
    println!("|---|---|---|");
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let emit_label = format!("emit: quote + prettyplease ({threads} threads)");
    for (name, samples) in [
        ("parse (YAML)", stages.parse),
        ("lower (resolve + model)", stages.lower),
        (emit_label.as_str(), stages.emit.clone()),
        ("write", stages.write),
    ] {
        let stage = median(samples);
        println!(
            "| {name} | {:.1} | {:.0}% |",
            ms(stage),
            100.0 * stage.as_secs_f64() / total.as_secs_f64()
        );
    }
    let emit = median(stages.emit);
    let format = median(stages.format_cpu);
    println!(
        "(prettyplease: {:.1} ms of thread time, {:.0}% of the emitting threads' time)",
        ms(format),
        100.0 * format.as_secs_f64() / (emit.as_secs_f64() * threads as f64)
    );
}

/// The official spec as JSON, cut to the first `fraction` of its operations and the
/// components they reach.
fn cut_spec(spec: &serde_json::Value, fraction: f64) -> serde_json::Value {
    let mut spec = spec.clone();
    let paths = spec["paths"].as_object().expect("paths").clone();
    let total: usize = paths.values().map(|item| operations(item).len()).sum();
    let keep = (total as f64 * fraction).round() as usize;
    let mut kept = serde_json::Map::new();
    let mut count = 0;
    for (path, item) in paths {
        if count >= keep {
            break;
        }
        let mut item = item.clone();
        for method in operations(&item) {
            if count >= keep {
                item.as_object_mut().expect("path item").remove(&method);
            } else {
                count += 1;
            }
        }
        kept.insert(path, item);
    }
    spec["paths"] = serde_json::Value::Object(kept);
    // Keep the components the kept operations reach.
    let mut reached = std::collections::BTreeSet::new();
    let mut stack = vec![spec["paths"].clone()];
    while let Some(value) = stack.pop() {
        match value {
            serde_json::Value::Object(map) => {
                for (key, value) in map {
                    let target = match (&*key, &value) {
                        ("$ref", serde_json::Value::String(target)) => Some(target.clone()),
                        _ => None,
                    };
                    if let Some(target) = target {
                        if reached.insert(target.clone()) {
                            let pointer = target.trim_start_matches('#');
                            if let Some(component) = spec.pointer(pointer) {
                                stack.push(component.clone());
                            }
                        }
                    } else if key == "mapping" {
                        for target in value.as_object().into_iter().flat_map(|m| m.values()) {
                            let target = target.as_str().unwrap_or_default().to_string();
                            if reached.insert(target.clone()) {
                                if let Some(component) =
                                    spec.pointer(target.trim_start_matches('#'))
                                {
                                    stack.push(component.clone());
                                }
                            }
                        }
                    } else {
                        stack.push(value);
                    }
                }
            }
            serde_json::Value::Array(items) => stack.extend(items),
            _ => {}
        }
    }
    for kind in [
        "schemas",
        "parameters",
        "responses",
        "requestBodies",
        "examples",
    ] {
        let components = spec.get_mut("components").and_then(|c| c.get_mut(kind));
        if let Some(components) = components.and_then(|c| c.as_object_mut()) {
            components.retain(|name, _| reached.contains(&format!("#/components/{kind}/{name}")));
        }
    }
    spec
}

fn operations(item: &serde_json::Value) -> Vec<String> {
    [
        "get", "put", "post", "delete", "options", "head", "patch", "trace",
    ]
    .iter()
    .filter(|m| item.get(**m).is_some())
    .map(|m| m.to_string())
    .collect()
}

fn scaling(official: &str) {
    let document: serde_json::Value = serde_saphyr::from_str(official).expect("official spec");
    println!(
        "\nscaling: the official spec cut to a share of its operations (JSON input, no write)"
    );
    println!("| operations | models | median ms | µs per operation |");
    println!("|---|---|---|---|");
    for fraction in [0.25, 0.5, 1.0] {
        let cut = serde_json::to_string(&cut_spec(&document, fraction)).expect("JSON");
        let path = Path::new("cut.json");
        let mut samples = Vec::new();
        let mut counts = (0, 0);
        for _ in 0..7 {
            let start = Instant::now();
            let generated = atlas_codegen::generate_from_str(path, &cut, &Config::default())
                .expect("the cut spec generates");
            samples.push(start.elapsed());
            counts = (
                generated.api().operations.len(),
                generated.api().types.len(),
            );
        }
        let time = median(samples);
        println!(
            "| {} | {} | {:.1} | {:.0} |",
            counts.0,
            counts.1,
            ms(time),
            time.as_secs_f64() * 1e6 / counts.0 as f64
        );
    }
}

fn decoding() {
    let entry = |i: usize| {
        serde_json::json!({
            "authResult": i % 3 != 0,
            "authSource": "admin",
            "failureReason": if i % 3 == 0 { "UserNotFound: Could not find user" } else { "" },
            "groupId": "32b6e34b3d91647abb20e7b8",
            "hostname": format!("cluster0-shard-00-0{}.abcde.mongodb.net", i % 3),
            "ipAddress": format!("192.0.2.{}", i % 250),
            "logLine": format!("{{\"t\":{{\"$date\":\"2025-05-04T09:42:{:02}.000+00:00\"}},\"s\":\"I\",\"c\":\"ACCESS\",\"id\":20250,\"ctx\":\"conn{i}\",\"msg\":\"Authentication succeeded\"}}", i % 60),
            "timestamp": "Sun May 04 09:42:00 GMT 2025",
            "username": format!("user{i}")
        })
    };
    let logs: Vec<serde_json::Value> = (0..20_000).map(entry).collect();
    let bytes = serde_json::to_vec(&serde_json::json!({"accessLogs": logs})).expect("JSON");
    drop(logs);
    let runs = 15;
    let mut typed = Vec::new();
    let mut value = Vec::new();
    let (mut typed_peak, mut value_peak) = (0, 0);
    for _ in 0..runs {
        let (elapsed, peak) = peak_memory(|| {
            let start = Instant::now();
            // The client's own path: the generated codec, not serde.
            let decoded: atlas_admin::models::MongoDBAccessLogsList =
                atlas_admin::models::codec::from_slice(&bytes).expect("decodes");
            let elapsed = start.elapsed();
            assert_eq!(decoded.access_logs.as_ref().map(Vec::len), Some(20_000));
            elapsed
        });
        typed.push(elapsed);
        typed_peak = typed_peak.max(peak);
        let (elapsed, peak) = peak_memory(|| {
            let start = Instant::now();
            let decoded: serde_json::Value = serde_json::from_slice(&bytes).expect("decodes");
            let elapsed = start.elapsed();
            assert_eq!(decoded["accessLogs"].as_array().map(Vec::len), Some(20_000));
            elapsed
        });
        value.push(elapsed);
        value_peak = value_peak.max(peak);
    }
    let (typed, value) = (median(typed), median(value));
    println!(
        "\ndecoding a 20,000-entry listAccessLogsByClusterName response ({:.1} MiB)",
        mib(bytes.len())
    );
    println!("| into | median ms | peak heap MiB |");
    println!("|---|---|---|");
    println!(
        "| MongoDBAccessLogsList (generated) | {:.1} | {:.1} |",
        ms(typed),
        mib(typed_peak)
    );
    println!(
        "| serde_json::Value | {:.1} | {:.1} |",
        ms(value),
        mib(value_peak)
    );
    println!(
        "generated / Value: time {:.2}x, memory {:.2}x",
        typed.as_secs_f64() / value.as_secs_f64(),
        typed_peak as f64 / value_peak as f64
    );
}

/// The median wall time of `atlas-codegen --spec SPEC --out OUT` over the crate its first run
/// writes.
fn command_runs(spec: &Path, out: &Path, runs: usize) -> Duration {
    let run = || {
        let start = Instant::now();
        let status = std::process::Command::new(env!("CARGO_BIN_EXE_atlas-codegen"))
            .arg("--spec")
            .arg(spec)
            .arg("--out")
            .arg(out)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .status()
            .expect("the command runs");
        assert!(
            status.success(),
            "atlas-codegen failed on {}",
            spec.display()
        );
        start.elapsed()
    };
    let _ = std::fs::remove_dir_all(out);
    run();
    median((0..runs).map(|_| run()).collect())
}

/// A spec as openapi-to-rust can take it: its component `ApiError` clashes with a type of its
/// own, so it is renamed (the key and every `$ref`).
fn for_openapi_to_rust(text: &str) -> String {
    text.lines()
        .map(|line| {
            let key = line.trim_start();
            let renamed = if key == "ApiError:" {
                line.replace("ApiError:", "AtlasApiError:")
            } else {
                line.replace("schemas/ApiError'", "schemas/AtlasApiError'")
                    .replace("schemas/ApiError\"", "schemas/AtlasApiError\"")
            };
            renamed + "\n"
        })
        .collect()
}

/// Cold generation, whole process, into a directory that does not exist: ours against
/// openapi-to-rust, alternating runs, medians and the ratio.
fn cold_against_openapi_to_rust() {
    println!(
        "\ncold generation into a new directory (whole process), against openapi-to-rust 0.23"
    );
    let peer = std::process::Command::new("openapi-to-rust")
        .arg("--version")
        .output();
    if !peer.is_ok_and(|o| o.status.success()) {
        println!(
            "(skipped: openapi-to-rust is not installed; `cargo install --locked openapi-to-rust --version 0.23.0`)"
        );
        return;
    }
    // A name of its own for each run of the bench, for the same reason as below: reusing the
    // names a previous run just deleted makes this machine's file system slower.
    let stamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    // `ATLAS_CODEGEN_BENCH_DIR` puts it elsewhere: a directory that a build has just filled
    // with and emptied of files can make creating files several times slower.
    let parent = std::env::var_os("ATLAS_CODEGEN_BENCH_DIR")
        .map_or_else(|| repository().join("target"), PathBuf::from);
    let scratch = parent.join(format!("atlas-codegen-bench-cold-{stamp}"));
    std::fs::create_dir_all(&scratch).expect("scratch directory");
    // `cp -r` of our first output into a new directory, in the same alternation: a process
    // that only creates the same files, for how much of a cold run the file system takes.
    println!("| spec | atlas-codegen ms | openapi-to-rust ms | ratio | cp -r of the output ms |");
    println!("|---|---|---|---|---|");
    let ours_command = PathBuf::from(env!("CARGO_BIN_EXE_atlas-codegen"));
    let specs = [
        (
            "official 8-operation subset",
            repository().join("spec/reference/atlas-admin-api-v2-2025-06-30-subset.yaml"),
            21,
        ),
        ("full official spec", official_spec(), 15),
    ];
    let mut regenerated = Vec::new();
    for (label, spec, runs) in specs {
        let text = std::fs::read_to_string(&spec).expect("spec");
        let peer_spec = scratch.join("peer.yaml");
        std::fs::write(&peer_spec, for_openapi_to_rust(&text)).expect("peer spec");
        // Each run writes into a directory name never used before, as a first generation does:
        // on ext4, creating files where as many were just deleted is slower (the inode
        // allocator skips recently deleted inodes), which would charge this bench's own
        // cleanup to the tool that writes more files.
        let time = |command: &mut std::process::Command| {
            let start = Instant::now();
            let status = command
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .status()
                .expect("the command runs");
            let elapsed = start.elapsed();
            assert!(status.success(), "{command:?} failed");
            elapsed
        };
        // One of our builds generating into a directory of its own for the round.
        let generate = |binary: &Path, build: &str, run: usize| {
            let mut command = std::process::Command::new(binary);
            command.arg("--spec").arg(&spec).arg("--out");
            command.arg(scratch.join(format!("{label}-{build}-{run}")));
            command
        };
        // The commands of one round, each making a new command for a round's number.
        let commands: [&dyn Fn(usize) -> std::process::Command; 3] = [
            &|run| generate(&ours_command, "ours", run),
            &|run| {
                let mut command = std::process::Command::new("openapi-to-rust");
                command.arg("generate").arg(&peer_spec).arg("--output-dir");
                command.arg(scratch.join(format!("{label}-peer-{run}")));
                command
            },
            &|run| {
                let mut command = std::process::Command::new("cp");
                command
                    .arg("-r")
                    .arg(scratch.join(format!("{label}-ours-0")));
                command.arg(scratch.join(format!("{label}-copy-{run}")));
                command
            },
        ];
        let mut samples: [Vec<Duration>; 3] = Default::default();
        for run in 0..runs {
            // Every other round in reverse order, so that no command always runs right after
            // the same one. Round 0 runs ours first, so `cp -r` has its output to copy.
            let mut order = [0, 1, 2];
            if run % 2 == 1 {
                order.reverse();
            }
            for which in order {
                samples[which].push(time(&mut commands[which](run)));
            }
        }
        let [ours, peer, copy] = samples;
        // Nothing is deleted until every run is done: the file system creates files more
        // slowly for a while after many were deleted.
        let (ours, peer, copy) = (median(ours), median(peer), median(copy));
        println!(
            "| {label} | {:.1} | {:.1} | {:.2} | {:.1} |",
            ms(ours),
            ms(peer),
            ours.as_secs_f64() / peer.as_secs_f64(),
            ms(copy)
        );
        // Regeneration: each tool over its own up-to-date output of round 0, alternating; and
        // ours after a change of the spec that changes no file (a comment, alternately two),
        // which parses, lowers and reuses every file instead of finding nothing to do.
        let changed = [0, 1].map(|n| {
            let path = scratch.join(format!("{label}-changed-{n}.yaml"));
            std::fs::write(&path, format!("{text}\n# change {n}\n")).expect("changed spec");
            path
        });
        let regenerate_changed = |run: usize| {
            let mut command = std::process::Command::new(&ours_command);
            command.arg("--spec").arg(&changed[run % 2]).arg("--out");
            command.arg(scratch.join(format!("{label}-changed-out")));
            command
        };
        // Its output, made once before the rounds.
        time(&mut regenerate_changed(1));
        let mut regenerations: [Vec<Duration>; 3] = Default::default();
        for run in 0..runs.max(15) {
            let mut order = [0, 1, 2];
            if run % 2 == 1 {
                order.reverse();
            }
            for which in order {
                let mut command = match which {
                    0 => generate(&ours_command, "ours", 0),
                    1 => commands[1](0),
                    _ => regenerate_changed(run),
                };
                regenerations[which].push(time(&mut command));
            }
        }
        let [ours, peer, changed] = regenerations.map(median);
        regenerated.push(format!(
            "| {label} | {:.1} | {:.1} | {:.2} | {:.1} |",
            ms(ours),
            ms(peer),
            ours.as_secs_f64() / peer.as_secs_f64(),
            ms(changed),
        ));
    }
    println!(
        "\nregeneration over each tool's own up-to-date output (whole process), at least 15 alternating runs"
    );
    println!(
        "| spec | atlas-codegen ms | openapi-to-rust ms | ratio | atlas-codegen after a spec change ms |"
    );
    println!("|---|---|---|---|---|");
    for row in regenerated {
        println!("{row}");
    }
    let _ = std::fs::remove_dir_all(&scratch);
}

/// The official subset as progenitor 0.15.1 takes it (the edits it needs): versioned JSON
/// media types become `application/json` (it refuses others), a media type without a schema
/// is left out (not implemented there), and the two variants of `OrgUserResponse` take its
/// properties instead of `allOf`-ing it (the union and its variants refer to each other, and
/// progenitor recurses until the stack overflows).
fn for_progenitor(yaml: &str) -> serde_json::Value {
    use serde_json::Value;
    fn fix(value: &mut Value) {
        match value {
            Value::Object(map) => {
                if let Some(Value::Object(content)) = map.get("content") {
                    let json = content
                        .keys()
                        .filter(|k| k.ends_with("json"))
                        .max()
                        .cloned();
                    match json.and_then(|k| content.get(&k).cloned()) {
                        Some(media) if media.get("schema").is_some() => {
                            let content = serde_json::json!({ "application/json": media });
                            map.insert("content".into(), content);
                        }
                        Some(_) => {
                            map.remove("content");
                        }
                        None => {}
                    }
                }
                map.values_mut().for_each(fix);
            }
            Value::Array(items) => items.iter_mut().for_each(fix),
            _ => {}
        }
    }
    let mut spec: Value = serde_saphyr::from_str(yaml).expect("subset parses");
    let schemas = &mut spec["components"]["schemas"];
    let parent = &schemas["OrgUserResponse"];
    let base = serde_json::json!({
        "type": "object",
        "properties": parent["properties"],
        "required": parent["required"],
    });
    for variant in ["OrgActiveUserResponse", "OrgPendingUserResponse"] {
        if let Some(Value::Array(members)) = schemas[variant].get_mut("allOf") {
            for member in members {
                if member["$ref"] == "#/components/schemas/OrgUserResponse" {
                    *member = base.clone();
                }
            }
        }
    }
    fix(&mut spec["paths"]);
    fix(&mut spec["components"]);
    spec
}

/// A crate that generates its client from the official subset in its `build.rs`, with
/// atlas-codegen (`ours`) or with progenitor 0.15.1; the build script writes how long the
/// generation took into `generation-ms` beside it.
fn write_build_time_crates(root: &Path) {
    let subset = repository().join("spec/reference/atlas-admin-api-v2-2025-06-30-subset.yaml");
    let yaml = std::fs::read_to_string(&subset).expect("subset");
    let ours = root.join("ours");
    std::fs::create_dir_all(ours.join("src")).expect("crate directory");
    std::fs::write(ours.join("subset.yaml"), &yaml).expect("spec");
    let manifest = atlas_codegen::includer_manifest(&subset).expect("includer manifest");
    std::fs::write(
        ours.join("Cargo.toml"),
        format!(
            "[package]\nname = \"ours\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n{manifest}\n[build-dependencies]\natlas-codegen = {{ path = {:?}, default-features = false }}\n\n[workspace]\n",
            repository().join("generator").display().to_string()
        ),
    )
    .expect("manifest");
    std::fs::write(
        ours.join("build.rs"),
        r#"fn main() {
    println!("cargo::rerun-if-changed=subset.yaml");
    let start = std::time::Instant::now();
    let code = atlas_codegen::generate_module(std::path::Path::new("subset.yaml")).unwrap();
    let out = std::path::PathBuf::from(std::env::var("OUT_DIR").unwrap()).join("client.rs");
    std::fs::write(out, code).unwrap();
    let ms = start.elapsed().as_secs_f64() * 1000.0;
    std::fs::write("generation-ms", ms.to_string()).unwrap();
}
"#,
    )
    .expect("build script");
    let theirs = root.join("progenitor");
    std::fs::create_dir_all(theirs.join("src")).expect("crate directory");
    std::fs::write(
        theirs.join("subset.json"),
        serde_json::to_string(&for_progenitor(&yaml)).expect("json"),
    )
    .expect("spec");
    std::fs::write(
        theirs.join("Cargo.toml"),
        "[package]\nname = \"theirs\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\nprogenitor-client = \"0.15.1\"\nreqwest = { version = \"0.13\", default-features = false, features = [\"json\", \"stream\", \"query\"] }\nserde = { version = \"1\", features = [\"derive\"] }\nserde_json = \"1\"\nchrono = { version = \"0.4\", features = [\"serde\"] }\nfutures = \"0.3\"\nregress = \"0.10\"\n\n[build-dependencies]\nprogenitor = \"=0.15.1\"\nopenapiv3 = \"2\"\nserde_json = \"1\"\nsyn = \"2\"\nprettyplease = \"0.2\"\n\n[workspace]\n",
    )
    .expect("manifest");
    std::fs::write(
        theirs.join("build.rs"),
        r#"fn main() {
    println!("cargo:rerun-if-changed=subset.json");
    let start = std::time::Instant::now();
    let text = std::fs::read_to_string("subset.json").unwrap();
    let spec: openapiv3::OpenAPI = serde_json::from_str(&text).unwrap();
    let tokens = progenitor::Generator::default().generate_tokens(&spec).unwrap();
    let code = prettyplease::unparse(&syn::parse2(tokens).unwrap());
    let out = std::path::PathBuf::from(std::env::var("OUT_DIR").unwrap()).join("client.rs");
    std::fs::write(out, code).unwrap();
    let ms = start.elapsed().as_secs_f64() * 1000.0;
    std::fs::write("generation-ms", ms.to_string()).unwrap();
}
"#,
    )
    .expect("build script");
    for dir in [&ours, &theirs] {
        std::fs::write(
            dir.join("src/lib.rs"),
            "include!(concat!(env!(\"OUT_DIR\"), \"/client.rs\"));\n",
        )
        .expect("lib");
    }
}

/// The build-time mode against progenitor 0.15.1: a crate generating the official subset in
/// its `build.rs`, built from clean (its own target directory, dependencies included;
/// atlas-codegen's crate without its TLS feature, as progenitor's has none), and the generation
/// inside the unoptimised build script, alternating runs, medians.
fn build_time_against_progenitor() {
    println!(
        "\nbuild-time mode: the official subset generated in build.rs, against progenitor 0.15.1"
    );
    let root = repository().join("target/bench-build-time");
    let _ = std::fs::remove_dir_all(&root);
    write_build_time_crates(&root);
    let cargo = |crate_dir: &Path, args: &[&str]| {
        std::process::Command::new(env!("CARGO"))
            .args(args)
            .arg("--quiet")
            .current_dir(crate_dir)
            .env("CARGO_TARGET_DIR", crate_dir.join("target"))
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    };
    let (ours, theirs) = (root.join("ours"), root.join("progenitor"));
    if !cargo(&theirs, &["fetch"]) {
        println!("(skipped: progenitor 0.15.1 cannot be fetched from crates.io here)");
        return;
    }
    let builds: [(&Path, &[&str]); 2] = [
        (&ours, &["build", "--no-default-features"]),
        (&theirs, &["build"]),
    ];
    let mut clean: [Vec<Duration>; 2] = Default::default();
    let mut generation: [Vec<f64>; 2] = Default::default();
    for run in 0..3 {
        let mut order = [0, 1];
        if run % 2 == 1 {
            order.reverse();
        }
        for which in order {
            let (dir, args) = builds[which];
            let _ = std::fs::remove_dir_all(dir.join("target"));
            let start = Instant::now();
            assert!(cargo(dir, args), "{} does not build", dir.display());
            clean[which].push(start.elapsed());
        }
    }
    // The generation alone: the build script runs again when its spec is touched.
    for run in 0..15 {
        for which in if run % 2 == 0 { [0, 1] } else { [1, 0] } {
            let (dir, args) = builds[which];
            let spec = if which == 0 {
                "subset.yaml"
            } else {
                "subset.json"
            };
            let text = std::fs::read(dir.join(spec)).expect("spec");
            std::fs::write(dir.join(spec), text).expect("touch");
            assert!(cargo(dir, args), "{} does not build", dir.display());
            let ms = std::fs::read_to_string(dir.join("generation-ms")).expect("generation time");
            generation[which].push(ms.trim().parse().expect("milliseconds"));
        }
    }
    let [ours_clean, theirs_clean] = clean.map(median);
    let [ours_generation, theirs_generation] = generation.map(|mut ms| {
        ms.sort_by(f64::total_cmp);
        ms[ms.len() / 2]
    });
    println!("| what | atlas-codegen | progenitor 0.15.1 | ratio |");
    println!("|---|---|---|---|");
    println!(
        "| build from clean, dependencies included (median of 3) | {:.1} s | {:.1} s | {:.2} |",
        ours_clean.as_secs_f64(),
        theirs_clean.as_secs_f64(),
        ours_clean.as_secs_f64() / theirs_clean.as_secs_f64()
    );
    println!(
        "| generation in the unoptimised build script (median of 15) | {ours_generation:.0} ms | {theirs_generation:.0} ms | {:.2} |",
        ours_generation / theirs_generation
    );
}

/// `cargo check` and `cargo build` of the crate generated from the official spec, and of a
/// small crate calling two of its operations.
fn compile(official_text: &str) {
    let dir = std::env::temp_dir().join("atlas-codegen-bench-crate");
    let consumer = std::env::temp_dir().join("atlas-codegen-bench-consumer");
    let _ = std::fs::remove_dir_all(&dir);
    let _ = std::fs::remove_dir_all(&consumer);
    let config = Config {
        standalone: true,
        ..Config::default()
    };
    let generated = atlas_codegen::generate_from_str(&official_spec(), official_text, &config)
        .expect("generates");
    generated.write_to(&dir).expect("written");
    std::fs::copy(repository().join("Cargo.lock"), dir.join("Cargo.lock")).expect("lockfile");
    write_consumer(&consumer, &dir);
    let target = repository().join("target/bench-crate");
    // `incremental`: how `cargo build` compiles a crate of its own workspace or a path
    // dependency; otherwise (CARGO_INCREMENTAL=0) as a git or registry dependency.
    let cargo = |dir: &Path, args: &[&str], incremental: bool| {
        let status = std::process::Command::new(env!("CARGO"))
            .args(args)
            .arg("--quiet")
            .current_dir(dir)
            .env("CARGO_TARGET_DIR", &target)
            .env("CARGO_INCREMENTAL", if incremental { "1" } else { "0" })
            .status()
            .expect("cargo runs");
        assert!(status.success(), "cargo {args:?} failed");
    };
    // This machine's speed varies by a third from one minute to the next: the fastest of
    // three runs is the figure least disturbed by it.
    let fastest = |dir: &Path, args: &[&str], incremental: bool, package: &str| {
        cargo(dir, args, incremental);
        let mut runs = Vec::new();
        for _ in 0..3 {
            cargo(dir, &["clean", "-p", package], incremental);
            let start = Instant::now();
            cargo(dir, args, incremental);
            runs.push(start.elapsed());
        }
        runs.sort();
        (runs[0], runs[1])
    };
    println!(
        "\ncompiling the crate generated from the official spec (the crate alone; dependencies built first; fastest and median of 3 runs)"
    );
    println!("| command | features | incremental | fastest s | median s |");
    println!("|---|---|---|---|---|");
    for (command, features, incremental) in [
        ("check", None, true),
        ("build", None, true),
        ("build", None, false),
        ("check", Some("clusters"), true),
        ("build", Some("clusters"), true),
    ] {
        let mut args = vec![command];
        if let Some(feature) = features {
            args.extend(["--no-default-features", "--features", feature]);
        }
        let (fastest, median) = fastest(&dir, &args, incremental, "atlas-admin");
        println!(
            "| cargo {command} | {} | {} | {:.1} | {:.1} |",
            features.unwrap_or("all (full)"),
            if incremental { "yes" } else { "no" },
            fastest.as_secs_f64(),
            median.as_secs_f64()
        );
    }
    // Operations compile to machine code in the crate that calls them: what that costs.
    let (fastest, median) = fastest(&consumer, &["build"], true, "bench-consumer");
    println!(
        "| cargo build of a crate calling `get_cluster` and `list_clusters` (the generated crate already built) | all (full) | yes | {:.1} | {:.1} |",
        fastest.as_secs_f64(),
        median.as_secs_f64()
    );
}

/// A binary crate that calls one plain and one paged operation of the crate in `generated`.
fn write_consumer(dir: &Path, generated: &Path) {
    std::fs::create_dir_all(dir.join("src")).expect("consumer directory");
    std::fs::write(
        dir.join("Cargo.toml"),
        format!(
            "[package]\nname = \"bench-consumer\"\nversion = \"0.1.0\"\nedition = \"2021\"\npublish = false\n\n[dependencies]\natlas-admin = {{ path = {:?} }}\nfutures-util = {{ version = \"0.3.31\", default-features = false }}\ntokio = {{ version = \"1.45\", features = [\"macros\", \"rt-multi-thread\"] }}\n\n[workspace]\n",
            generated.display().to_string()
        ),
    )
    .expect("consumer manifest");
    std::fs::write(
        dir.join("src/main.rs"),
        r#"use futures_util::StreamExt;

#[tokio::main]
async fn main() -> Result<(), atlas_admin::Error> {
    let client = atlas_admin::Client::builder().build()?;
    let cluster = client.get_cluster().group_id("32b6e34b3d91647abb20e7b8").cluster_name("c").send().await?;
    println!("{:?}", cluster.name);
    let mut clusters = client.list_clusters().group_id("32b6e34b3d91647abb20e7b8").stream();
    while let Some(cluster) = clusters.next().await {
        println!("{:?}", cluster?.name);
    }
    Ok(())
}
"#,
    )
    .expect("consumer source");
    std::fs::copy(repository().join("Cargo.lock"), dir.join("Cargo.lock")).expect("lockfile");
}

fn main() {
    // `cargo bench` passes `--bench`; `-- --compile` adds the compile-time measurement.
    let compile_too = std::env::args().any(|a| a == "--compile");
    let official_text = std::fs::read_to_string(official_spec()).expect("official spec");
    // `-- --compile-only` measures the compile times alone.
    if std::env::args().any(|a| a == "--compile-only") {
        compile(&official_text);
        return;
    }
    if std::env::args().any(|a| a == "--cold-only") {
        cold_against_openapi_to_rust();
        return;
    }
    // `-- --build-time` adds (`-- --build-time-only`: runs alone) the build-time comparison
    // against progenitor: several minutes of clean builds.
    if std::env::args().any(|a| a == "--build-time-only") {
        build_time_against_progenitor();
        return;
    }
    let hand_written = repository().join("spec/atlas-admin-v2.yaml");
    let hand_text = std::fs::read_to_string(&hand_written).expect("hand-written spec");
    // Inside the repository, as the command's default `--out` is: on this machine a file is
    // created in the repository's directories two to ten times faster than in /tmp.
    let out = repository().join("target/atlas-codegen-bench-out");

    // Warm-up, then the measurements.
    let _ = generate_stages(&hand_written, &hand_text, 3, &out, false);
    let (stages, peak, files) = generate_stages(&hand_written, &hand_text, 31, &out, false);
    print_stages(
        "hand-written spec (8 operations), into a new directory",
        stages,
        peak,
        files,
    );
    let (stages, peak, files) = generate_stages(&hand_written, &hand_text, 31, &out, true);
    print_stages(
        "hand-written spec, regenerated over an up-to-date crate",
        stages,
        peak,
        files,
    );
    let (stages, peak, files) = generate_stages(&official_spec(), &official_text, 7, &out, false);
    print_stages(
        "official spec (454 operations, 4 MB of YAML), into a new directory",
        stages,
        peak,
        files,
    );
    let (stages, peak, files) = generate_stages(&official_spec(), &official_text, 7, &out, true);
    print_stages(
        "official spec, regenerated over an up-to-date crate",
        stages,
        peak,
        files,
    );
    let _ = std::fs::remove_dir_all(&out);

    println!(
        "\nthe command as a developer runs it (release binary, process start and exit included), over an up-to-date crate"
    );
    println!("| spec | median ms |");
    println!("|---|---|");
    for (label, spec, runs) in [
        ("hand-written", hand_written.as_path(), 31),
        ("official", official_spec().as_path(), 15),
    ] {
        println!("| {label} | {:.1} |", ms(command_runs(spec, &out, runs)));
    }
    let _ = std::fs::remove_dir_all(&out);

    let start = Instant::now();
    let api = atlas_codegen::api_from_str(&official_spec(), &official_text).expect("lowers");
    println!(
        "\n(parsing and lowering alone, once: {:.1} ms for {} models)",
        ms(start.elapsed()),
        api.types.len()
    );

    scaling(&official_text);
    decoding();
    cold_against_openapi_to_rust();
    if compile_too {
        compile(&official_text);
    }
    if std::env::args().any(|a| a == "--build-time") {
        build_time_against_progenitor();
    }
}
