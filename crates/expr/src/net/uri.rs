//! URI escaping (`Uri.EscapeDataString`, `WebUtility.UrlEncode`, …) and `System.Uri` parsing.

use std::fmt::Write;

fn percent_encode(text: &str, keep: impl Fn(u8) -> bool, space_as_plus: bool) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if keep(byte) {
            out.push(char::from(byte));
        } else if byte == b' ' && space_as_plus {
            out.push('+');
        } else {
            let _ = write!(out, "%{byte:02X}");
        }
    }
    out
}

/// `Uri.EscapeDataString`: everything but RFC 3986 unreserved characters.
pub fn escape_data_string(text: &str) -> String {
    percent_encode(
        text,
        |b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~'),
        false,
    )
}

/// `Uri.EscapeUriString`: also keeps the reserved characters.
pub fn escape_uri_string(text: &str) -> String {
    percent_encode(
        text,
        |b| b.is_ascii_alphanumeric() || b"-_.~:/?#[]@!$&'()*+,;=%".contains(&b),
        false,
    )
}

/// `WebUtility.UrlEncode`: space as `+`, keeps `-_.!*()` and alphanumerics.
pub fn url_encode(text: &str) -> String {
    percent_encode(
        text,
        |b| {
            b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'!' | b'*' | b'(' | b')')
        },
        true,
    )
}

/// Decodes `%XX` (as UTF-8; invalid sequences stay as they are) and, with `plus`, `+` as space.
pub fn unescape(text: &str, plus: bool) -> String {
    let bytes = text.as_bytes();
    let mut out: Vec<u8> = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&byte) = bytes.get(i) {
        if byte == b'%'
            && let (Some(h), Some(l)) = (bytes.get(i + 1), bytes.get(i + 2))
            && let (Some(h), Some(l)) = (char::from(*h).to_digit(16), char::from(*l).to_digit(16))
        {
            out.push(u8::try_from(h * 16 + l).unwrap_or(b'?'));
            i += 3;
            continue;
        }
        out.push(if plus && byte == b'+' { b' ' } else { byte });
        i += 1;
    }
    String::from_utf8(out.clone()).unwrap_or_else(|_| String::from_utf8_lossy(&out).into_owned())
}

