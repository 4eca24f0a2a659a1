//! What a parameter's pattern is to the client: compiled by the `regex` crate, checked as an
//! IP address, or left to the server.
//!
//! Compiling a pattern takes longer than lowering an operation (one the `regex` crate refuses
//! is compiled a second time, as ECMA-262, and tried on samples of IP addresses), and a spec
//! repeats a few patterns on many parameters. So each pattern is worked out once, and
//! [`PatternKinds::prefetch`] works out the spec's parameter patterns on a spare core while
//! the schemas are lowered, the slowest kind first: lowering the operations then finds them
//! done, waits for the one the spare core is working on, or works out one itself that the
//! spare core has not got to. Either way a pattern's kind is the same, so the output never
//! depends on which.

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};

use openapiv3::ParameterSchemaOrContent;

use super::shape::Shape;
use crate::resolve::SchemaResolver;

/// What a parameter's pattern is to the client.
#[derive(Clone, Debug, PartialEq)]
pub(super) enum PatternKind {
    /// The `regex` crate compiles it.
    Compiles,
    /// It does not compile, but accepts just IP addresses ([`describes_ip_address`]).
    IpAddress,
    /// It does not compile, for this reason.
    Fails(String),
}

impl PatternKind {
    fn of(pattern: &str) -> Self {
        let Err(error) = regex::Regex::new(pattern) else {
            return Self::Compiles;
        };
        if describes_ip_address(pattern) {
            return Self::IpAddress;
        }
        let reason = error.to_string();
        let reason = reason
            .lines()
            .last()
            .unwrap_or_default()
            .trim()
            .trim_start_matches("error: ");
        Self::Fails(reason.to_string())
    }
}

/// A pattern's entry: being worked out (by either thread), or its kind.
enum Slot {
    Working,
    Done(PatternKind),
}

/// The patterns met so far, and the signal that one of them is done.
#[derive(Default)]
struct Known {
    slots: Mutex<HashMap<String, Slot>>,
    done: Condvar,
}

impl Known {
    /// The map, even if a thread panicked holding it: its entries are each whole.
    fn lock(&self) -> MutexGuard<'_, HashMap<String, Slot>> {
        self.slots.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Works out `pattern`'s kind, which the caller has marked [`Slot::Working`], and records
    /// it. Should working it out panic, the mark goes, so that nobody waits for it.
    fn work_out(&self, pattern: &str) -> PatternKind {
        struct Unmark<'k>(&'k Known, &'k str, bool);
        impl Drop for Unmark<'_> {
            fn drop(&mut self) {
                if !self.2 {
                    self.0.lock().remove(self.1);
                    self.0.done.notify_all();
                }
            }
        }
        let mut unmark = Unmark(self, pattern, false);
        let kind = PatternKind::of(pattern);
        self.lock()
            .insert(pattern.to_string(), Slot::Done(kind.clone()));
        unmark.2 = true;
        self.done.notify_all();
        kind
    }
}

/// The kinds of the patterns met so far, shared with the thread that works them out ahead.
#[derive(Default)]
pub(super) struct PatternKinds {
    known: Arc<Known>,
    /// Tells the thread working ahead that nobody will ask any more.
    done: Arc<AtomicBool>,
}

impl PatternKinds {
    /// Starts working out the patterns of the parameters of the spec `resolver` reads beside
    /// the lowering ([`crate::cores::beside`]) when the machine has a spare core, those with
    /// look-around (the slowest to work out) first. A pattern that thread has not started when asked for is
    /// worked out by the asker.
    pub(super) fn prefetch(resolver: SchemaResolver<'_>) -> Self {
        let kinds = Self::default();
        if crate::cores::available() < 2 {
            return kinds;
        }
        let mut patterns = parameter_patterns(resolver);
        if patterns.is_empty() {
            return kinds;
        }
        patterns.sort_by_key(|pattern| !has_look_around(pattern));
        let known = Arc::clone(&kinds.known);
        let done = Arc::clone(&kinds.done);
        // Should no thread take them, every pattern is worked out when asked for.
        crate::cores::beside("atlas-codegen-patterns", move || {
            for pattern in patterns {
                if done.load(Ordering::Relaxed) {
                    break;
                }
                {
                    let mut slots = known.lock();
                    if slots.contains_key(&pattern) {
                        continue;
                    }
                    slots.insert(pattern.clone(), Slot::Working);
                }
                known.work_out(&pattern);
            }
        });
        kinds
    }

