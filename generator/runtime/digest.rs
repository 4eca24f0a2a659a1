//! HTTP Digest access authentication (RFC 7616), `qop=auth`, with MD5 and SHA-256 and their
//! `-sess` variants: parsing the server's challenge and computing the `Authorization` header.

use md5::Md5;
use sha2::{Digest as _, Sha256};
use zeroize::Zeroizing;

/// The hash of a challenge.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Algorithm {
    Md5,
    Md5Sess,
    Sha256,
    Sha256Sess,
}

impl Algorithm {
    fn parse(name: &str) -> Option<Self> {
        match name.to_ascii_uppercase().as_str() {
            "MD5" => Some(Self::Md5),
            "MD5-SESS" => Some(Self::Md5Sess),
            "SHA-256" => Some(Self::Sha256),
            "SHA-256-SESS" => Some(Self::Sha256Sess),
            _ => None,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Self::Md5 => "MD5",
            Self::Md5Sess => "MD5-sess",
            Self::Sha256 => "SHA-256",
            Self::Sha256Sess => "SHA-256-sess",
        }
    }

    fn hash(self, data: &str) -> String {
        let bytes: Vec<u8> = match self {
            Self::Md5 | Self::Md5Sess => Md5::digest(data.as_bytes()).to_vec(),
            Self::Sha256 | Self::Sha256Sess => Sha256::digest(data.as_bytes()).to_vec(),
        };
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }

    fn is_session(self) -> bool {
        matches!(self, Self::Md5Sess | Self::Sha256Sess)
    }

    /// Preference when a server offers several challenges: the stronger hash first.
    fn strength(self) -> u8 {
        match self {
            Self::Sha256 | Self::Sha256Sess => 2,
            Self::Md5 | Self::Md5Sess => 1,
        }
    }
}

/// A `WWW-Authenticate: Digest` challenge.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Challenge {
    pub realm: String,
    pub nonce: String,
    pub opaque: Option<String>,
    pub algorithm: Algorithm,
    /// Whether the server says the nonce expired, rather than that the credentials are wrong.
    pub stale: bool,
}

/// Splits `a=1, b="x, y"` into pairs, unquoting values.
fn auth_params(text: &str) -> Vec<(String, String)> {
    let mut params = Vec::new();
    let mut rest = text.trim();
    while !rest.is_empty() {
        let Some(eq) = rest.find('=') else {
            break;
        };
        let name = rest[..eq].trim().trim_start_matches(',').trim().to_ascii_lowercase();
        rest = rest[eq + 1..].trim_start();
        let value;
        if let Some(quoted) = rest.strip_prefix('"') {
            let mut out = String::new();
            let mut chars = quoted.char_indices();
            let mut end = quoted.len();
            while let Some((i, c)) = chars.next() {
                match c {
                    '\\' => {
                        if let Some((_, escaped)) = chars.next() {
                            out.push(escaped);
                        }
                    }
                    '"' => {
                        end = i + 1;
                        break;
                    }
                    c => out.push(c),
                }
            }
            value = out;
            rest = &quoted[end.min(quoted.len())..];
        } else {
            let end = rest.find(',').unwrap_or(rest.len());
            value = rest[..end].trim().to_string();
            rest = &rest[end..];
        }
        rest = rest.trim_start().trim_start_matches(',').trim_start();
        params.push((name, value));
    }
    params
}

/// The best digest challenge among `WWW-Authenticate` header values, if any offers `qop=auth`
/// (or no qop) with a known algorithm.
pub(crate) fn parse_challenges<'a>(
    headers: impl Iterator<Item = &'a str>,
) -> Option<Challenge> {
    let mut best: Option<Challenge> = None;
    for header in headers {
        // One header value may hold several challenges; each starts with its scheme.
        for part in split_challenges(header) {
            let Some(rest) = strip_scheme(part, "digest") else {
                continue;
            };
            let params = auth_params(rest);
            let get = |name: &str| {
                params.iter().find(|(n, _)| n == name).map(|(_, v)| v.clone())
            };
            let algorithm = match get("algorithm") {
                Some(name) => match Algorithm::parse(&name) {
                    Some(algorithm) => algorithm,
                    None => continue,
                },
                None => Algorithm::Md5,
            };
            let qop_ok =
                get("qop").is_none_or(|q| q.split(',').any(|q| q.trim() == "auth"));
            let (Some(realm), Some(nonce)) = (get("realm"), get("nonce")) else {
                continue;
            };
            if !qop_ok {
                continue;
            }
            let challenge = Challenge {
                realm,
                nonce,
                opaque: get("opaque"),
                algorithm,
                stale: get("stale").is_some_and(|s| s.eq_ignore_ascii_case("true")),
            };
            if best
                .as_ref()
                .is_none_or(|b| challenge.algorithm.strength() > b.algorithm.strength())
            {
                best = Some(challenge);
            }
        }
    }
    best
}

