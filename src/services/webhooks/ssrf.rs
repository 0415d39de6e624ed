//! Where webhooks may be sent: `https` URLs whose host resolves only to public addresses.
//!
//! Checked when an endpoint is registered or changed, and again at each delivery, where
//! the HTTP client resolves names through [`PublicResolver`]: it connects only to the
//! addresses that passed the check, so a name that resolves to a public address at
//! registration and to a private one later (DNS rebinding) reaches nothing.

use std::{
    net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr},
    sync::{Arc, LazyLock},
    time::Duration,
};

use ipnet::IpNet;
use reqwest::{
    Url,
    dns::{Addrs, Name, Resolve, Resolving},
};

use crate::config::WebhookConfig;

/// How long a registration waits for its URL's name to resolve.
const RESOLVE_TIMEOUT: Duration = Duration::from_secs(5);

/// Addresses no webhook goes to, from IANA's special-purpose address registries: this
/// network, private (RFC 1918), CGNAT shared space, loopback, link-local, IETF protocol
/// assignments, documentation, 6to4 relays, benchmarking, multicast, reserved and
/// broadcast; and for IPv6 unspecified, loopback, NAT64, discard, IETF assignments
/// (Teredo, ORCHID), documentation, 6to4, unique-local, link-local, site-local and
/// multicast. IPv4-mapped and -compatible IPv6 addresses are judged as the IPv4 address.
static REFUSED: LazyLock<Vec<IpNet>> = LazyLock::new(|| {
    [
        "0.0.0.0/8",
        "10.0.0.0/8",
        "100.64.0.0/10",
        "127.0.0.0/8",
        "169.254.0.0/16",
        "172.16.0.0/12",
        "192.0.0.0/24",
        "192.0.2.0/24",
        "192.88.99.0/24",
        "192.168.0.0/16",
        "198.18.0.0/15",
        "198.51.100.0/24",
        "203.0.113.0/24",
        "224.0.0.0/4",
        "240.0.0.0/4",
        "::/128",
        "::1/128",
        "64:ff9b::/96",
        "64:ff9b:1::/48",
        "100::/64",
        "2001::/23",
        "2001:db8::/32",
        "2002::/16",
        "3fff::/20",
        "fc00::/7",
        "fe80::/10",
        "fec0::/10",
        "ff00::/8",
    ]
    .into_iter()
    .map(|net| net.parse().expect("a valid CIDR"))
    .collect()
});

/// Which addresses and schemes endpoints may use.
#[derive(Clone, Debug, Default)]
pub struct Policy {
    allow_nets: Vec<IpNet>,
    allow_http: bool,
}

impl Policy {
    /// The policy `config` describes; exceptions to it are logged.
    pub fn new(config: &WebhookConfig) -> Self {
        if config.allow_http {
            tracing::warn!("MIZAN_WEBHOOK_ALLOW_HTTP: webhooks may be sent over plain http");
        }
        if !config.allow_nets.is_empty() {
            let nets: Vec<String> = config.allow_nets.iter().map(ToString::to_string).collect();
            tracing::warn!(
                "MIZAN_WEBHOOK_ALLOW_NETS: webhooks may be sent to {}",
                nets.join(", ")
            );
        }
        Self {
            allow_nets: config.allow_nets.clone(),
            allow_http: config.allow_http,
        }
    }

    /// Whether a webhook may be sent to `ip`.
    pub fn allows(&self, ip: IpAddr) -> bool {
        let ip = canonical(ip);
        self.allow_nets.iter().any(|net| net.contains(&ip))
            || !REFUSED.iter().any(|net| net.contains(&ip))
    }

    /// Checks `url`'s form: `https` (or `http` when allowed), a host, no credentials.
    /// Returns the parsed URL, or why it is refused.
    pub fn check_form(&self, url: &str) -> Result<Url, String> {
        let parsed = Url::parse(url).map_err(|err| format!("is not a URL ({err})"))?;
        match parsed.scheme() {
            "https" => {}
            "http" if self.allow_http => {}
            _ => return Err("must be an https:// URL".to_owned()),
        }
        if !parsed.username().is_empty() || parsed.password().is_some() {
            return Err("must not hold a user name or password".to_owned());
        }
        if parsed.host().is_none() {
            return Err("must name a host".to_owned());
        }
        Ok(parsed)
    }

