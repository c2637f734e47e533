//! Who is asking, behind a reverse proxy: the address a request came from
//! is the proxy's; the client's is in `X-Forwarded-For`, which anyone can
//! write. Only proxies named with `--trusted-proxy` are believed, and only
//! for the hops they added: the client is the right-most address in the
//! header that is not itself a trusted proxy.

use std::net::IpAddr;

use axum::http::HeaderMap;

/// An address or a network (`10.0.0.0/8`, `2001:db8::/32`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Network {
    address: IpAddr,
    prefix: u8,
}

impl Network {
    /// `ADDRESS` or `ADDRESS/PREFIX`; the mistake named.
    pub fn parse(text: &str) -> Result<Network, String> {
        let text = text.trim();
        let (address, prefix) = match text.split_once('/') {
            Some((a, p)) => (a, Some(p)),
            None => (text, None),
        };
        let address: IpAddr = address.parse().map_err(|_| {
            format!("{text:?} is not an IP address or network (10.0.0.1, 10.0.0.0/8)")
        })?;
        let bits = if address.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            None => bits,
            Some(p) => p
                .parse::<u8>()
                .ok()
                .filter(|p| *p <= bits)
                .ok_or_else(|| format!("{text:?}: the prefix must be 0 to {bits}"))?,
        };
        Ok(Network { address, prefix })
    }

    pub fn contains(&self, ip: IpAddr) -> bool {
        let ip = match ip {
            IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
            v4 => v4,
        };
        match (self.address, ip) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                let mask = u32::MAX
                    .checked_shl(32 - u32::from(self.prefix))
                    .unwrap_or(0);
                u32::from(net) & mask == u32::from(ip) & mask
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                let mask = u128::MAX
                    .checked_shl(128 - u32::from(self.prefix))
                    .unwrap_or(0);
                u128::from(net) & mask == u128::from(ip) & mask
            }
            _ => false,
        }
    }
}

/// The proxies whose `X-Forwarded-For` is believed; none by default.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedProxies(Vec<Network>);

impl TrustedProxies {
    /// Each entry an address or a network; every mistake named.
    pub fn parse<S: AsRef<str>>(entries: &[S]) -> Result<TrustedProxies, String> {
        let mut networks = Vec::new();
        let mut errors = Vec::new();
        for entry in entries
            .iter()
            .map(AsRef::as_ref)
            .filter(|e| !e.trim().is_empty())
        {
            match Network::parse(entry) {
                Ok(n) => networks.push(n),
                Err(e) => errors.push(e),
            }
        }
        if errors.is_empty() {
            Ok(TrustedProxies(networks))
        } else {
            Err(errors.join("; "))
        }
    }

    fn trusts(&self, ip: IpAddr) -> bool {
        self.0.iter().any(|n| n.contains(ip))
    }

    /// The client's address: `peer` itself unless it is a trusted proxy;
    /// then, walking `X-Forwarded-For` from the right, the first address
    /// that is not a trusted proxy (or the left-most, when all are). An
    /// unreadable entry stops the walk at the last address believed.
    pub fn client(&self, peer: IpAddr, headers: &HeaderMap) -> IpAddr {
        if !self.trusts(peer) {
            return peer;
        }
        let hops: Vec<&str> = headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .map(str::trim)
            .collect();
        let mut client = peer;
        for hop in hops.iter().rev() {
            let Ok(ip) = hop.parse::<IpAddr>() else {
                break;
            };
            client = ip;
            if !self.trusts(ip) {
                break;
            }
        }
        client
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    fn forwarded(values: &[&str]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for v in values {
            h.append("x-forwarded-for", HeaderValue::from_str(v).unwrap());
        }
        h
    }

    #[test]
    fn networks_hold_what_their_prefix_says() {
        let n = Network::parse("10.1.0.0/16").unwrap();
        assert!(n.contains(ip("10.1.255.3")));
        assert!(!n.contains(ip("10.2.0.1")));
        assert!(n.contains(ip("::ffff:10.1.2.3")), "IPv4 mapped in IPv6");
        assert!(
            Network::parse("0.0.0.0/0")
                .unwrap()
                .contains(ip("192.0.2.1"))
        );
        let one = Network::parse("192.0.2.7").unwrap();
        assert!(one.contains(ip("192.0.2.7")) && !one.contains(ip("192.0.2.8")));
        let v6 = Network::parse("2001:db8::/32").unwrap();
        assert!(v6.contains(ip("2001:db8:1::9")) && !v6.contains(ip("2001:db9::1")));
        assert!(!v6.contains(ip("10.1.2.3")));
    }

    #[test]
    fn mistakes_are_named() {
        let err = TrustedProxies::parse(&["10.0.0.1", "proxy.local", "10.0.0.0/33", "::1/129"])
            .unwrap_err();
        assert!(
            err.contains("\"proxy.local\" is not an IP address"),
            "{err}"
        );
        assert!(
            err.contains("\"10.0.0.0/33\": the prefix must be 0 to 32"),
            "{err}"
        );
        assert!(
            err.contains("\"::1/129\": the prefix must be 0 to 128"),
            "{err}"
        );
        assert_eq!(
            TrustedProxies::parse::<&str>(&[]).unwrap(),
            TrustedProxies::default()
        );
    }

    #[test]
    fn the_client_is_the_last_hop_a_trusted_proxy_added() {
        let trusted = TrustedProxies::parse(&["10.0.0.0/8"]).unwrap();
        let none = TrustedProxies::default();
        // Straight from the client: the header is the client's own words.
        assert_eq!(
            none.client(ip("198.51.100.7"), &forwarded(&["1.2.3.4"])),
            ip("198.51.100.7")
        );
        assert_eq!(
            trusted.client(ip("198.51.100.7"), &forwarded(&["1.2.3.4"])),
            ip("198.51.100.7")
        );
        // Through the proxy: the address it saw.
        assert_eq!(
            trusted.client(ip("10.0.0.1"), &forwarded(&["198.51.100.7"])),
            ip("198.51.100.7")
        );
        // A client writing its own header first cannot hide behind it.
        assert_eq!(
            trusted.client(ip("10.0.0.1"), &forwarded(&["6.6.6.6, 198.51.100.7"])),
            ip("198.51.100.7")
        );
        // Two proxies of ours, in one header or two.
        assert_eq!(
            trusted.client(ip("10.0.0.1"), &forwarded(&["198.51.100.7, 10.0.0.2"])),
            ip("198.51.100.7")
        );
        assert_eq!(
            trusted.client(ip("10.0.0.1"), &forwarded(&["198.51.100.7", "10.0.0.2"])),
            ip("198.51.100.7")
        );
        // No header, or garbage: the proxy itself (all its clients share it).
        assert_eq!(
            trusted.client(ip("10.0.0.1"), &HeaderMap::new()),
            ip("10.0.0.1")
        );
        assert_eq!(
            trusted.client(ip("10.0.0.1"), &forwarded(&["unknown"])),
            ip("10.0.0.1")
        );
        assert_eq!(
            trusted.client(
                ip("10.0.0.1"),
                &forwarded(&["198.51.100.7, junk, 10.0.0.3"])
            ),
            ip("10.0.0.3")
        );
    }
}