    /// The kind of `pattern`: known already, worked out by the other thread (waiting for it),
    /// or worked out now.
    pub(super) fn get(&self, pattern: &str) -> PatternKind {
        let mut slots = self.known.lock();
        loop {
            match slots.get(pattern) {
                Some(Slot::Done(kind)) => return kind.clone(),
                Some(Slot::Working) => {
                    slots = self
                        .known
                        .done
                        .wait(slots)
                        .unwrap_or_else(PoisonError::into_inner);
                }
                None => {
                    slots.insert(pattern.to_string(), Slot::Working);
                    drop(slots);
                    return self.known.work_out(pattern);
                }
            }
        }
    }
}

impl Drop for PatternKinds {
    fn drop(&mut self) {
        self.done.store(true, Ordering::Relaxed);
    }
}

/// Whether a pattern uses look-ahead or look-behind, which the `regex` crate refuses.
fn has_look_around(pattern: &str) -> bool {
    ["(?=", "(?!", "(?<=", "(?<!"]
        .iter()
        .any(|syntax| pattern.contains(syntax))
}

/// The distinct patterns of the schemas of the spec's parameters (path items', operations' and
/// the component ones), in the order met; references that do not resolve are skipped (lowering
/// reports them).
fn parameter_patterns(resolver: SchemaResolver<'_>) -> Vec<String> {
    let document = resolver.document();
    let in_paths = document
        .paths
        .iter()
        .filter_map(|(_, item)| item.as_item())
        .flat_map(|item| {
            let operations = item.iter().flat_map(|(_, operation)| &operation.parameters);
            item.parameters.iter().chain(operations)
        });
    let components = document
        .components
        .iter()
        .flat_map(|components| components.parameters.values());
    let mut seen = HashSet::new();
    let mut patterns = Vec::new();
    for parameter in in_paths.chain(components) {
        let Ok((parameter, _)) = resolver.parameter(parameter, "") else {
            continue;
        };
        let ParameterSchemaOrContent::Schema(schema) = &parameter.parameter_data_ref().format
        else {
            continue;
        };
        let Ok(resolved) = resolver.schema(schema.into(), "") else {
            continue;
        };
        if let Some(pattern) = Shape::of(resolved.schema).pattern {
            if seen.insert(pattern) {
                patterns.push(pattern.to_string());
            }
        }
    }
    patterns
}

/// Whether a pattern accepts exactly what an IP address check would, on samples: IPv4 and full
/// IPv6 addresses in, malformed ones out (compiled as ECMA-262, with look-around).
fn describes_ip_address(pattern: &str) -> bool {
    let Ok(regex) = fancy_regex::Regex::new(pattern) else {
        return false;
    };
    let matches = |text: &str| regex.is_match(text).unwrap_or(false);
    let addresses = [
        "192.0.2.10",
        "10.0.0.1",
        "255.255.255.255",
        "2001:db8:0:0:0:0:0:1",
    ];
    let not_addresses = ["256.1.1.1", "1.2.3", "1.2.3.4.", "abc", "", "192.0.2.10/24"];
    addresses.iter().all(|a| matches(a)) && !not_addresses.iter().any(|n| matches(n))
}

#[cfg(test)]
mod tests {
    use super::*;

    const ATLAS_IP_ADDRESS: &str =
        r"^((25[0-5]|(2[0-4]|1\d|[1-9]|)\d)(\.(?!$)|$)){4}|([0-9a-f]{1,4}:){7}[0-9a-f]{1,4}$";

    #[test]
    fn the_atlas_ip_address_pattern_is_recognised_and_others_are_not() {
        assert!(describes_ip_address(ATLAS_IP_ADDRESS));
        assert!(!describes_ip_address(r"^(?=.*a)[a-z]+$"));
        assert!(!describes_ip_address(r"^([a-f0-9]{24})$"));
    }

    fn spec(text: &str) -> openapiv3::OpenAPI {
        serde_json::from_str(text).expect("a valid document")
    }

