//! What a parameter's pattern is to the client: compiled by the `regex` crate, checked as an
//! IP address, or left to the server.
//!
//! Compiling a pattern takes longer than lowering an operation (one the `regex` crate refuses
//! is compiled a second time, as ECMA-262, and tried on samples of IP addresses), and a spec
//! repeats a few patterns on many parameters, so each pattern is worked out once.

use std::cell::RefCell;
use std::collections::HashMap;

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

/// The kinds of the patterns met so far.
#[derive(Default)]
pub(super) struct PatternKinds {
    known: RefCell<HashMap<String, PatternKind>>,
}

impl PatternKinds {
    /// The kind of `pattern`, worked out the first time it is asked for.
    pub(super) fn get(&self, pattern: &str) -> PatternKind {
        if let Some(kind) = self.known.borrow().get(pattern) {
            return kind.clone();
        }
        let kind = PatternKind::of(pattern);
        self.known
            .borrow_mut()
            .insert(pattern.to_string(), kind.clone());
        kind
    }
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

    #[test]
    fn a_pattern_has_one_kind_however_often_it_is_asked_for() {
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
        assert_eq!(kinds.get(ATLAS_IP_ADDRESS), PatternKind::IpAddress);
    }
}
