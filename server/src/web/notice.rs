//! Signed notices: a page URL that carries one message to show once.

use crate::config::Config;

/// A page URL that carries a message to show once, signed with the session
/// key so only this server can put words on its pages. `ok` picks the tone.
pub(crate) fn notice_url(config: &Config, path: &str, ok: bool, message: &str) -> String {
    let kind = if ok { "ok" } else { "err" };
    format!(
        "{path}?{kind}={}&sig={}",
        super::urlencode(message),
        notice_sig(config, kind, message)
    )
}

fn notice_sig(config: &Config, kind: &str, message: &str) -> String {
    use hmac::{Hmac, Mac};
    let mut mac =
        <Hmac<sha2::Sha256> as Mac>::new_from_slice(config.session_key.expose().as_bytes())
            .expect("HMAC takes keys of any length");
    mac.update(kind.as_bytes());
    mac.update(b"\n");
    mac.update(message.as_bytes());
    hex::encode(&mac.finalize().into_bytes()[..16])
}

/// The message of a signed notice URL's query: (is it good news, words).
pub fn verified_notice(
    config: &Config,
    ok: Option<&str>,
    err: Option<&str>,
    sig: Option<&str>,
) -> Option<(bool, String)> {
    let (good, message) = match (ok, err) {
        (Some(m), None) => (true, m),
        (None, Some(m)) => (false, m),
        _ => return None,
    };
    let kind = if good { "ok" } else { "err" };
    let expected = notice_sig(config, kind, message);
    let given = sig?;
    // Constant-time enough: both are fixed-length hex of a MAC.
    (given.len() == expected.len()
        && given
            .bytes()
            .zip(expected.bytes())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0)
        .then(|| (good, message.to_owned()))
}