    #[test]
    fn the_patterns_worked_out_ahead_are_every_parameter_pattern_once() {
        let document = spec(
            r##"{"openapi": "3.0.3", "info": {"title": "t", "version": "1"},
            "paths": {"/groups/{groupId}": {
                "parameters": [{"$ref": "#/components/parameters/groupId"}],
                "get": {"operationId": "getGroup", "parameters": [
                    {"name": "name", "in": "query", "schema": {"$ref": "#/components/schemas/Name"}},
                    {"name": "other", "in": "query", "schema": {"type": "string", "pattern": "^([a-f0-9]{24})$"}},
                    {"name": "broken", "in": "query", "schema": {"$ref": "#/components/schemas/Missing"}},
                    {"name": "body", "in": "query", "content": {"application/json": {}}}],
                    "responses": {"200": {"description": "ok"}}}}},
            "components": {
                "schemas": {"Name": {"type": "string", "pattern": "^[a-z]+$"}},
                "parameters": {
                    "groupId": {"name": "groupId", "in": "path", "required": true,
                        "schema": {"type": "string", "pattern": "^([a-f0-9]{24})$"}},
                    "unused": {"name": "unused", "in": "query",
                        "schema": {"type": "string", "pattern": "^(?=a).*$"}}}}}"##,
        );
        let resolver = SchemaResolver::new(&document);
        assert_eq!(
            parameter_patterns(resolver),
            ["^([a-f0-9]{24})$", "^[a-z]+$", "^(?=a).*$"]
        );
    }

    /// Marks `pattern` as being worked out, and has another thread do `then` to it in 50 ms.
    fn working_elsewhere(
        kinds: &PatternKinds,
        pattern: &'static str,
        then: impl FnOnce(&mut HashMap<String, Slot>) + Send + 'static,
    ) -> std::thread::JoinHandle<()> {
        kinds
            .known
            .lock()
            .insert(pattern.to_string(), Slot::Working);
        let known = Arc::clone(&kinds.known);
        std::thread::spawn(move || {
            std::thread::sleep(std::time::Duration::from_millis(50));
            then(&mut known.lock());
            known.done.notify_all();
        })
    }

    #[test]
    fn a_pattern_the_other_thread_works_on_is_waited_for_and_worked_out_once() {
        let kinds = PatternKinds::default();
        // What the other thread records, told apart from what the asker would work out.
        let pattern = r"^[a-z]+$";
        let other = working_elsewhere(&kinds, pattern, |slots| {
            let kind = PatternKind::Fails("from the other thread".into());
            slots.insert(pattern.to_string(), Slot::Done(kind));
        });
        assert_eq!(
            kinds.get(pattern),
            PatternKind::Fails("from the other thread".into())
        );
        other.join().unwrap();

        // A mark taken back (what a panic while working one out does) leaves it to the asker.
        let pattern = r"^[0-9]+$";
        let other = working_elsewhere(&kinds, pattern, |slots| {
            slots.remove(pattern);
        });
        assert_eq!(kinds.get(pattern), PatternKind::Compiles);
        other.join().unwrap();
        assert!(has_look_around(ATLAS_IP_ADDRESS) && !has_look_around(pattern));
    }

    #[test]
    fn a_pattern_has_one_kind_whoever_works_it_out() {
        let kinds = PatternKinds::default();
        assert_eq!(kinds.get(r"^[a-z]+$"), PatternKind::Compiles);
        assert_eq!(kinds.get(ATLAS_IP_ADDRESS), PatternKind::IpAddress);
        let PatternKind::Fails(reason) = kinds.get(r"^(?=a).*$") else {
            panic!("look-ahead is not supported by the regex crate");
        };
        assert_eq!(
            reason,
            "look-around, including look-ahead and look-behind, is not supported"
        );
        // A kind worked out ahead is the one asked for later.
        let document = spec(
            r#"{"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {},
            "components": {"parameters": {"ip": {"name": "ip", "in": "query",
                "schema": {"type": "string", "pattern": "^((25[0-5]|(2[0-4]|1\\d|[1-9]|)\\d)(\\.(?!$)|$)){4}|([0-9a-f]{1,4}:){7}[0-9a-f]{1,4}$"}}}}}"#,
        );
        let ahead = PatternKinds::prefetch(SchemaResolver::new(&document));
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        let done = |kinds: &PatternKinds| {
            matches!(
                kinds.known.lock().get(ATLAS_IP_ADDRESS),
                Some(Slot::Done(_))
            )
        };
        while !done(&ahead) && std::time::Instant::now() < deadline {
            std::thread::sleep(std::time::Duration::from_millis(1));
        }
        if crate::cores::available() > 1 {
            assert!(done(&ahead), "worked out ahead");
        }
        assert_eq!(ahead.get(ATLAS_IP_ADDRESS), PatternKind::IpAddress);
    }
}