fn strip_scheme<'a>(text: &'a str, scheme: &str) -> Option<&'a str> {
    let text = text.trim_start();
    let head = text.get(..scheme.len())?;
    let rest = &text[scheme.len()..];
    (head.eq_ignore_ascii_case(scheme) && rest.starts_with(' ')).then_some(rest)
}

/// Splits a header value holding several challenges (`Digest a=1, Digest b=2`) at the scheme
/// names: tokens followed by whitespace and then not by `=` (RFC 7235 allows spaces around a
/// parameter's `=`), outside quoted strings (in which `\"` is an escaped quote).
fn split_challenges(header: &str) -> Vec<&str> {
    let mut starts = vec![0];
    let mut in_quotes = false;
    let mut escaped = false;
    let bytes = header.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            _ if escaped => escaped = false,
            b'\\' if in_quotes => escaped = true,
            b'"' => in_quotes = !in_quotes,
            b',' if !in_quotes => {
                let after = header[i + 1..].trim_start();
                let token_len = after.find([' ', '\t', '=']).unwrap_or(after.len());
                let rest = after[token_len..].trim_start();
                let is_scheme = token_len > 0
                    && token_len < after.len()
                    && !after[token_len..].starts_with('=')
                    && !rest.starts_with('=');
                if is_scheme {
                    starts.push(header.len() - after.len());
                }
            }
            _ => {}
        }
    }
    starts.push(header.len());
    starts.windows(2).map(|w| header[w[0]..w[1]].trim().trim_end_matches(',')).collect()
}

/// HA1 of RFC 7616 for a challenge: `H(user:realm:password)`, and for the `-sess` algorithms
/// `H(that:nonce:cnonce)` with the client nonce of the first request under the nonce. It is
/// computed once per nonce and kept (wiped on drop): it stands for the password.
pub(crate) fn ha1(
    challenge: &Challenge,
    username: &str,
    password: &str,
    cnonce: &str,
) -> Zeroizing<String> {
    let algorithm = challenge.algorithm;
    let secret = Zeroizing::new(format!("{username}:{}:{password}", challenge.realm));
    let mut ha1 = Zeroizing::new(algorithm.hash(&secret));
    if algorithm.is_session() {
        ha1 = Zeroizing::new(
            algorithm.hash(&format!("{}:{}:{cnonce}", *ha1, challenge.nonce)),
        );
    }
    ha1
}