/// `WebUtility.HtmlEncode`.
pub fn html_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if ('\u{a0}'..='\u{ff}').contains(&c) => {
                let _ = write!(out, "&#{};", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out
}

/// `WebUtility.HtmlDecode`: the common named entities and numeric references.
pub fn html_decode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let tail = &rest[amp..];
        let decoded = tail.find(';').filter(|&semi| semi <= 10).and_then(|semi| {
            let name = &tail[1..semi];
            let c = match name {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "nbsp" => Some('\u{a0}'),
                _ => name
                    .strip_prefix("#x")
                    .or_else(|| name.strip_prefix("#X"))
                    .and_then(|hex| u32::from_str_radix(hex, 16).ok())
                    .or_else(|| name.strip_prefix('#').and_then(|dec| dec.parse().ok()))
                    .and_then(char::from_u32),
            }?;
            Some((c, semi + 1))
        });
        match decoded {
            Some((c, len)) => {
                out.push(c);
                rest = &tail[len..];
            }
            None => {
                out.push('&');
                rest = &tail[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// A parsed absolute URI.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Uri {
    pub scheme: String,
    pub user_info: String,
    pub host: String,
    pub port: Option<u16>,
    /// Starts with `/`.
    pub path: String,
    /// Starts with `?`, or empty.
    pub query: String,
    /// Starts with `#`, or empty.
    pub fragment: String,
    pub original: String,
}

impl Uri {
    pub fn default_port(&self) -> Option<u16> {
        match self.scheme.as_str() {
            "http" | "ws" => Some(80),
            "https" | "wss" => Some(443),
            "ftp" => Some(21),
            _ => None,
        }
    }

    /// `Uri.Port`: the explicit port or the scheme's default (-1 if none).
    pub fn effective_port(&self) -> i32 {
        self.port.or(self.default_port()).map_or(-1, i32::from)
    }

    pub fn authority(&self) -> String {
        match self.port {
            Some(port) if Some(port) != self.default_port() => format!("{}:{port}", self.host),
            _ => self.host.clone(),
        }
    }

    /// `Uri.AbsoluteUri`.
    pub fn absolute(&self) -> String {
        let user = if self.user_info.is_empty() {
            String::new()
        } else {
            format!("{}@", self.user_info)
        };
        format!(
            "{}://{user}{}{}{}{}",
            self.scheme,
            self.authority(),
            self.path,
            self.query,
            self.fragment
        )
    }

    /// `Uri.Segments`.
    pub fn segments(&self) -> Vec<String> {
        let mut segments = Vec::new();
        let mut start = 0;
        for (index, c) in self.path.char_indices() {
            if c == '/' {
                segments.push(self.path[start..=index].to_owned());
                start = index + 1;
            }
        }
        if start < self.path.len() {
            segments.push(self.path[start..].to_owned());
        }
        segments
    }
}

/// `new Uri(text)` for an absolute URI; `None` is .NET's `UriFormatException`.
pub fn parse(text: &str) -> Option<Uri> {
    let original = text.to_owned();
    let text = text.trim();
    let (scheme, rest) = text.split_once("://")?;
    if scheme.is_empty()
        || !scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
    {
        return None;
    }
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(end);
    let (user_info, host_port) = match authority.rsplit_once('@') {
        Some((user, host)) => (user.to_owned(), host),
        None => (String::new(), authority),
    };
    let (host, port) = match host_port.rsplit_once(':') {
        Some((host, port)) if !host.ends_with(']') || host_port.starts_with('[') => {
            if port.is_empty() {
                (host, None)
            } else {
                (host, Some(port.parse::<u16>().ok()?))
            }
        }
        _ => (host_port, None),
    };
    if host.is_empty() {
        return None;
    }
    let (before_fragment, fragment) = match tail.find('#') {
        Some(i) => (&tail[..i], &tail[i..]),
        None => (tail, ""),
    };
    let (path, query) = match before_fragment.find('?') {
        Some(i) => (&before_fragment[..i], &before_fragment[i..]),
        None => (before_fragment, ""),
    };
    let path = if path.is_empty() {
        "/".to_owned()
    } else {
        remove_dot_segments(path)
    };
    Some(Uri {
        scheme: scheme.to_ascii_lowercase(),
        user_info,
        host: host.to_ascii_lowercase(),
        port,
        path: escape_uri_string(&path),
        query: escape_uri_string(query),
        fragment: fragment.to_owned(),
        original,
    })
}

fn remove_dot_segments(path: &str) -> String {
    let mut output: Vec<&str> = Vec::new();
    let trailing = path.ends_with('/') || path.ends_with("/.") || path.ends_with("/..");
    for segment in path.split('/').skip(1) {
        match segment {
            "." => {}
            ".." => {
                output.pop();
            }
            other => output.push(other),
        }
    }
    let mut result = String::new();
    for segment in &output {
        result.push('/');
        result.push_str(segment);
    }
    if trailing && !result.ends_with('/') {
        result.push('/');
    }
    if result.is_empty() {
        result.push('/');
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping() {
        assert_eq!(escape_data_string("a b&c=d/é~"), "a%20b%26c%3Dd%2F%C3%A9~");
        assert_eq!(url_encode("a b&c=d!"), "a+b%26c%3Dd!");
        assert_eq!(unescape("a%20b+c%C3%A9%zz", false), "a b+cé%zz");
        assert_eq!(unescape("a+b", true), "a b");
        assert_eq!(
            html_encode("<a href=\"x\">'&'</a>"),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
        );
        assert_eq!(
            html_decode("&lt;b&gt; &amp;amp; &#65;&#x42; &bogus;"),
            "<b> &amp; AB &bogus;"
        );
    }

    #[test]
    fn uris() {
        let uri = parse("HTTPS://User@Example.com:8443/a/./b/../c?x=1#top").unwrap();
        assert_eq!(uri.scheme, "https");
        assert_eq!(uri.host, "example.com");
        assert_eq!(uri.effective_port(), 8443);
        assert_eq!(uri.path, "/a/c");
        assert_eq!(uri.query, "?x=1");
        assert_eq!(uri.absolute(), "https://User@example.com:8443/a/c?x=1#top");
        assert_eq!(parse("http://h").unwrap().path, "/");
        assert_eq!(parse("http://h:80/").unwrap().absolute(), "http://h/");
        assert_eq!(parse("not a uri"), None);
        assert_eq!(parse("http://h/a/b").unwrap().segments(), ["/", "a/", "b"]);
    }
}