    /// Checks `url` as a registration does: its form, and every address its host
    /// resolves to (an IP literal is its own address).
    pub async fn check(&self, url: &str) -> Result<Url, String> {
        let parsed = self.check_form(url)?;
        let addresses = match literal(&parsed) {
            Some(ip) => vec![ip],
            None => {
                let host = parsed.host_str().unwrap_or_default().to_owned();
                let port = parsed.port_or_known_default().unwrap_or(443);
                let found = tokio::time::timeout(
                    RESOLVE_TIMEOUT,
                    tokio::net::lookup_host((host.as_str(), port)),
                )
                .await
                .map_err(|_| format!("its host `{host}` did not resolve in time"))?
                .map_err(|_| format!("its host `{host}` does not resolve"))?;
                found.map(|address| address.ip()).collect()
            }
        };
        if addresses.is_empty() {
            return Err("its host resolves to no address".to_owned());
        }
        match addresses.iter().find(|ip| !self.allows(**ip)) {
            Some(ip) => Err(format!(
                "resolves to {ip}, which is not a public address; webhooks go only to public addresses"
            )),
            None => Ok(parsed),
        }
    }

    /// The resolver a delivering client uses: it keeps only the addresses this policy
    /// allows.
    pub fn resolver(&self) -> Arc<PublicResolver> {
        Arc::new(PublicResolver {
            policy: self.clone(),
        })
    }
}

/// The IP address `url`'s host spells out, if it is one.
pub fn literal(url: &Url) -> Option<IpAddr> {
    match url.host()? {
        url::Host::Ipv4(ip) => Some(IpAddr::V4(ip)),
        url::Host::Ipv6(ip) => Some(IpAddr::V6(ip)),
        url::Host::Domain(_) => None,
    }
}

/// An IPv6 address that carries an IPv4 one (`::ffff:127.0.0.1`, `::127.0.0.1`) as that
/// IPv4 address.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => compatible(v6).map_or(ip, IpAddr::V4),
        },
        v4 => v4,
    }
}

/// The IPv4 address of a deprecated IPv4-compatible address (`::a.b.c.d`, but not `::`
/// or `::1`).
fn compatible(ip: Ipv6Addr) -> Option<Ipv4Addr> {
    let segments = ip.segments();
    (segments[..6].iter().all(|s| *s == 0) && (segments[6] != 0 || segments[7] > 1))
        .then(|| Ipv4Addr::from(((segments[6] as u32) << 16) | segments[7] as u32))
}

/// Resolves names with the system resolver and keeps only the addresses the policy
/// allows; a name left with none fails to resolve.
pub struct PublicResolver {
    policy: Policy,
}

impl Resolve for PublicResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let policy = self.policy.clone();
        Box::pin(async move {
            let host = name.as_str().to_owned();
            let found = tokio::net::lookup_host((host.as_str(), 0)).await?;
            let allowed: Vec<SocketAddr> = found
                .filter(|address| policy.allows(address.ip()))
                .collect();
            if allowed.is_empty() {
                return Err(format!("`{host}` resolves to no public address").into());
            }
            Ok(Box::new(allowed.into_iter()) as Addrs)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(nets: &[&str], http: bool) -> Policy {
        Policy {
            allow_nets: nets.iter().map(|net| net.parse().unwrap()).collect(),
            allow_http: http,
        }
    }

    #[test]
    fn only_public_addresses_are_allowed() {
        let strict = policy(&[], false);
        for refused in [
            "127.0.0.1",
            "10.0.0.1",
            "172.31.255.255",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "224.0.0.1",
            "255.255.255.255",
            "240.0.0.1",
            "198.18.0.1",
            "::1",
            "::",
            "fe80::1",
            "fc00::1",
            "fd12:3456::1",
            "ff02::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "::127.0.0.1",
            "64:ff9b::a00:1",
            "2001:db8::1",
        ] {
            assert!(!strict.allows(refused.parse().unwrap()), "{refused}");
        }
        for allowed in [
            "8.8.8.8",
            "1.1.1.1",
            "2606:4700:4700::1111",
            "::ffff:8.8.8.8",
        ] {
            assert!(strict.allows(allowed.parse().unwrap()), "{allowed}");
        }
        let open = policy(&["127.0.0.0/8"], true);
        assert!(open.allows("127.0.0.1".parse().unwrap()));
        assert!(open.allows("::ffff:127.0.0.1".parse().unwrap()));
        assert!(!open.allows("10.0.0.1".parse().unwrap()));
    }

    #[test]
    fn a_url_must_be_https_with_a_host_and_no_credentials() {
        let strict = policy(&[], false);
        assert!(strict.check_form("https://hooks.example.org/mizan").is_ok());
        for bad in [
            "http://hooks.example.org/",
            "ftp://hooks.example.org/",
            "https://user:pass@hooks.example.org/",
            "hooks.example.org",
            "",
        ] {
            assert!(strict.check_form(bad).is_err(), "{bad}");
        }
        assert!(
            policy(&[], true)
                .check_form("http://hooks.example.org/")
                .is_ok()
        );
    }
}