/// The `Authorization` header answering `challenge` for one request, with the nonce's `ha1`.
pub(crate) fn authorization(
    challenge: &Challenge,
    ha1: &str,
    username: &str,
    method: &str,
    uri: &str,
    nc: u32,
    cnonce: &str,
) -> String {
    let algorithm = challenge.algorithm;
    let nc = format!("{nc:08x}");
    let ha2 = algorithm.hash(&format!("{method}:{uri}"));
    let response =
        algorithm.hash(&format!("{ha1}:{}:{nc}:{cnonce}:auth:{ha2}", challenge.nonce));
    let quote = |v: &str| v.replace('\\', "\\\\").replace('"', "\\\"");
    let mut header = format!(
        "Digest username=\"{}\", realm=\"{}\", nonce=\"{}\", uri=\"{}\", algorithm={}, \
         qop=auth, nc={nc}, cnonce=\"{}\", response=\"{response}\"",
        quote(username),
        quote(&challenge.realm),
        quote(&challenge.nonce),
        quote(uri),
        algorithm.name(),
        quote(cnonce),
    );
    if let Some(opaque) = &challenge.opaque {
        header.push_str(&format!(", opaque=\"{}\"", quote(opaque)));
    }
    header
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 7616, section 3.9.1.
    fn rfc_challenge(algorithm: &str) -> Challenge {
        let header = format!(
            "Digest realm=\"http-auth@example.org\", qop=\"auth, auth-int\", \
             algorithm={algorithm}, nonce=\"7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v\", \
             opaque=\"FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS\""
        );
        parse_challenges([header.as_str()].into_iter()).unwrap()
    }

    fn rfc_response(challenge: &Challenge) -> String {
        let cnonce = "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ";
        let ha1 = ha1(challenge, "Mufasa", "Circle of Life", cnonce);
        let header =
            authorization(challenge, &ha1, "Mufasa", "GET", "/dir/index.html", 1, cnonce);
        auth_params(header.strip_prefix("Digest ").unwrap())
            .into_iter()
            .find(|(n, _)| n == "response")
            .unwrap()
            .1
    }

    #[test]
    fn rfc_7616_md5_example() {
        let challenge = rfc_challenge("MD5");
        assert_eq!(challenge.algorithm, Algorithm::Md5);
        assert_eq!(
            challenge.opaque.as_deref(),
            Some("FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS")
        );
        assert_eq!(rfc_response(&challenge), "8ca523f5e9506fed4657c9700eebdbec");
    }

    #[test]
    fn rfc_7616_sha256_example() {
        let challenge = rfc_challenge("SHA-256");
        assert_eq!(
            rfc_response(&challenge),
            "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1"
        );
    }

    #[test]
    fn the_stronger_of_several_challenges_wins() {
        let headers = [
            "Digest realm=\"r\", nonce=\"n1\", algorithm=MD5, qop=\"auth\"",
            "Basic realm=\"x\", Digest realm=\"r\", nonce=\"n2\", algorithm=SHA-256, qop=\"auth\", stale=TRUE",
        ];
        let challenge = parse_challenges(headers.into_iter()).unwrap();
        assert_eq!(
            (challenge.algorithm, challenge.nonce.as_str(), challenge.stale),
            (Algorithm::Sha256, "n2", true)
        );
    }

    #[test]
    fn parameters_parse_as_rfc_7235_says() {
        // Spaces around `=`, an escaped quote and an escaped backslash in quoted values, a
        // comma inside quotes, and a second challenge after them.
        let header = r#"Digest realm = "a \"quoted\" realm, with a comma" , nonce= "n\\1" ,qop ="auth", algorithm = SHA-256, Basic realm="b""#;
        let challenge = parse_challenges([header].into_iter()).unwrap();
        assert_eq!(challenge.realm, r#"a "quoted" realm, with a comma"#);
        assert_eq!(challenge.nonce, r"n\1");
        assert_eq!(challenge.algorithm, Algorithm::Sha256);
        assert_eq!(split_challenges(header).len(), 2, "{:?}", split_challenges(header));
    }

    #[test]
    fn sess_ha1_is_bound_to_the_first_client_nonce() {
        let challenge = rfc_challenge("SHA-256-sess");
        let first = ha1(&challenge, "u", "p", "c1");
        assert_eq!(*first, *ha1(&challenge, "u", "p", "c1"));
        assert_ne!(*first, *ha1(&challenge, "u", "p", "c2"));
        let plain = rfc_challenge("SHA-256");
        assert_eq!(*ha1(&plain, "u", "p", "c1"), *ha1(&plain, "u", "p", "c2"));
    }

    #[test]
    fn unusable_challenges_are_ignored() {
        assert_eq!(parse_challenges(["Basic realm=\"x\""].into_iter()), None);
        assert_eq!(
            parse_challenges(
                ["Digest realm=\"r\", nonce=\"n\", qop=\"auth-int\""].into_iter()
            ),
            None
        );
        assert_eq!(
            parse_challenges(
                ["Digest realm=\"r\", nonce=\"n\", algorithm=SHA-512"].into_iter()
            ),
            None
        );
        assert_eq!(parse_challenges(["Digest realm=\"r\""].into_iter()), None);
    }
}
