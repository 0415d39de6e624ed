//! API keys: `mzn_<prefix>_<secret>`. The prefix finds the stored key; only a SHA-256
//! hash of the whole key is stored, and it is compared in constant time.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// A newly made key: shown once, never stored.
pub struct NewKey {
    /// The whole key, for the client.
    pub plaintext: String,
    /// The part that identifies it, stored in clear.
    pub prefix: String,
    /// The hash of the whole key, stored.
    pub hash: String,
}

/// Makes a key from 32 bytes of the operating system's randomness.
pub fn generate() -> Result<NewKey, getrandom::Error> {
    let mut prefix = [0u8; 6];
    let mut secret = [0u8; 32];
    getrandom::fill(&mut prefix)?;
    getrandom::fill(&mut secret)?;
    let prefix = hex::encode(prefix);
    let plaintext = format!("mzn_{prefix}_{}", URL_SAFE_NO_PAD.encode(secret));
    Ok(NewKey {
        hash: hash(&plaintext),
        prefix,
        plaintext,
    })
}

/// The prefix of a key as a client sends it, if it has the right shape.
pub fn prefix_of(key: &str) -> Option<&str> {
    let rest = key.strip_prefix("mzn_")?;
    let (prefix, secret) = rest.split_once('_')?;
    let valid = prefix.len() == 12
        && prefix.bytes().all(|b| b.is_ascii_hexdigit())
        && secret.len() == 43
        && secret
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    valid.then_some(prefix)
}

/// The stored hash of `key`.
pub fn hash(key: &str) -> String {
    hex::encode(Sha256::digest(key.as_bytes()))
}

/// Whether `key` hashes to `stored`, compared in constant time.
pub fn matches(key: &str, stored: &str) -> bool {
    hash(key).as_bytes().ct_eq(stored.as_bytes()).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_generated_key_is_recognized_and_matches_only_its_hash() {
        let key = generate().unwrap();
        assert_eq!(prefix_of(&key.plaintext), Some(key.prefix.as_str()));
        assert!(matches(&key.plaintext, &key.hash));
        let other = generate().unwrap();
        assert!(!matches(&other.plaintext, &key.hash));
        assert_ne!(key.plaintext, other.plaintext);
        assert!(
            !key.hash.contains(&key.plaintext[17..]),
            "the secret is not stored"
        );
    }

    #[test]
    fn malformed_keys_have_no_prefix() {
        for key in [
            "",
            "mzn_",
            "mzn_abc_def",
            "Bearer x",
            "mzn_zzzzzzzzzzzz_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
            &"m".repeat(10_000),
        ] {
            assert_eq!(prefix_of(key), None, "{key:?}");
        }
    }
}
